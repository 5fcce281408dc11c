/**
 * "Check gradients": gradCheck (src/nn/grad-check.ts) on the current network and one batch of the
 * training rows, as many as the run's batch holds (a training run's arena is sized for that).
 */
import { GRAD_CHECK_TOLERANCE, gradCheck } from '../../src/index.js';
import type { Session } from './session.js';

export function runGradCheck(el: HTMLElement, session: Session): void {
  const rows = Math.min(session.capacity, session.train.X.rows);
  const X = session.train.X.rowView(0, rows);
  const y = session.train.y.rowView(0, rows);
  const r = gradCheck(session.model, X, y);
  const ok = r.worst <= GRAD_CHECK_TOLERANCE;
  el.innerHTML = `
    <table class="gradcheck">
      <tr><th>layer</th><th>weights</th><th>max relative error</th></tr>
      ${r.layers.map((l) => `<tr><td>${l.layer}</td><td>${l.params}</td><td>${l.maxRelError.toExponential(2)}</td></tr>`).join('')}
    </table>
    <div class="verdict ${ok ? 'ok' : 'bad'}" data-worst="${r.worst}">worst ${r.worst.toExponential(2)}: ${ok ? 'backprop agrees with the finite differences' : 'a gradient is WRONG'} (tolerance ${GRAD_CHECK_TOLERANCE}; ${rows} rows; differences of the ${r.reference === 'float64' ? 'float64 twin' : "engine's forward"})</div>`;
}
