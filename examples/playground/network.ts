/**
 * The network drawing: one column of units per layer (the two inputs first, the output last),
 * each unit shown as its own small heat map over the input plane, and an edge for every weight,
 * blue for positive and orange for negative, thicker for larger |w|.
 */
import { css, diverging } from './colors.js';

export interface NetworkPicture {
  /** Units per column: [2, hidden…, 1]. */
  sizes: number[];
  /** kernels[l]: [sizes[l], sizes[l + 1]] row-major, the weights from column l to column l + 1. */
  kernels: Float32Array[];
  /** unitImages[l][u]: the heat map of unit u of column l (a small canvas). */
  unitImages: HTMLCanvasElement[][];
}

/** The largest a unit's box is drawn; smaller when a column has many units. */
const MAX_BOX = 30;

/** Where unit u of column l sits (its box's centre). */
function position(canvas: HTMLCanvasElement, sizes: number[], l: number, u: number): [number, number] {
  const x = 30 + (l / Math.max(1, sizes.length - 1)) * (canvas.width - 60);
  const gap = (canvas.height - 16) / (Math.max(...sizes) + 1); // 16 px at the top for the labels
  const top = 16 + (canvas.height - 16 - gap * (sizes[l] - 1)) / 2;
  return [x, top + u * gap];
}

export function drawNetwork(canvas: HTMLCanvasElement, picture: NetworkPicture): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const { sizes, kernels, unitImages } = picture;
  const BOX = Math.min(MAX_BOX, (canvas.height - 16) / (Math.max(...sizes) + 1) - 3);
  // edges under the boxes; width and colour scaled by the largest |w| in the network
  let largest = 1e-6;
  for (const k of kernels) for (const w of k) largest = Math.max(largest, Math.abs(w));
  kernels.forEach((W, l) => {
    const nOut = sizes[l + 1];
    for (let i = 0; i < sizes[l]; i++) {
      for (let j = 0; j < nOut; j++) {
        const w = W[i * nOut + j];
        const [x0, y0] = position(canvas, sizes, l, i);
        const [x1, y1] = position(canvas, sizes, l + 1, j);
        ctx.beginPath();
        ctx.moveTo(x0 + BOX / 2, y0);
        ctx.lineTo(x1 - BOX / 2, y1);
        ctx.strokeStyle = css(diverging((w / largest) * 1.2), 0.85);
        ctx.lineWidth = 0.5 + 5 * (Math.abs(w) / largest);
        ctx.stroke();
      }
    }
  });
  sizes.forEach((n, l) => {
    for (let u = 0; u < n; u++) {
      const [x, y] = position(canvas, sizes, l, u);
      const image = unitImages[l]?.[u];
      if (image) ctx.drawImage(image, x - BOX / 2, y - BOX / 2, BOX, BOX);
      ctx.strokeStyle = '#555';
      ctx.lineWidth = 1;
      ctx.strokeRect(x - BOX / 2, y - BOX / 2, BOX, BOX);
    }
  });
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  sizes.forEach((n, l) => {
    const label = l === 0 ? 'input' : l === sizes.length - 1 ? 'output' : `${n} units`;
    ctx.fillText(label, position(canvas, sizes, l, 0)[0], 12);
  });
}
