/**
 * The square of the input plane the heat maps show, [-EXTENT, EXTENT]², sampled on a
 * RESOLUTION × RESOLUTION grid of cell centres, and the mapping between data and canvas pixels.
 */
export const EXTENT = 1.3;
export const RESOLUTION = 40;

/** The grid's points, [RESOLUTION², 2] row-major, top row first (y decreasing downwards). */
export function gridPoints(): Float32Array {
  const pts = new Float32Array(RESOLUTION * RESOLUTION * 2);
  for (let row = 0; row < RESOLUTION; row++) {
    for (let col = 0; col < RESOLUTION; col++) {
      const i = row * RESOLUTION + col;
      pts[2 * i] = -EXTENT + ((col + 0.5) / RESOLUTION) * 2 * EXTENT;
      pts[2 * i + 1] = EXTENT - ((row + 0.5) / RESOLUTION) * 2 * EXTENT;
    }
  }
  return pts;
}

/** Data coordinates → pixel coordinates on a size × size canvas, and back. */
export const toPixel = (v: number, size: number, flip = false): number => ((flip ? -v : v) + EXTENT) / (2 * EXTENT) * size;
export const fromPixel = (px: number, size: number, flip = false): number => (flip ? -1 : 1) * ((px / size) * 2 * EXTENT - EXTENT);
