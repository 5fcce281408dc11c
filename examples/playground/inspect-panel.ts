/**
 * The inspection panel: for the sample the user clicked, every layer's forward values and backward
 * gradients, each with its formula. The numbers are copies of the engine's own buffers (probe.ts);
 * the panel recomputes dZ, dW and dX from them by the formulas and shows how far apart they are, so
 * a reader can see the formula IS what the engine did.
 */
import { css, diverging } from './colors.js';
import type { LayerTrace, SampleTrace } from './probe.js';

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

function cells(values: ArrayLike<number>, rows: number, cols: number): string {
  let largest = 1e-12;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]));
  let html = '<table class="numbers">';
  for (let r = 0; r < rows; r++) {
    html += '<tr>';
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      html += `<td style="background:${css(diverging((0.6 * v) / largest))}">${fmt(v)}</td>`;
    }
    html += '</tr>';
  }
  return `${html}</table>`;
}

function row(formula: string, shape: string, values: string): string {
  return `<div class="term"><div class="formula">${formula} <span class="shape">${shape}</span></div>${values}</div>`;
}

/** f′ written from the output a = f(z), as src/nn/activations.ts does. */
const DERIVATIVE: Record<string, [string, (a: number) => number]> = {
  relu: ['relu′(Y) = [Y > 0]', (a) => (a > 0 ? 1 : 0)],
  tanh: ['tanh′ = 1 − Y²', (a) => 1 - a * a],
  sigmoid: ['σ′ = Y·(1 − Y)', (a) => a * (1 - a)],
  linear: ['linear′ = 1', () => 1],
};

function largestGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function layerHtml(t: LayerTrace, isOutput: boolean): string {
  const nIn = t.input.length;
  const nOut = t.output.length;
  // recompute by the formulas, from the engine's own dY, Y, X and W
  const [dName, df] = isOutput ? ['σ fused into the loss: the layer is linear on z, so dZ = dY', () => 1] : DERIVATIVE[t.activation];
  const dZ = Array.from(t.dY, (g, j) => g * df(t.output[j]));
  const dW = new Float64Array(nIn * nOut);
  for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) dW[i * nOut + j] = t.input[i] * t.dZ[j] + t.dWPenalty[i * nOut + j];
  const regularized = t.dWPenalty.some((v) => v !== 0);
  const dX = t.dX ? Array.from({ length: nIn }, (_, i) => t.dZ.reduce((s, g, j) => s + g * t.W[i * nOut + j], 0)) : null;
  const gap = Math.max(largestGap(dZ, t.dZ), largestGap(dW, t.dW), dX && t.dX ? largestGap(dX, t.dX) : 0);
  const f = isOutput ? 'z = X·W + b' : `Y = ${t.activation}(X·W + b)`;
  return `<section class="layer">
    <h4>${t.name}: Dense(${nOut}, ${t.activation})</h4>
    <div class="pass">forward</div>
    ${row('X', `[1, ${nIn}]`, cells(t.input, 1, nIn))}
    ${row(f, `[1, ${nOut}]`, cells(t.output, 1, nOut))}
    <div class="pass">backward</div>
    ${row(`dY = ∂L/∂${isOutput ? 'z' : 'Y'}`, `[1, ${nOut}]`, cells(t.dY, 1, nOut))}
    ${row(`dZ = dY ⊙ f′(Y), ${dName}`, `[1, ${nOut}]`, cells(t.dZ, 1, nOut))}
    ${row('db = Σ<sub>rows</sub> dZ', `[${nOut}]`, cells(t.db, 1, nOut))}
    ${regularized ? row('∂penalty/∂W = l1·sign(W) + 2·l2·W', `[${nIn}, ${nOut}]`, cells(t.dWPenalty, nIn, nOut)) : ''}
    ${row(regularized ? 'dW = Xᵀ·dZ + ∂penalty/∂W' : 'dW = Xᵀ·dZ', `[${nIn}, ${nOut}]`, cells(t.dW, nIn, nOut))}
    ${t.dX ? row('dX = dZ·Wᵀ (the dY of the layer below)', `[1, ${nIn}]`, cells(t.dX, 1, nIn)) : '<div class="note">dX is not computed for the first layer: no layer below needs it.</div>'}
    <div class="note">The formulas recomputed here from the engine's X, Y, W and dY: largest difference from the engine's buffers ${gap.toExponential(1)}.</div>
  </section>`;
}

export function renderInspection(el: HTMLElement, t: SampleTrace): void {
  const last = t.layers.length - 1;
  el.innerHTML = `
    <div class="sample">sample (${t.x[0].toFixed(3)}, ${t.x[1].toFixed(3)}), label y = ${t.label}</div>
    <div class="term"><div class="formula">p = σ(z) = ${fmt(t.p)}, z = ${fmt(t.z)}</div></div>
    <div class="term"><div class="formula">ℓ = max(z, 0) − z·y + log1p(e<sup>−|z|</sup>) = ${fmt(t.loss - t.penalty)}</div></div>
    ${t.penalty !== 0 ? `<div class="term"><div class="formula">L = ℓ + penalty = ${fmt(t.loss - t.penalty)} + ${fmt(t.penalty)} = ${fmt(t.loss)}, the penalty summed over every kernel</div></div>` : ''}
    <div class="term"><div class="formula">∂ℓ/∂z = p − y = ${fmt(t.p - t.label)}</div></div>
    ${t.layers.map((l, i) => layerHtml(l, i === last)).join('')}`;
}
