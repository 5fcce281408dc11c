/**
 * A softmax multi-class model, Keras style: three classes in the unit cube (which of x0, x1, x2 is
 * largest), a hidden layer with he_normal weights, Dropout, a softmax head under sparse
 * categorical cross-entropy, and 'accuracy' (argmax accuracy here, as Keras picks it). predict
 * returns one probability per class. Then the new activations, each finite-difference checked.
 * Run: npx tsx examples/multiclass.ts
 */
import { Dense, Dropout, gradCheck, MT19937, Sequential, type ActivationName } from '../src/index.js';

const rng = new MT19937(3);
const X = Array.from({ length: 300 }, () => [2 * rng.random() - 1, 2 * rng.random() - 1, 2 * rng.random() - 1]);
const labels = X.map((row) => row.indexOf(Math.max(...row)));

for (const rate of [0, 0.2]) {
  const model = new Sequential(
    [
      new Dense(16, { activation: 'relu', inputShape: [3], kernelInitializer: 'he_normal' }),
      ...(rate > 0 ? [new Dropout(rate)] : []),
      new Dense(3, { activation: 'softmax' }),
    ],
    { seed: 1 },
  );
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const h = model.fit(X, labels, { epochs: 60, batchSize: 32, verbose: 0, validationSplit: 0.2 });
  const last = (k: string) => (h.history[k].at(-1) as number).toFixed(3);
  console.log(`dropout ${rate}: loss ${h.history.loss[0].toFixed(3)} → ${last('loss')}, accuracy ${last('accuracy')}, val_accuracy ${last('val_accuracy')}`);
  if (rate > 0) {
    model.summary();
    const p = model.predict([[0.9, 0.1, -0.5]]).data;
    console.log(`predict([0.9, 0.1, -0.5]) = [${Array.from(p, (v) => v.toFixed(3)).join(', ')}] (sums to ${(p[0] + p[1] + p[2]).toFixed(6)})`);
  }
}

// gradCheck: backprop against central differences of a float64 twin, per activation
const binary = labels.map((c) => (c === 0 ? 1 : 0));
for (const activation of ['leaky_relu', 'elu', 'selu', 'softplus'] as ActivationName[]) {
  const m = new Sequential([new Dense(6, { activation, inputShape: [3] }), new Dense(1, { activation: 'sigmoid' })], { seed: 5 });
  m.compile({ loss: 'binary_crossentropy' });
  m.fit(X.slice(0, 30), binary.slice(0, 30), { epochs: 5, batchSize: 10, verbose: 0 });
  const r = gradCheck(m, X.slice(0, 30), binary.slice(0, 30));
  console.log(`gradCheck ${activation.padEnd(10)} worst relative error ${r.worst.toExponential(2)} (${r.reference})`);
}
