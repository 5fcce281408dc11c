/** The loss curves: the mean loss over the training and the test rows, against the step. */
import type { LossPoint } from './session.js';

export function drawCurves(canvas: HTMLCanvasElement, points: LossPoint[]): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  if (points.length < 2) return;
  const lastStep = Math.max(1, points[points.length - 1].step);
  let top = 0;
  for (const p of points) top = Math.max(top, p.train, Number.isFinite(p.test) ? p.test : 0);
  top = Math.max(top, 1e-3);
  const line = (key: 'train' | 'test', color: string) => {
    ctx.beginPath();
    points.forEach((p, i) => {
      const x = (p.step / lastStep) * (width - 10) + 5;
      const y = height - 5 - (p[key] / top) * (height - 20);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  };
  line('train', '#555');
  line('test', '#d62728');
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#555';
  ctx.fillText(`train`, 8, 12);
  ctx.fillStyle = '#d62728';
  ctx.fillText(`test`, 48, 12);
  ctx.fillStyle = '#555';
  ctx.fillText(`loss 0 … ${top.toFixed(2)}, step 0 … ${lastStep}`, 90, 12);
}
