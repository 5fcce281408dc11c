/**
 * Gradient checking: does backprop agree with the loss it differentiates?
 *
 * For every weight w of every layer, the gradient the engine's backprop computes (analytic, `a`,
 * float32) is compared with a central finite difference of the loss (numeric, `n`):
 *
 *   n = (L(w + h) − L(w − h)) / ((w + h) − (w − h)),     h = epsilon·max(1, |w|)
 *
 *   err = |a − n| / max(|a|, |n|, floor)
 *
 * How it is done carefully, over a float32 model:
 *
 * - **L in float64 ("float64 over float32").** The engine's forward runs in float32: each
 *   evaluation of L is off by ~6e-8·|L|, so a difference over a step h is off by ~1e-7·|L|/h.
 *   Measured on a trained 3-8-8-1 net, that noise put correct gradients of 1e-4 at errors of
 *   1e-2, and pushed h up to where ReLU's kink got crossed. So L is computed by a float64 twin of
 *   the model (reference-loss.ts): the very float32 weights, held as float64, through the same
 *   layers and loss in float64. Its rounding is ~1e-16, so h can be 1e-6 (the default) and the
 *   difference is exact to ~1e-9 relative. The perturbed weight lives only in the twin (float64,
 *   w ± h exactly); the model's own weights are never touched. Before any difference is taken, the twin's loss is
 *   checked against the engine's own (float32 forward, float64 sum) at the unperturbed weights:
 *   they must agree to 1e-4 relative, else the engine's forward is not the function the twin
 *   computes (a broken forward) and gradCheck falls back (next point).
 * - **When there is no twin** (a layer other than Dense, a custom loss, or a forward that
 *   disagrees with the twin), L is the engine's own: its float32 forward, its loss summed in
 *   float64 by `evaluate`. Then the perturbed weights are float32 and the denominator is the
 *   difference of the two weights actually stored (exact in float64), not 2h; the default step is
 *   1e-2 (the float32 noise above sets it). `result.reference` says which L was used.
 * - **Kinks are not errors.** ReLU has a kink at 0 (and clipped BCE at its clips): a step that
 *   crosses one gives a quotient that is no derivative. Each weight is differenced at h and at
 *   h/2, and its error is the smaller of the two: a correct gradient agrees with the step that
 *   did not cross, a wrong one disagrees with both. Weights whose two quotients disagree with each
 *   other are counted in `kinks`.
 * - **The floor** (default 1e-6): gradients smaller than it are compared absolutely, so a
 *   gradient of 1e-12 against a numeric 3e-12 is not called a 200% error.
 *
 * What is left is the float32 backprop's own rounding: measured against the twin, correct models
 * scored 4e-8 to 7e-5 (relu, tanh, sigmoid, linear; BCE and MSE; up to the marketing model's
 * 50-64-64-1 on 256 of its rows), the worst always at gradients a thousand times smaller than
 * their tensor's largest. A broken gradient scores 1e-1 to 1. `GRAD_CHECK_TOLERANCE` (1e-3) is
 * the line the CLI and the playground draw between them (against the engine's own forward, expect
 * up to ~1e-2 for correct gradients of smooth activations, and worse across ReLU's kinks).
 *
 * Weight regularizers are part of the loss (the twin adds their penalties too). A frozen layer's
 * weights get no gradient (layer.trainable = false): they are not checked (`frozen: true`, 0
 * params), though dX still flows through the layer to the ones before it.
 *
 * The model must be compiled (the loss is part of what is differentiated) and its forward must be
 * deterministic. X is ONE batch: during a training run it may have at most the run's batch size of
 * rows. The weights are left bit for bit as they were; the gradient buffers and the last output
 * are overwritten (the next training step recomputes them).
 */
import type { MatrixLike, TargetsLike } from './inputs.js';
import { referenceLoss } from './reference-loss.js';
import type { Sequential } from './sequential.js';

export interface GradCheckOptions {
  /** The step relative to a weight's size: h = epsilon·max(1, |w|). Default 1e-6 (float64 twin) or 1e-2 (engine forward). */
  epsilon?: number;
  /** Gradients below this size are compared absolutely: err = |a − n| / max(|a|, |n|, floor). Default 1e-6. */
  floor?: number;
}

/** One weight: where a layer's error is worst. */
export interface GradCheckPoint {
  /** The weight tensor's name, e.g. 'dense_1/kernel'. */
  tensor: string;
  /** Its flat index (row-major: kernel [in, out] element (i, j) is i·out + j). */
  index: number;
  analytic: number;
  numeric: number;
  relError: number;
}

export interface LayerGradCheck {
  layer: string;
  /** Weights checked: every one of the layer's. */
  params: number;
  /** The worst relative error over the layer's weights (0 for a layer without weights). */
  maxRelError: number;
  worstAt: GradCheckPoint | null;
  /** Weights whose two finite differences disagreed with each other (a kink was crossed). */
  kinks: number;
  /** A frozen layer (trainable false): its weights get no gradient, so none was checked. */
  frozen?: boolean;
}

export interface GradCheckResult {
  /** The worst relative error over every layer. */
  worst: number;
  layers: LayerGradCheck[];
  /** The engine's loss at the unperturbed weights (float32 forward, float64 sum). */
  loss: number;
  /** Which loss was differenced: the float64 twin, or the engine's own float32 forward. */
  reference: 'float64' | 'engine';
  /** The step used (h = epsilon·max(1, |w|)). */
  epsilon: number;
}

/** Above this worst relative error (with the float64 twin), a model's gradients are wrong. */
export const GRAD_CHECK_TOLERANCE = 1e-3;

/** How closely the twin's loss must match the engine's for the twin to stand in for it. */
const TWIN_AGREEMENT = 1e-4;

/**
 * Compares backprop with central finite differences for every weight of `model` on (X, y), taken
 * as one batch. Returns the worst relative error per layer (see the top of this file for how).
 *
 * @example
 * const model = new Sequential([new Dense(4, { activation: 'tanh', inputShape: [2] }), new Dense(1, { activation: 'sigmoid' })]);
 * model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
 * const { worst, layers } = gradCheck(model, [[0.5, -1], [1, 2]], [0, 1]);
 * worst < GRAD_CHECK_TOLERANCE; // true: backprop agrees with the differences
 * layers.map((l) => l.layer);   // ['dense', 'dense_1']
 */
export function gradCheck(model: Sequential, X: MatrixLike, y: TargetsLike, options: GradCheckOptions = {}): GradCheckResult {
  const floor = options.floor ?? 1e-6;
  if (options.epsilon !== undefined && !(options.epsilon > 0 && options.epsilon < 1)) throw new RangeError(`gradCheck: epsilon must be in (0, 1), got ${options.epsilon}`);
  if (!(floor > 0)) throw new RangeError(`gradCheck: floor must be positive, got ${floor}`);
  model.compiled('gradCheck');
  const data = model.checkData(X, y, 'gradCheck');
  const rows = data.X.rows;
  if (rows === 0) throw new RangeError('gradCheck: X has 0 rows');

  // the analytic gradients first: this also sizes the arena for `rows`, so the weight views taken
  // below stay valid while the loss is evaluated (evaluate never grows it past `rows`)
  const { loss, grads } = model.computeGradients(data.X, data.y);
  const twin = referenceLoss(model, data.X.data, data.y.data, rows);
  const useTwin = twin !== null && Math.abs(twin.loss() - loss) <= TWIN_AGREEMENT * Math.max(1, Math.abs(loss));
  const epsilon = options.epsilon ?? (useTwin ? 1e-6 : 1e-2);

  // the weights (the twin's float64 copies, or the model's own float32 views), and the central
  // difference of L along weights[t][i] with a step h
  const weights: (Float32Array | Float64Array)[] = useTwin ? twin.weights : model.layers.flatMap((l) => l.params().map((p) => p.param));
  const difference = useTwin
    ? (t: number, i: number, h: number) => {
        const w = weights[t][i];
        return (twin.lossWith(t, i, w + h) - twin.lossWith(t, i, w - h)) / (w + h - (w - h));
      }
    : (t: number, i: number, h: number) => centralDifference(weights[t], i, h, () => model.evaluate(data.X, data.y, { batchSize: rows }).loss);
  if (weights.length !== grads.length) throw new Error(`gradCheck: the layers list ${weights.length} weight tensors, the model ${grads.length}`);

  const layers: LayerGradCheck[] = [];
  let t = 0;
  for (const layer of model.layers) {
    const result: LayerGradCheck = { layer: layer.name, params: 0, maxRelError: 0, worstAt: null, kinks: 0 };
    if (layer.trainable === false) {
      t += layer.params().length;
      layers.push({ ...result, frozen: true });
      continue;
    }
    for (const { name } of layer.params()) {
      const w = weights[t];
      const analytic = grads[t];
      for (let i = 0; i < w.length; i++) {
        const a = analytic[i];
        const h = epsilon * Math.max(1, Math.abs(w[i]));
        const n1 = difference(t, i, h);
        const n2 = difference(t, i, h / 2);
        const e1 = relativeError(a, n1, floor);
        const e2 = relativeError(a, n2, floor);
        if (relativeError(n1, n2, floor) > GRAD_CHECK_TOLERANCE) result.kinks++;
        const err = Math.min(e1, e2);
        if (result.worstAt === null || err > result.maxRelError) {
          result.maxRelError = err;
          result.worstAt = { tensor: name, index: i, analytic: a, numeric: e1 <= e2 ? n1 : n2, relError: err };
        }
      }
      result.params += w.length;
      t++;
    }
    layers.push(result);
  }
  return { worst: Math.max(0, ...layers.map((l) => l.maxRelError)), layers, loss, reference: useTwin ? 'float64' : 'engine', epsilon };
}

/**
 * (L(w₊) − L(w₋)) / (w₊ − w₋) on the engine's own forward, where w± = w ± h as the Float32Array
 * stores them (rounded to float32, so the denominator is the step actually taken). w[i] is
 * restored bit for bit.
 */
function centralDifference(w: Float32Array | Float64Array, i: number, h: number, lossAt: () => number): number {
  const keep = w[i];
  w[i] = keep + h;
  const up = w[i];
  const lossUp = lossAt();
  w[i] = keep - h;
  const down = w[i];
  const lossDown = lossAt();
  w[i] = keep;
  return (lossUp - lossDown) / (up - down);
}

/** |a − n| / max(|a|, |n|, floor): relative, except for numbers below the floor. */
export function relativeError(a: number, n: number, floor: number): number {
  return Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
}
