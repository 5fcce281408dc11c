/**
 * `densely gradcheck`: builds a small model on seeded synthetic data, trains it a few steps (so
 * the biases are no longer zero), and compares its backprop with finite differences for every
 * weight (src/nn/grad-check.ts). Prints a table per layer, or JSON; exits 1 when a gradient is wrong.
 */
import { Dense } from '../nn/dense.js';
import { GRAD_CHECK_TOLERANCE, gradCheck } from '../nn/grad-check.js';
import { Sequential } from '../nn/sequential.js';
import { MT19937 } from '../tensor/random.js';
import { commandOptions, listOption, type Spec, UsageError } from './args.js';
import type { Io } from './io.js';

export const GRADCHECK_SPEC: Spec = {
  layers: { type: 'string', help: 'hidden layer widths, comma-separated', default: '8,8' },
  activation: { type: 'string', help: 'hidden activation: relu, tanh, sigmoid or linear', default: 'relu' },
  loss: { type: 'string', help: "'binary_crossentropy' (sigmoid output, fused) or 'mse' (linear output)", default: 'binary_crossentropy' },
  inputs: { type: 'int', help: 'input features', default: 4, min: 1, max: 1000 },
  rows: { type: 'int', help: 'rows in the one batch checked', default: 16, min: 1, max: 10000 },
  steps: { type: 'int', help: 'Adam steps before the check', default: 20, min: 0 },
  seed: { type: 'int', help: 'seed of the data and the weights', default: 42, min: 0, max: 0xffffffff },
  epsilon: { type: 'number', help: 'finite-difference step, relative to max(1, |w|)', default: '1e-6' },
  tolerance: { type: 'number', help: 'the worst relative error allowed', default: GRAD_CHECK_TOLERANCE, min: 0 },
  json: { type: 'boolean', help: 'print {worst, layers: [{layer, maxRelError}]} (and a few more keys)' },
  help: { type: 'boolean', help: 'show this help' },
};

export const GRADCHECK_USAGE = 'densely gradcheck [--layers 8,8] [--activation tanh] [--loss mse] [--json]';

export function gradcheck(argv: string[], io: Io): number {
  const o = commandOptions('gradcheck', argv, GRADCHECK_SPEC, GRADCHECK_USAGE, [], io.out);
  if (o === null) return 0;
  const widths = (listOption(o.layers) ?? ['8', '8']).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`gradcheck: --layers takes widths from 1 to 1000, got '${s}'`);
    return n;
  });
  if (widths.length === 0) throw new UsageError('gradcheck: --layers needs at least one width');
  const activation = (o.activation as string | undefined) ?? 'relu';
  if (activation !== 'linear' && activation !== 'relu' && activation !== 'tanh' && activation !== 'sigmoid') throw new UsageError(`gradcheck: --activation takes relu, tanh, sigmoid or linear, got '${activation}'`);
  const loss = (o.loss as string | undefined) ?? 'binary_crossentropy';
  if (loss !== 'binary_crossentropy' && loss !== 'mse') throw new UsageError(`gradcheck: --loss takes binary_crossentropy or mse, got '${loss}'`);
  const inputs = (o.inputs as number | undefined) ?? 4;
  const rows = (o.rows as number | undefined) ?? 16;
  const steps = (o.steps as number | undefined) ?? 20;
  const seed = (o.seed as number | undefined) ?? 42;
  const tolerance = (o.tolerance as number | undefined) ?? GRAD_CHECK_TOLERANCE;

  // data: features uniform in [-1, 1), label 1 when the first two features share a sign
  const rng = new MT19937(seed);
  const X = Array.from({ length: rows }, () => Array.from({ length: inputs }, () => 2 * rng.random() - 1));
  const y = X.map((r) => (r[0] * (r[1] ?? 1) > 0 ? 1 : 0));
  const model = new Sequential(
    [...widths.map((units, i) => new Dense(units, { activation, ...(i === 0 ? { inputShape: [inputs] } : {}) })), new Dense(1, { activation: loss === 'mse' ? 'linear' : 'sigmoid' })],
    { seed },
  );
  model.compile({ optimizer: 'adam', loss });
  if (steps > 0) model.fit(X, y, { epochs: steps, batchSize: rows, verbose: 0, seed });
  const r = gradCheck(model, X, y, { epsilon: o.epsilon as number | undefined });
  const ok = r.worst <= tolerance;

  if (o.json) {
    io.out(JSON.stringify({
      worst: r.worst,
      ok,
      tolerance,
      reference: r.reference,
      epsilon: r.epsilon,
      layers: r.layers.map((l) => ({ layer: l.layer, maxRelError: l.maxRelError, params: l.params, kinks: l.kinks, worstAt: l.worstAt })),
    }));
  } else {
    io.out(`densely gradcheck: ${inputs} → ${widths.join(' → ')} (${activation}) → 1, ${loss}, ${rows} rows, after ${steps} Adam steps`);
    io.out(`finite differences of the ${r.reference === 'float64' ? 'float64 twin' : "engine's float32 forward"}, step ${r.epsilon} · max(1, |w|)`);
    io.out('');
    io.out(`${'layer'.padEnd(12)}${'weights'.padStart(8)}${'max rel. error'.padStart(16)}  worst at (analytic vs numeric)`);
    for (const l of r.layers) {
      const w = l.worstAt;
      const at = w ? `${w.tensor}[${w.index}]: ${w.analytic.toExponential(4)} vs ${w.numeric.toExponential(4)}` : '';
      io.out(`${l.layer.padEnd(12)}${String(l.params).padStart(8)}${l.maxRelError.toExponential(2).padStart(16)}  ${at}${l.kinks ? ` (${l.kinks} kinks)` : ''}`);
    }
    io.out('');
    io.out(`worst ${r.worst.toExponential(2)}: ${ok ? 'OK' : 'FAILED'} (tolerance ${tolerance})`);
  }
  return ok ? 0 : 1;
}
