/**
 * A heat map of one value over the grid (grid.ts), drawn into a canvas: the decision boundary
 * (the output p, mapped so 0.5 is white) and each hidden unit's activation.
 */
import { css, diverging, CLASS_COLORS } from './colors.js';
import { RESOLUTION, toPixel } from './grid.js';

/** One grid-sized canvas, reused by every paint. */
const small = Object.assign(document.createElement('canvas'), { width: RESOLUTION, height: RESOLUTION });

/**
 * Paints values[i·stride + offset] for every grid cell i. `scale` maps a value to [-1, 1]:
 * p ↦ 2p − 1 for probabilities, tanh-like units as they are, relu units divided by their max.
 */
export function paintHeatmap(canvas: HTMLCanvasElement, values: Float32Array, stride: number, offset: number, scale: (v: number) => number): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(RESOLUTION, RESOLUTION);
  for (let i = 0; i < RESOLUTION * RESOLUTION; i++) {
    const [r, g, b] = diverging(scale(values[i * stride + offset]));
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  // draw at grid resolution, then scale up smoothly onto the canvas
  small.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** The data points over a heat map: train filled, test with a dark ring; the selected one marked. */
export function paintPoints(canvas: HTMLCanvasElement, X: Float32Array, y: Float32Array, isTest: Uint8Array, selected: number): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const size = canvas.width;
  for (let i = 0; i < y.length; i++) {
    const px = toPixel(X[2 * i], size);
    const py = toPixel(X[2 * i + 1], size, true);
    ctx.beginPath();
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_COLORS[y[i]];
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = isTest[i] ? 'black' : 'white';
    ctx.stroke();
  }
  if (selected >= 0) {
    ctx.beginPath();
    ctx.arc(toPixel(X[2 * selected], size), toPixel(X[2 * selected + 1], size, true), 8, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = css([20, 20, 20]);
    ctx.stroke();
  }
}
