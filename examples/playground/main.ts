/**
 * The playground page: wires the controls, the Session (data, model, Trainer), the play/pause/step
 * loop and the drawings together. Each of those is its own file; this one only connects them.
 *
 * Run it with `npm run playground`; build a folder that opens from disk with `npm run playground:build`.
 */
import { listBackends } from '../../src/index.js';
import { fromHash, toHash, type Config } from './config.js';
import { drawCurves } from './curves.js';
import { runGradCheck } from './gradcheck-panel.js';
import { EXTENT, fromPixel, gridPoints, RESOLUTION } from './grid.js';
import { paintHeatmap, paintPoints } from './heatmap.js';
import { renderInspection } from './inspect-panel.js';
import { Loop } from './loop.js';
import { drawNetwork } from './network.js';
import { forwardGrid, inspectSample } from './probe.js';
import { Session } from './session.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const controls = {
  dataset: $<HTMLSelectElement>('dataset'),
  noise: $<HTMLInputElement>('noise'),
  train: $<HTMLInputElement>('train'),
  seed: $<HTMLInputElement>('seed'),
  layers: $<HTMLInputElement>('layers'),
  activation: $<HTMLSelectElement>('activation'),
  lr: $<HTMLInputElement>('lr'),
  batch: $<HTMLInputElement>('batch'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  regularization: $<HTMLSelectElement>('regularization'),
  regRate: $<HTMLInputElement>('reg-rate'),
  backend: $<HTMLSelectElement>('backend'),
};
const boundary = $<HTMLCanvasElement>('boundary');
const grid = gridPoints();

// the backends this build has registered (js; wasm where it is available)
for (const b of listBackends()) controls.backend.add(new Option(b.name, b.name));

let session: Session;
let selected = -1;
let lastRecord = 0;

/** The configuration the controls show. */
function readControls(): Config {
  const c = fromHash(''); // the defaults, then every control over them
  c.dataset = controls.dataset.value as Config['dataset'];
  c.noise = Number(controls.noise.value);
  c.trainPercent = Number(controls.train.value);
  c.seed = Math.max(0, Math.floor(Number(controls.seed.value) || 0));
  c.layers = controls.layers.value.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  c.activation = controls.activation.value as Config['activation'];
  c.learningRate = Number(controls.lr.value);
  c.batchSize = Number(controls.batch.value);
  c.optimizer = controls.optimizer.value as Config['optimizer'];
  c.regularization = controls.regularization.value as Config['regularization'];
  c.regularizationRate = Number(controls.regRate.value);
  c.backend = controls.backend.value;
  return c;
}

function showConfig(c: Config): void {
  controls.dataset.value = c.dataset;
  controls.noise.value = String(c.noise);
  controls.train.value = String(c.trainPercent);
  controls.seed.value = String(c.seed);
  controls.layers.value = c.layers.join(',');
  controls.activation.value = c.activation;
  controls.lr.value = String(c.learningRate);
  controls.batch.value = String(c.batchSize);
  controls.optimizer.value = c.optimizer;
  controls.regularization.value = c.regularization;
  controls.regRate.value = String(c.regularizationRate);
  controls.backend.value = listBackends().some((b) => b.name === c.backend) ? c.backend : 'js';
  $('noise-value').textContent = String(c.noise);
  $('train-value').textContent = String(c.trainPercent);
}

/** A new session from the URL hash (the one source of truth for the configuration). */
function start(): void {
  const wasPlaying = loop.playing;
  if (wasPlaying) loop.pause();
  const config = fromHash(location.hash);
  if (!listBackends().some((b) => b.name === config.backend)) config.backend = 'js';
  showConfig(config);
  session = new Session(config);
  selected = -1;
  $('inspect').innerHTML = '<p class="note">Click a point on the decision boundary: its forward activations and backward gradients, layer by layer, appear here.</p>';
  $('gradcheck').innerHTML = '';
  render({ fps: 0, stepsPerSecond: 0, playing: false });
  if (wasPlaying) loop.play();
}

/** How a unit's activation maps to the colour scale [-1, 1]. */
function scaleFor(activation: string, values: Float32Array, stride: number, offset: number): (v: number) => number {
  if (activation === 'tanh') return (v) => v;
  if (activation === 'sigmoid') return (v) => 2 * v - 1;
  let largest = 1e-9;
  for (let i = offset; i < values.length; i += stride) largest = Math.max(largest, Math.abs(values[i]));
  return (v) => v / largest;
}

/** The unit maps' canvases, made once per unit and repainted every frame. */
const unitCanvases = new Map<string, HTMLCanvasElement>();
function unitCanvas(l: number, u: number): HTMLCanvasElement {
  const key = `${l}/${u}`;
  let c = unitCanvases.get(key);
  if (!c) {
    c = Object.assign(document.createElement('canvas'), { width: RESOLUTION, height: RESOLUTION });
    unitCanvases.set(key, c);
  }
  return c;
}

function render(stats: { fps: number; stepsPerSecond: number; playing: boolean }): void {
  const { model, points, config } = session;
  const now = performance.now();
  if (!stats.playing || now - lastRecord > 100) {
    if (session.losses[session.losses.length - 1].step !== session.steps) session.record();
    lastRecord = now;
  }
  // every layer's outputs over the grid, through the engine's own buffers
  const { outputs } = forwardGrid(model, grid, session.capacity);
  const out = outputs[outputs.length - 1];
  paintHeatmap(boundary, out, 1, 0, (p) => 0.6 * (2 * p - 1)); // lighter than the points drawn over it
  const isTest = new Uint8Array(points.n);
  for (const i of session.testIdx) isTest[i] = 1;
  paintPoints(boundary, points.X, points.y, isTest, selected);

  // the network: input maps (x₁, x₂), each hidden unit's map, the output's map
  const inputs = [0, 1].map((k) => {
    const c = unitCanvas(0, k);
    paintHeatmap(c, grid, 2, k, (v) => v / EXTENT);
    return c;
  });
  const unitImages = [inputs, ...outputs.map((values, l) => {
    const width = model.layers[l].outputDim;
    const last = l === outputs.length - 1;
    return Array.from({ length: width }, (_, u) => {
      const c = unitCanvas(l + 1, u);
      paintHeatmap(c, values, width, u, last ? (p) => 2 * p - 1 : scaleFor(config.activation, values, width, u));
      return c;
    });
  })];
  const kernels = model.layers.map((l) => l.params()[0].param);
  drawNetwork($<HTMLCanvasElement>('network'), { sizes: [2, ...model.layers.map((l) => l.outputDim)], kernels, unitImages });
  drawCurves($<HTMLCanvasElement>('curves'), session.losses);

  const last = session.losses[session.losses.length - 1];
  $('steps').textContent = String(session.steps);
  $('epoch').textContent = String(session.trainer.position.epoch);
  $('train-loss').textContent = last.train.toFixed(3);
  const testLoss = $('test-loss');
  testLoss.textContent = Number.isFinite(last.test) ? last.test.toFixed(3) : '–';
  testLoss.dataset.loss = String(last.test);
  const best = $('best-test-loss');
  best.textContent = Number.isFinite(session.bestTest.test) ? `${session.bestTest.test.toFixed(3)} at step ${session.bestTest.step}` : '–';
  best.dataset.loss = String(session.bestTest.test);
  $('fps').textContent = stats.fps ? stats.fps.toFixed(0) : '–';
  $('sps').textContent = stats.stepsPerSecond ? stats.stepsPerSecond.toFixed(0) : '–';
}

const loop: Loop = new Loop({ step: () => session.step(), render });

/** The clicked sample: the nearest point to the click, forward and backward through the engine. */
boundary.addEventListener('click', (e) => {
  const rect = boundary.getBoundingClientRect();
  const x = fromPixel(((e.clientX - rect.left) / rect.width) * boundary.width, boundary.width);
  const y = fromPixel(((e.clientY - rect.top) / rect.height) * boundary.height, boundary.height, true);
  const { X, n } = session.points;
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const d = (X[2 * i] - x) ** 2 + (X[2 * i + 1] - y) ** 2;
    if (d < bestD) [best, bestD] = [i, d];
  }
  selected = best;
  const trace = inspectSample(session.model, [X[2 * best], X[2 * best + 1]], session.points.y[best]);
  renderInspection($('inspect'), trace);
  render({ ...loop.stats, playing: loop.playing });
});

$('play').addEventListener('click', () => loop.play());
$('pause').addEventListener('click', () => loop.pause());
$('step').addEventListener('click', () => loop.stepOnce());
$('reset').addEventListener('click', () => start());
$('check').addEventListener('click', () => runGradCheck($('gradcheck'), session));
for (const el of Object.values(controls)) {
  el.addEventListener('change', () => {
    location.hash = toHash(readControls());
  });
}
controls.noise.addEventListener('input', () => ($('noise-value').textContent = controls.noise.value));
controls.train.addEventListener('input', () => ($('train-value').textContent = controls.train.value));
window.addEventListener('hashchange', start);

if (!location.hash) history.replaceState(null, '', toHash(fromHash('')));
start();
