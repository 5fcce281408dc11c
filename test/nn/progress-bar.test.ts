/**
 * fit's progress output: Keras's live bar over a terminal sink (verbose 1 with `write`), one line
 * per epoch otherwise (piped output, verbose 2), nothing with verbose 0.
 */
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, SGD } from '../../src/index.js';
import { formatEta, progressLine, ProgressBar } from '../../src/nn/progress-bar.js';

describe('the progress line', () => {
  it("is tf.keras 2's Progbar: count right-aligned, 30-wide bar with a '>' head, ETA, running values", () => {
    expect(progressLine(3, 10, 4.2, { loss: 0.5, accuracy: 0.75 })).toBe(' 3/10 [========>.....................] - ETA: 4s - loss: 0.5000 - accuracy: 0.7500');
    expect(progressLine(1, 100, 0, { loss: 0.0001 })).toBe('  1/100 [..............................] - ETA: 0s - loss: 1.0000e-4');
    expect(formatEta(59.6)).toBe('1:00');
    expect(formatEta(3725)).toBe('1:02:05');
  });

  it('redraws over one line with a fake terminal: throttled to one per 50 ms, padded, the final line last', () => {
    let t = 0;
    const writes: string[] = [];
    const bar = new ProgressBar(2, 4, (s) => writes.push(s), () => t);
    bar.onEpochBegin(0);
    t = 10;
    bar.update(1, () => ({ loss: 0.123456, accuracy: 0.5 })); // the first batch always draws
    t = 40;
    bar.update(2, () => {
      throw new Error('not due: 30 ms after the last draw');
    });
    t = 90;
    bar.update(3, () => ({ loss: 0.2 }));
    bar.update(4, () => ({ loss: 0 })); // the last batch: the epoch's end draws
    t = 100;
    bar.onEpochEnd(0, { loss: 0.25, accuracy: 0.75 });
    expect(writes).toEqual([
      'Epoch 1/2\n',
      // int(30·1/4) = 7 columns: six '=' and the head
      '\r1/4 [======>.......................] - ETA: 0s - loss: 0.1235 - accuracy: 0.5000',
      // 90 ms for 3 steps: 0.03 s per step, 1 to go; shorter than the last line, so padded over it
      '\r3/4 [=====================>........] - ETA: 0s - loss: 0.2000' + ' '.repeat(19),
      '\r4/4 [==============================] - 0s 25ms/step - loss: 0.2500 - accuracy: 0.7500\n',
    ]);
    bar.onEpochBegin(1);
    expect(writes.at(-1)).toBe('Epoch 2/2\n');
  });
});

function model(): Sequential {
  const m = new Sequential([new Dense(3, { activation: 'tanh', inputShape: [2] }), new Dense(1, { activation: 'sigmoid' })]);
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return m;
}
const X = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
const y = X.map(([a, b]) => (a + b > 0 ? 1 : 0));
/** The timing part of a final line, which no test can know. */
const TIME = / - \d+s \d+(us|ms|s)\/step/;

describe('the redraw interval', () => {
  it('grows to ten times what the running logs took (an exact AUC sorts every score), so the bar stays cheap', () => {
    let t = 0;
    let draws = 0;
    const bar = new ProgressBar(1, 100, () => draws++, () => t);
    bar.onEpochBegin(0); // 1 write
    const slowLogs = () => {
      t += 20; // 20 ms to compute
      return { loss: 1 };
    };
    bar.update(1, slowLogs); // draws; next draw no sooner than 200 ms after it ended (t = 20)
    t = 150;
    bar.update(2, slowLogs); // 130 ms later: skipped (it would be drawn at Keras's 50 ms)
    t = 221;
    bar.update(3, slowLogs); // 201 ms later: drawn
    expect(draws).toBe(3);
  });
});

describe('fit output', () => {
  it('piped (print, no terminal): exactly one Epoch line and one summary line per epoch, for verbose 1 and 2', () => {
    for (const verbose of [1, 2] as const) {
      const lines: string[] = [];
      const h = model().fit(X, y, { epochs: 2, batchSize: 8, verbose, print: (l) => lines.push(l), shuffle: false });
      const v = (k: string, e: number) => h.history[k][e].toFixed(4);
      expect(lines.map((l) => l.replace(TIME, ' - T'))).toEqual([
        'Epoch 1/2',
        `3/3 [==============================] - T - loss: ${v('loss', 0)} - accuracy: ${v('accuracy', 0)}`,
        'Epoch 2/2',
        `3/3 [==============================] - T - loss: ${v('loss', 1)} - accuracy: ${v('accuracy', 1)}`,
      ]);
    }
  });

  it('verbose 1 with a terminal sink: the bar redraws with \\r within each epoch and ends it with the summary line', () => {
    let out = '';
    const h = model().fit(X, y, { epochs: 2, batchSize: 8, verbose: 1, write: (s) => (out += s), shuffle: false });
    const epochs = out.split(/Epoch \d\/2\n/).slice(1);
    expect(out.startsWith('Epoch 1/2\n\r1/3 [=========>....................] - ETA: ')).toBe(true);
    expect(epochs).toHaveLength(2);
    epochs.forEach((text, e) => {
      const draws = text.split('\r').slice(1);
      const last = draws.pop() as string;
      expect(last.replace(TIME, ' - T')).toMatch(new RegExp(`^3/3 \\[={30}\\] - T - loss: ${h.history.loss[e].toFixed(4)} - accuracy: ${h.history.accuracy[e].toFixed(4)} *\\n$`));
      for (const d of draws) expect(d).toMatch(/^[12]\/3 \[=*>\.*\] - ETA: \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} *$/);
    });
    // verbose 2 with the same sink: lines only, no redraws; verbose 0: nothing
    let two = '';
    model().fit(X, y, { epochs: 1, batchSize: 8, verbose: 2, write: (s) => (two += s) });
    expect(two).not.toContain('\r');
    expect(two.split('\n')).toHaveLength(3);
    let none = '';
    model().fit(X, y, { epochs: 1, verbose: 0, write: (s) => (none += s), print: (s) => (none += s) });
    expect(none).toBe('');
  });
});
