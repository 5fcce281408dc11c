/**
 * Keras's CSVLogger: one row per epoch, `epoch` and then every logs key in sorted order, e.g.
 *   epoch,auc,loss,val_auc,val_loss
 *   0,0.8123,0.4501,0.7990,0.4612
 *
 * Written atomically (writeFileAtomic: a temporary file, flushed, then renamed) at the end of
 * every epoch with all the rows so far, so the file on disk is always a whole CSV, even after a
 * crash mid-write, and already holds every finished epoch (as Keras's per-epoch flush does).
 * Rewriting the file is O(epochs) per epoch, nothing next to an epoch of training.
 * `append: true` keeps what the file held before (and writes no second header when it had one).
 * Its state (the rows so far) travels in the Trainer's state, so a resumed run writes the same file.
 *
 * @example
 * model.fit(X, y, { epochs: 10, callbacks: [new CSVLogger('training.csv')] });
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Callback, Logs } from '../nn/callbacks.js';
import { checkOptions } from '../nn/options.js';
import { writeFileAtomic } from './files.js';

export interface CSVLoggerOptions {
  /** The column separator (default ','). */
  separator?: string;
  /** Keep the file's old content and add to it (default false: start afresh). */
  append?: boolean;
}

export class CSVLogger implements Callback {
  /** What the file held before this run (append only). */
  private prefix = '';
  private keys: string[] | null = null;
  private rows: string[] = [];
  private readonly separator: string;

  constructor(
    readonly filename: string,
    private readonly options: CSVLoggerOptions = {},
  ) {
    checkOptions('CSVLogger', options, ['separator', 'append']);
    if (typeof filename !== 'string' || filename === '') throw new TypeError('CSVLogger: filename must be a non-empty string');
    this.separator = options.separator ?? ',';
  }

  onTrainBegin(): void {
    this.prefix = this.options.append && existsSync(this.filename) ? readFileSync(this.filename, 'utf8') : '';
    if (this.prefix !== '' && !this.prefix.endsWith('\n')) this.prefix += '\n';
    this.keys = null;
    this.rows = [];
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.keys ??= Object.keys(logs).sort();
    const value = (v: number | undefined) => (v === undefined ? 'NA' : String(v));
    this.rows.push([String(epoch), ...this.keys.map((k) => value(logs[k]))].join(this.separator));
    const header = this.prefix === '' ? `${['epoch', ...this.keys].join(this.separator)}\n` : '';
    writeFileAtomic(this.filename, `${this.prefix}${header}${this.rows.join('\n')}\n`);
  }

  getState(): { prefix: string; keys: string[] | null; rows: string[] } {
    return { prefix: this.prefix, keys: this.keys ? this.keys.slice() : null, rows: this.rows.slice() };
  }

  setState(state: unknown): void {
    const s = state as { prefix: string; keys: string[] | null; rows: string[] } | null;
    if (!s || typeof s.prefix !== 'string' || !Array.isArray(s.rows)) throw new TypeError(`CSVLogger.setState: expected { prefix, keys, rows }, got ${JSON.stringify(state)?.slice(0, 120)}`);
    this.prefix = s.prefix;
    this.keys = s.keys ? s.keys.slice() : null;
    this.rows = s.rows.slice();
  }
}
