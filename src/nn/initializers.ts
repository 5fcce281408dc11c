/**
 * Weight initializers, Keras's, by name: what a Dense layer's kernel and bias start from.
 *
 *   name             distribution                      scale (fanIn = n_in, fanOut = n_out)
 *   glorot_uniform   U(−limit, limit)                  limit = sqrt(6 / (fanIn + fanOut))   (the default kernel)
 *   he_uniform       U(−limit, limit)                  limit = sqrt(6 / fanIn)
 *   glorot_normal    truncated N(0, σ²)                σ = sqrt(2 / (fanIn + fanOut)) / 0.8796…
 *   he_normal        truncated N(0, σ²)                σ = sqrt(2 / fanIn) / 0.8796…
 *   lecun_normal     truncated N(0, σ²)                σ = sqrt(1 / fanIn) / 0.8796…
 *   zeros, ones      the constant                                                          (zeros: the default bias)
 *
 * Keras's VarianceScaling draws its "normal" kernels from a normal truncated at two standard
 * deviations (values beyond are drawn again), and divides σ by 0.87962566103423978, the standard
 * deviation of a unit normal truncated to [−2, 2], so the kernel's variance is still scale/fan.
 * For a bias (a 1-D shape) Keras takes fanIn = fanOut = its length.
 *
 * Every draw comes from the model's seeded MT19937, in order, so a seed gives the same weights on
 * every run. glorot_uniform draws exactly as densely always has (one random() per weight).
 */
import type { MT19937 } from '../tensor/random.js';

export type InitializerName = 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'lecun_normal' | 'zeros' | 'ones';

/** Fills `values` for a weight with these fans, drawing from `rng`. */
export type Initializer = (values: Float32Array, fanIn: number, fanOut: number, rng: MT19937) => void;

/** The standard deviation of a unit normal truncated to [−2, 2] (Keras's constant). */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/**
 * A unit normal by the polar (Marsaglia) method: draw (x, y) uniform in the square until it falls
 * inside the unit circle, then x·sqrt(−2 ln s / s). One value per call (the pair's other half is
 * not kept, so the stream depends only on how many values were drawn).
 */
export function standardNormal(rng: MT19937): number {
  for (;;) {
    const x = 2 * rng.random() - 1;
    const y = 2 * rng.random() - 1;
    const s = x * x + y * y;
    if (s > 0 && s < 1) return x * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** N(0, 1) truncated to [−2, 2]: drawn again until it lands inside. */
export function truncatedStandardNormal(rng: MT19937): number {
  for (;;) {
    const v = standardNormal(rng);
    if (v >= -2 && v <= 2) return v;
  }
}

function uniform(scale: (fanIn: number, fanOut: number) => number): Initializer {
  return (values, fanIn, fanOut, rng) => {
    const limit = Math.sqrt(6 / scale(fanIn, fanOut));
    for (let i = 0; i < values.length; i++) values[i] = limit * (2 * rng.random() - 1);
  };
}

function truncatedNormal(scale: number, fan: (fanIn: number, fanOut: number) => number): Initializer {
  return (values, fanIn, fanOut, rng) => {
    const stddev = Math.sqrt(scale / fan(fanIn, fanOut)) / TRUNCATED_NORMAL_STDDEV;
    for (let i = 0; i < values.length; i++) values[i] = stddev * truncatedStandardNormal(rng);
  };
}

const fanSum = (fanIn: number, fanOut: number) => fanIn + fanOut;
const fanAvg = (fanIn: number, fanOut: number) => (fanIn + fanOut) / 2;
const fanInOnly = (fanIn: number) => fanIn;

const INITIALIZERS = new Map<string, Initializer>([
  ['glorot_uniform', uniform(fanSum)],
  ['glorot_normal', truncatedNormal(1, fanAvg)],
  ['he_uniform', uniform(fanInOnly)],
  ['he_normal', truncatedNormal(2, fanInOnly)],
  ['lecun_normal', truncatedNormal(1, fanInOnly)],
  ['zeros', (values) => values.fill(0)],
  ['ones', (values) => values.fill(1)],
]);

/** The initializer names densely knows. */
export const INITIALIZER_NAMES = [...INITIALIZERS.keys()] as InitializerName[];

/**
 * An initializer by its Keras name; an unknown name lists the known ones.
 *
 * @example
 * getInitializer('zeros', 'Dense')(w, 3, 4, rng); // w all 0
 */
export function getInitializer(name: string, where = 'initializer'): Initializer {
  const init = typeof name === 'string' ? INITIALIZERS.get(name) : undefined;
  if (!init) throw new Error(`${where}: unknown initializer '${String(name)}' (expected one of ${INITIALIZER_NAMES.join(', ')})`);
  return init;
}
