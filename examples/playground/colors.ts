/**
 * The playground's one colour scale: orange for class 0 / negative, blue for class 1 / positive,
 * white in between (as TensorFlow Playground draws them).
 */
const ORANGE: [number, number, number] = [245, 147, 34];
const BLUE: [number, number, number] = [8, 119, 189];
const WHITE: [number, number, number] = [255, 255, 255];

/** t in [-1, 1] → rgb: −1 orange, 0 white, +1 blue. */
export function diverging(t: number): [number, number, number] {
  const s = Math.max(-1, Math.min(1, t));
  const to = s < 0 ? ORANGE : BLUE;
  const k = Math.abs(s);
  return [WHITE[0] + (to[0] - WHITE[0]) * k, WHITE[1] + (to[1] - WHITE[1]) * k, WHITE[2] + (to[2] - WHITE[2]) * k];
}

export function css([r, g, b]: [number, number, number], alpha = 1): string {
  return `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;
}

export const CLASS_COLORS = [css(ORANGE), css(BLUE)];
