/**
 * The js backend's optimizer updates, elementwise over one flat block of parameters: the inner
 * loops of src/optim's Adam, SGD and RMSprop, moved here unchanged. The optimizers keep the
 * bookkeeping (step count, bias corrections) and call these once per block per step.
 */

/**
 * Adam: m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= alpha·m / (sqrt(v)·vScale + ε).
 * w, g, m, v: [n].
 *
 * @example
 * const w = Float32Array.of(1), m = new Float32Array(1), v = new Float32Array(1);
 * adamUpdate(w, Float32Array.of(2), m, v, 0.1, 0.9, 0.999, 1e-7, 1); // m = [0.2], v = [0.004], w ≈ [0.6838]
 */
export function adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, alpha: number, b1: number, b2: number, eps: number, vScale: number): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (alpha * mi) / (Math.sqrt(vi) * vScale + eps);
  }
}

/**
 * SGD: plain `w −= lr·g` when mu is 0 (u is not touched); with momentum u = μ·u − lr·g and
 * w += u (nesterov: w += μ·u − lr·g). w, g: [n]; u: [n], or empty without momentum.
 *
 * @example
 * const w = Float32Array.of(1);
 * sgdUpdate(w, Float32Array.of(2), new Float32Array(0), 0.5, 0, false); // w = [0]
 */
export function sgdUpdate(w: Float32Array, g: Float32Array, u: Float32Array, lr: number, mu: number, nesterov: boolean): void {
  if (mu === 0) {
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    return;
  }
  for (let i = 0; i < w.length; i++) {
    const ui = mu * u[i] - lr * g[i];
    u[i] = ui;
    w[i] += nesterov ? mu * ui - lr * g[i] : ui;
  }
}

/**
 * RMSprop (Keras: ε inside the root): v = ρ·v + (1−ρ)·g²;  w −= lr·g / sqrt(v + ε). w, g, v: [n].
 *
 * @example
 * const w = Float32Array.of(1), v = new Float32Array(1);
 * rmspropUpdate(w, Float32Array.of(2), v, 0.1, 0.9, 1e-7); // v = [0.4], w ≈ [0.684]
 */
export function rmspropUpdate(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, rho: number, eps: number): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const vi = rho * v[i] + (1 - rho) * gi * gi;
    v[i] = vi;
    w[i] -= (lr * gi) / Math.sqrt(vi + eps);
  }
}
