/**
 * The model a server answers with, and its hot swap: when the model file is replaced (densely
 * writes it atomically: a temporary file renamed over it), or on SIGHUP, the new file is loaded
 * and validated first, and only then takes over. A broken new file is logged and the old model
 * keeps serving. A request takes `current` once, so it is answered by one version throughout,
 * and that version is in every response.
 */
import { watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Metrics } from './metrics.js';
import { loadServedModel, type ServedModel } from './served-model.js';

/** How long the file must be quiet after a change before it is loaded (a rename is one event; a plain copy is many). */
const SETTLE_MS = 100;
/** The polling fallback's interval, for file systems where fs.watch sees nothing (network mounts). */
const POLL_MS = 2000;

export class ModelHolder {
  current: ServedModel;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** Loads the file now; throws (naming the path) if it cannot be served. */
  constructor(
    readonly path: string,
    private readonly log: { info(line: string): void; error(line: string): void },
    private readonly metrics: Metrics,
  ) {
    this.current = loadServedModel(path);
    metrics.reloads++;
    metrics.version = this.current.version;
  }

  /**
   * Loads the file again; takes it over when it loads, validates and differs from the one being
   * served. Returns the outcome, also logged.
   */
  reload(reason: string): 'swapped' | 'unchanged' | 'refused' {
    let next: ServedModel;
    try {
      next = loadServedModel(this.path);
    } catch (e) {
      this.metrics.reloadFailures++;
      this.log.error(`densely serve: ${reason}: kept version ${this.current.version}: the new file cannot be served: ${(e as Error).message}`);
      return 'refused';
    }
    if (next.version === this.current.version) return 'unchanged';
    const old = this.current.version;
    this.current = next;
    this.metrics.reloads++;
    this.metrics.version = next.version;
    this.log.info(`densely serve: ${reason}: now serving version ${next.version} (was ${old})`);
    return 'swapped';
  }

  /** Watches the model file's folder (a rename replaces the file, so the file itself is not watched), with polling as a fallback. */
  watch(): void {
    const name = basename(this.path);
    const changed = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.reload('the model file changed');
      }, SETTLE_MS);
      this.timer.unref();
    };
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) changed();
      });
      this.watcher.on('error', () => {}); // the folder went away: polling still runs
    } catch {
      // (no fs.watch here: polling only)
    }
    watchFile(this.path, { interval: POLL_MS, persistent: false }, (now, before) => {
      if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) changed();
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    unwatchFile(this.path);
    if (this.timer) clearTimeout(this.timer);
  }
}
