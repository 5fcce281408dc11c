/**
 * A multi-class model's scored list: one row per input row, one probability column per class
 * (`p_<class>`, in the model's class order), then the predicted class's name (the first largest
 * probability), after an optional ID column. Browser-safe.
 *
 *   id,p_class_0,p_class_1,p_class_2,class
 *   17,0.91,0.06,0.03,class_0
 */
import { argmax } from '../tensor/argmax.js';
import { float32Text } from '../tensor/float32-text.js';
import { field } from './scored-list.js';

/** The predicted class's column: 'class', or 'predicted_class' when the ID column is already called 'class'. */
function classColumn(idName: string | undefined): string {
  return idName === 'class' ? 'predicted_class' : 'class';
}

/**
 * The header line, with its newline.
 *
 * @example
 * classScoresHeader(['a', 'b'], 'id'); // 'id,p_a,p_b,class\n'
 */
export function classScoresHeader(classes: readonly string[], idName?: string): string {
  return `${[...(idName !== undefined ? [field(idName)] : []), ...classes.map((c) => field(`p_${c}`)), classColumn(idName)].join(',')}\n`;
}

/**
 * The data lines for `P: [rows, K]` probabilities (row-major), each with its newline; `ids` (one
 * per row) go first when given.
 *
 * @example
 * classScoresRows(Float32Array.of(0.25, 0.75), ['a', 'b'], ['x']); // 'x,0.25,0.75,b\n'
 */
export function classScoresRows(P: Float32Array, classes: readonly string[], ids?: readonly string[]): string {
  const k = classes.length;
  const rows = P.length / k;
  if (ids && ids.length !== rows) throw new RangeError(`class scores: ${ids.length} IDs for ${rows} rows`);
  const names = classes.map(field);
  let out = '';
  for (let r = 0; r < rows; r++) {
    const at = r * k;
    let line = ids ? `${field(ids[r])},` : '';
    for (let j = 0; j < k; j++) line += `${float32Text(P[at + j])},`;
    out += `${line}${names[argmax(P, at, k)]}\n`;
  }
  return out;
}
