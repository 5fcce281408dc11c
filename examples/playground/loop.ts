/**
 * Play, pause and step. While playing, each animation frame runs training steps for at most
 * STEP_BUDGET_MS and then lets the page draw, so the page stays responsive however fast or slow
 * the network is; the frame rate and the steps per second are measured over the last second.
 */
export const STEP_BUDGET_MS = 10;

export interface LoopCallbacks {
  /** One training step (one batch through the Trainer). */
  step(): void;
  /** Redraw, after the frame's steps. */
  render(stats: { fps: number; stepsPerSecond: number; playing: boolean }): void;
}

export class Loop {
  playing = false;
  private frames = 0;
  private steps = 0;
  private windowStart = performance.now();
  /** The last second's frame rate and steps per second (0 until a second has been measured). */
  stats = { fps: 0, stepsPerSecond: 0 };
  private handle = 0;

  constructor(private readonly callbacks: LoopCallbacks) {}

  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.windowStart = performance.now();
    this.frames = 0;
    this.steps = 0;
    this.handle = requestAnimationFrame(this.frame);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.handle);
    this.callbacks.render({ ...this.stats, playing: false });
  }

  /** One step, then a redraw (pauses first when playing). */
  stepOnce(): void {
    if (this.playing) this.pause();
    this.callbacks.step();
    this.callbacks.render({ ...this.stats, playing: false });
  }

  private readonly frame = (): void => {
    if (!this.playing) return;
    const start = performance.now();
    do {
      this.callbacks.step();
      this.steps++;
    } while (performance.now() - start < STEP_BUDGET_MS);
    this.frames++;
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      const seconds = (now - this.windowStart) / 1000;
      this.stats = { fps: this.frames / seconds, stepsPerSecond: this.steps / seconds };
      this.frames = 0;
      this.steps = 0;
      this.windowStart = now;
    }
    this.callbacks.render({ ...this.stats, playing: true });
    this.handle = requestAnimationFrame(this.frame);
  };
}
