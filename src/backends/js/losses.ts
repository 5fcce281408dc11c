/**
 * The js backend's fused sigmoid + binary cross-entropy: the loop that was the `fused` branch of
 * src/nn/losses.ts's binaryCrossentropy, moved here unchanged.
 *
 * On the logit z, as TF computes it:
 *   ℓ = max(z, 0) − z·y + log1p(exp(−|z|))       (never overflows, never log(0))
 *   ∂ℓ/∂z = sigmoid(z) − y                        (so dZ = w·(σ(z) − y)/(rows·k), exactly)
 */
import { sigmoid } from './activations.js';

/**
 * Returns Σi wi·(Σj ℓij)/k and writes dZ. z, y, dZ: [rows, k]; w: [rows] or null.
 *
 * @example
 * const dZ = new Float32Array(1);
 * sigmoidBce(Float32Array.of(0), Float32Array.of(1), null, 1, 1, dZ); // 0.6931… (log 2); dZ = [-0.5]
 */
export function sigmoidBce(z: Float32Array, y: Float32Array, w: Float32Array | null, rows: number, k: number, dZ: Float32Array): number {
  const scale = 1 / (rows * k);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const wi = w === null ? 1 : w[i];
    let rowLoss = 0;
    for (let j = i * k, end = j + k; j < end; j++) {
      const yj = y[j];
      const zj = z[j];
      rowLoss += Math.max(zj, 0) - zj * yj + Math.log1p(Math.exp(-Math.abs(zj)));
      dZ[j] = wi * (sigmoid(zj) - yj) * scale;
    }
    total += (wi * rowLoss) / k;
  }
  return total;
}
