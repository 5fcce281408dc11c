/**
 * Strict options: in plain JavaScript a misspelled option (`fit({ batch_size: 32 })`,
 * `new Dense(4, { kernel_initializer: 'zeros' })`) would otherwise be ignored without a word.
 * Every public options object is checked against its list of keys, and an unknown key is an error
 * that names it, suggests the likely spelling (snake_case to camelCase, or the nearest key by edit
 * distance) and lists the valid ones.
 */

/**
 * Throws when `options` has a key not in `valid`.
 *
 * @example
 * checkOptions('fit', { batch_size: 32 }, ['epochs', 'batchSize']);
 * // Error: fit: unknown option 'batch_size' (did you mean 'batchSize'?); valid options: epochs, batchSize
 */
export function checkOptions(where: string, options: object | undefined | null, valid: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${where}: options must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const guess = suggest(key, valid);
    throw new Error(`${where}: unknown option '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}; valid options: ${valid.join(', ')}`);
  }
}

/** The valid key `key` most likely meant: its camelCase form, else the nearest within 3 edits. */
export function suggest(key: string, valid: readonly string[]): string | null {
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const lower = camel.toLowerCase();
  const exact = valid.find((v) => v.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | null = null;
  let bestD = 4;
  for (const v of valid) {
    const d = editDistance(lower, v.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions), by one rolling row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}
