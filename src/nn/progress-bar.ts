/**
 * Keras's progress bar for fit({ verbose: 1 }) in a terminal: one line per epoch, redrawn in place
 * as the batches go by, then left as the epoch's summary line.
 *
 *   Epoch 3/10
 *    512/1131 [============>.................] - ETA: 0s - loss: 0.2901 - accuracy: 0.8921     (redrawn)
 *   1131/1131 [==============================] - 1s 310us/step - loss: 0.2876 - accuracy: 0.8935  (final)
 *
 * The format is tf.keras 2's Progbar: the step count right-aligned to the width of the total, a
 * 30-wide bar of '=' with '>' at the head, ' - ETA: …' while running (average time per step so far
 * × steps left; '1:05' past a minute, '1:02:05' past an hour), and the running means so far (loss
 * weighted by batch size, the stateful metrics' result()). The final line is formatProgress's, the
 * very line the non-terminal form prints.
 *
 * It needs a sink that writes text as given (no newline added): `fit({ write })`, e.g.
 * `(s) => process.stdout.write(s)` in a Node terminal. A redraw is '\r' + the line, padded with
 * spaces over a longer previous one. Redraws are throttled to one per 50 ms (Keras's interval),
 * except the first batch's and the final line; and to ten times what the last running logs took
 * to compute (an exact AUC sorts every score so far), so the bar costs at most ~10% of a run. Nothing here imports a runtime module: the sink is
 * handed in, so the bar works wherever a sink can be written (a terminal, an xterm.js page).
 */
import { formatProgress, type Callback, type Logs } from './callbacks.js';

/** Keras's Progbar width (characters between the brackets). */
export const BAR_WIDTH = 30;

/** Keras's Progbar interval: the least time between two redraws, in ms. */
export const REDRAW_INTERVAL_MS = 50;

/**
 * The in-progress line: count, bar, ETA and the running values.
 *
 * @example
 * progressLine(3, 10, 4.2, { loss: 0.5 }); // ' 3/10 [========>.....................] - ETA: 4s - loss: 0.5000'
 */
export function progressLine(current: number, target: number, etaSeconds: number, logs: Logs): string {
  const digits = String(target).length;
  const filled = target > 0 ? Math.floor((BAR_WIDTH * current) / target) : BAR_WIDTH;
  let bar = '';
  if (filled > 0) bar = '='.repeat(filled - 1) + (current < target ? '>' : '=');
  bar += '.'.repeat(BAR_WIDTH - filled);
  return `${String(current).padStart(digits)}/${target} [${bar}] - ETA: ${formatEta(etaSeconds)}${formatValues(logs)}`;
}

/** Keras's ETA: '5s', '1:05' past a minute, '1:02:05' past an hour. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}

/** ' - loss: 0.2876 - accuracy: 0.8935', as formatProgress writes the values. */
function formatValues(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(4) : v.toFixed(4)}`)
    .join('');
}

/**
 * The live bar, as a fit callback (epoch begin and end) plus `update`, which the Trainer calls
 * after every batch with the count of batches done and a function for the running logs (called
 * only when a redraw is due, so a throttled batch costs one clock read).
 *
 * @example
 * let out = '';
 * const bar = new ProgressBar(1, 4, (s) => (out += s));
 * bar.onEpochBegin(0);
 * bar.update(1, () => ({ loss: 0.7 }));   // out ends with '\r1/4 [======>.......................] - ETA: …'
 * bar.onEpochEnd(0, { loss: 0.6 });       // '\r4/4 [==============================] - 0s …\n'
 */
export class ProgressBar implements Callback {
  private started: number;
  private lastDraw = -Infinity;
  /** The least time between redraws now: REDRAW_INTERVAL_MS, or 10× the last logs() call. */
  private interval = REDRAW_INTERVAL_MS;
  /** Characters on the line now (a shorter redraw pads over them). */
  private width = 0;

  constructor(
    private readonly epochs: number,
    private readonly steps: number,
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  onEpochBegin(epoch: number): void {
    this.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
    this.started = this.now();
    this.lastDraw = -Infinity;
    this.interval = REDRAW_INTERVAL_MS;
    this.width = 0;
  }

  /** After batch `done` (1-based) of the epoch; `logs()` gives the running means so far. */
  update(done: number, logs: () => Logs): void {
    if (done >= this.steps) return; // the epoch's end draws the final line
    const t = this.now();
    if (t - this.lastDraw < this.interval) return;
    const perStep = (t - this.started) / 1000 / done;
    const values = logs();
    const after = this.now();
    this.interval = Math.max(REDRAW_INTERVAL_MS, 10 * (after - t));
    this.lastDraw = after;
    this.draw(progressLine(done, this.steps, perStep * (this.steps - done), values), '');
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    this.draw(formatProgress(this.steps, (this.now() - this.started) / 1000, logs), '\n');
    this.width = 0;
  }

  /** '\r' + line, padded with spaces over what a longer previous line left. */
  private draw(line: string, end: string): void {
    const pad = this.width > line.length ? ' '.repeat(this.width - line.length) : '';
    this.write(`\r${line}${pad}${end}`);
    this.width = line.length;
  }
}

/**
 * A terminal sink when this runtime has one (Node, stdout a TTY), else null: what fit uses for
 * verbose 1 when it is given neither `print` nor `write`. Read from globalThis, not imported, so
 * this file loads unchanged in a browser (where it is null).
 */
export function defaultTerminalWriter(): ((text: string) => void) | null {
  const stdout = (globalThis as { process?: { stdout?: { isTTY?: boolean; write?: (s: string) => unknown } } }).process?.stdout;
  if (!stdout || stdout.isTTY !== true || typeof stdout.write !== 'function') return null;
  return (text) => {
    stdout.write!(text);
  };
}
