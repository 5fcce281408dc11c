/**
 * One column of a CSV, as its raw strings: what `densely predict --id` carries through to the
 * scored list, untouched (never prepared, never a feature).
 */
import { CsvError } from '../errors.js';
import { detachString } from './columns.js';
import { forEachCsvRow, type Chunk, type ChunkSource } from './csv.js';

/**
 * The values of `column` in every data row, in order. Errors name the source and list the columns.
 *
 * @example
 * readCsvColumn(() => ['id,x\nc1,3\nc2,4\n'], 'id'); // ['c1', 'c2']
 */
export function readCsvColumn(source: ChunkSource | Iterable<Chunk>, column: string, options: { delimiter?: string; source?: string; rows?: Uint8Array } = {}): string[] {
  const wanted = options.rows;
  const values: string[] = [];
  let at = -1;
  forEachCsvRow(
    source,
    {
      onHeader: (header) => {
        at = header.indexOf(column);
        if (at < 0) throw new CsvError(options.source ?? (source as ChunkSource).sourceName ?? 'input', `no column '${column}'; the columns are: ${header.join(', ')}`);
      },
      // with `rows`, only the rows marked 1 keep their text (the others are ''), so memory follows them
      // (kept values are copied flat: a slice would keep its whole parse chunk alive)
      onRow: (fields, row) => void values.push(wanted && !wanted[row] ? '' : wanted ? detachString(fields[at]) : fields[at]),
    },
    options,
  );
  return values;
}
