/**
 * Arena: one buffer, many Float32Array views.
 *
 * All of a model's memory (parameters, gradients, optimizer moments, per-batch
 * activations and gemm scratch) is carved out of one ArrayBuffer by a bump allocator.
 * A later WebAssembly backend can hand the arena a `WebAssembly.Memory` buffer and the
 * layers do not change.
 *
 * The arena never grows in place: growing would detach (or orphan) every view already
 * handed out. Instead the owner plans the size up front, and when it needs more it makes
 * a new, larger arena, copies the prefix it wants to keep with `copyPrefixFrom`, and asks
 * every user to take its views again in the same order (so they land at the same offsets).
 *
 * @example
 * const arena = new Arena(6);
 * const w = arena.alloc(4); // floats 0..3
 * const b = arena.alloc(2); // floats 4..5
 * arena.used; // 6
 */
export class Arena {
  /** Every view handed out is a window on this array. */
  readonly floats: Float32Array;
  private offset = 0;

  /**
   * `capacity` floats; or an existing buffer (e.g. a WebAssembly.Memory's) to place the
   * arena in; or a Float32Array region of a larger arena, to hand out sub-views of it.
   */
  constructor(capacity: number | ArrayBuffer | Float32Array) {
    if (typeof capacity === 'number') {
      if (!Number.isInteger(capacity) || capacity < 0) {
        throw new RangeError(`Arena: capacity must be a non-negative integer, got ${capacity}`);
      }
      this.floats = new Float32Array(capacity);
    } else if (capacity instanceof Float32Array) {
      this.floats = capacity;
    } else {
      this.floats = new Float32Array(capacity);
    }
  }

  get capacity(): number {
    return this.floats.length;
  }

  /** Floats handed out so far. */
  get used(): number {
    return this.offset;
  }

  /** The next n floats as a view (zero-filled when the arena is new). */
  alloc(n: number): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Arena.alloc: size must be a non-negative integer, got ${n}`);
    if (this.offset + n > this.floats.length) {
      throw new RangeError(
        `Arena.alloc: out of space: asked for ${n} floats with ${this.floats.length - this.offset} of ${this.floats.length} left`,
      );
    }
    const view = this.floats.subarray(this.offset, this.offset + n);
    this.offset += n;
    return view;
  }

  /** Copies the first n floats of another arena into this one (used when moving to a larger arena). */
  copyPrefixFrom(other: Arena, n: number): void {
    if (n > other.capacity || n > this.capacity) {
      throw new RangeError(`Arena.copyPrefixFrom: ${n} floats do not fit (from ${other.capacity}, to ${this.capacity})`);
    }
    this.floats.set(other.floats.subarray(0, n));
  }
}
