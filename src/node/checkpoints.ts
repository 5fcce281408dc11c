/**
 * Checkpoints on disk: a folder of `ckpt-<step>.json` files (src/io/checkpoint.ts), each written
 * atomically (temp file, fsync, rename, then the folder fsynced), the last two kept. A kill at
 * any moment leaves the newest complete checkpoint, or the one before it, never none.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, DenselyError } from '../errors.js';
import { parseCheckpoint, type CheckpointDocument, type LoadedCheckpoint } from '../io/checkpoint.js';
import { readFileBytes, syncDir, writeJsonAtomic } from './files.js';

/** How many checkpoints a folder keeps: the newest and the one before it. */
export const KEEP_CHECKPOINTS = 2;

const NAME = /^ckpt-(\d{12})\.json$/;

/** The checkpoint files in `dir`, newest first. */
export function listCheckpoints(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => NAME.test(n)).sort().reverse().map((n) => join(dir, n));
}

/**
 * Writes a checkpoint as `dir/ckpt-<globalStep>.json` (creating the folder), then removes all
 * but the newest KEEP_CHECKPOINTS. Returns the path written.
 *
 * @example
 * writeCheckpoint('run1.ckpt', checkpointDocument(model, trainer.getState(), run), 1130);
 */
export function writeCheckpoint(dir: string, doc: CheckpointDocument, globalStep: number): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CheckpointError(dir, `cannot create the checkpoint folder (${(e as Error).message})`);
  }
  const path = join(dir, `ckpt-${String(globalStep).padStart(12, '0')}.json`);
  writeJsonAtomic(path, doc);
  syncDir(dir);
  for (const old of listCheckpoints(dir).slice(KEEP_CHECKPOINTS)) rmSync(old, { force: true });
  return path;
}

/**
 * The newest checkpoint in `dir` that reads back whole, trying the one before it when the newest
 * is damaged (`warn` is told why). Throws a CheckpointError when the folder holds none.
 */
export function latestCheckpoint(dir: string, warn: (line: string) => void = () => {}): LoadedCheckpoint & { path: string } {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new CheckpointError(dir, 'no such checkpoint folder');
  }
  if (!st.isDirectory()) throw new CheckpointError(dir, 'is not a folder (--resume takes the checkpoint folder)');
  const paths = listCheckpoints(dir);
  if (paths.length === 0) throw new CheckpointError(dir, 'holds no checkpoint (ckpt-<step>.json)');
  let first: DenselyError | null = null;
  for (const path of paths) {
    try {
      return { ...parseCheckpoint(new TextDecoder().decode(readFileBytes(path)), path), path };
    } catch (e) {
      if (!(e instanceof DenselyError)) throw e;
      first ??= e;
      warn(`skipping ${path}: ${e.message}`);
    }
  }
  throw first as DenselyError;
}
