import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backends/js/index.js';
import { Dense } from '../../src/nn/dense.js';
import { gemmScratchFloats } from '../../src/tensor/gemm/index.js';
import { MT19937 } from '../../src/tensor/random.js';
import { checkGradient, randomArray, worstRatio } from './helpers.js';

/** A standalone Dense with plain buffers, as the model would bind it. */
function makeDense(nIn: number, units: number, activation: 'relu' | 'sigmoid' | 'tanh' | 'linear', batch: number) {
  const layer = new Dense(units, { activation, inputShape: [nIn], name: 'd' });
  layer.build(nIn, jsBackend);
  layer.bindParams((n) => new Float32Array(n), (n) => new Float32Array(n));
  layer.initialize(new MT19937(1));
  layer.bindWorkspace((n) => new Float32Array(n), batch, new Float32Array(layer.scratchFloats(batch)));
  const [W, b] = layer.params();
  return { layer, W, b };
}

describe('Dense forward (by hand)', () => {
  it('computes relu(x·W + b) for a 2×2 case', () => {
    const { layer, W, b } = makeDense(2, 2, 'relu', 2);
    W.param.set([1, 2, 3, 4]); // W = [[1, 2], [3, 4]]
    b.param.set([0.5, -20]);
    const Y = layer.forward(new Float32Array([1, 1, 2, -1]), 2);
    // row 0: [1+3+0.5, 2+4-20] = [4.5, -14] → relu → [4.5, 0]
    // row 1: [2-3+0.5, 4-4-20] = [-0.5, -20] → [0, 0]
    expect(Array.from(Y.subarray(0, 4))).toEqual([4.5, 0, 0, 0]);
  });

  it('starts from glorot_uniform kernels within ±sqrt(6/(in+out)) and zero biases', () => {
    const { W, b } = makeDense(50, 64, 'relu', 1);
    const limit = Math.sqrt(6 / 114);
    const w = Array.from(W.param);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * limit); // spread over the whole range
    expect(Math.abs(w.reduce((s, x) => s + x, 0) / w.length)).toBeLessThan(0.02);
    expect(Array.from(b.param).every((x) => x === 0)).toBe(true);
  });

  it('rejects an unknown activation and a bad unit count, naming them', () => {
    expect(() => new Dense(4, { activation: 'softmaxx' as never })).toThrow(/unknown activation 'softmaxx'/);
    expect(() => new Dense(0)).toThrow(/units must be a positive integer, got 0/);
  });
});

describe('Dense backward against finite differences', () => {
  // L = Σ Y ⊙ R for a fixed random R, so dY = R; compare dW, db, dX with central differences.
  for (const activation of ['relu', 'sigmoid', 'tanh', 'linear'] as const) {
    for (const [rows, nIn, units] of [
      [1, 1, 1],
      [3, 5, 4],
      [7, 13, 9],
    ]) {
      it(`${activation} with X [${rows}, ${nIn}] → [${rows}, ${units}]`, () => {
        const batch = rows + 2; // buffers bigger than the rows used, like a last partial batch
        const { layer, W, b } = makeDense(nIn, units, activation, batch);
        b.param.set(randomArray(units, 5, 0.3));
        const X = randomArray(rows * nIn, 11);
        const R = randomArray(rows * units, 13);
        const lossAt = () => {
          const Y = layer.forward(X, rows);
          let s = 0;
          for (let i = 0; i < rows * units; i++) s += Y[i] * R[i];
          return s;
        };
        lossAt();
        W.grad.fill(0);
        b.grad.fill(0);
        const dX = layer.backward(R.slice(), rows, true)!.slice(0, rows * nIn);
        const analyticW = W.grad.slice();
        const analyticB = b.grad.slice();
        let skipped = checkGradient(analyticW, lossAt, W.param);
        skipped += checkGradient(analyticB, lossAt, b.param);
        skipped += checkGradient(dX, lossAt, X);
        // only relu has kinks, and only a few points may sit within a step of one
        expect(skipped).toBeLessThanOrEqual(activation === 'relu' ? Math.ceil(0.1 * (W.param.length + units + X.length)) : 0);
      });
    }
  }

  it('accumulates gradients across calls instead of overwriting them', () => {
    const { layer, W } = makeDense(3, 2, 'linear', 2);
    const X = randomArray(6, 3);
    const dY = randomArray(4, 4);
    W.grad.fill(0);
    layer.forward(X, 2);
    layer.backward(dY.slice(), 2, false);
    const once = W.grad.slice();
    layer.forward(X, 2);
    layer.backward(dY.slice(), 2, false);
    expect(worstRatio(W.grad, once.map((g) => 2 * g), 1e-6, 1e-6)).toBeLessThanOrEqual(1);
  });

  it('scratch sizes come from the gemm ladder', () => {
    const { layer } = makeDense(51, 64, 'relu', 32);
    expect(layer.scratchFloats(32)).toBeGreaterThanOrEqual(gemmScratchFloats(32, 64, 51));
  });
});
