import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MT19937 } from '../../src/tensor/random.js';

const ref = (name: string): any =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/reference/${name}`, import.meta.url)), 'utf8'));
const more = ref('split_more.json');
const sk = ref('sklearn_split.json');

/** length, head/tail 50 and sum(i·a[i]) mod 2³¹, as make_split_refs.py computes them. */
function digest(a: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = (s + ((i * a[i]) % 2147483648)) % 2147483648;
  const arr = Array.from(a);
  return { length: a.length, head: arr.slice(0, 50), tail: arr.slice(-50), weightedSumMod2p31: s };
}

describe('MT19937: DESIGN.md test vectors', () => {
  it('first three uint32 draws of seed 42', () => {
    const r = new MT19937(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([1608637542, 3421126067, 4083286876]);
    expect(sk.mt19937_seed42_first_uint32).toEqual([1608637542, 3421126067, 4083286876]);
  });

  it('permutation(10) of seed 42', () => {
    expect(Array.from(new MT19937(42).permutation(10))).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });

  it('random() of seed 42 is random_sample()', () => {
    const r = new MT19937(42);
    // np.random.RandomState(42).random_sample(3)
    expect([r.random(), r.random(), r.random()]).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
  });
});

describe('MT19937 against numpy (split_more.json)', () => {
  for (const s of more.streams) {
    it(`raw uint32 and random() streams, seed ${s.seed}`, () => {
      const r = new MT19937(s.seed);
      const raw: number[] = [];
      for (let i = 0; i < 1250; i++) raw.push(r.nextUint32());
      expect(raw.slice(0, 10)).toEqual(s.uint32First10);
      expect(raw.slice(620, 630)).toEqual(s.uint32At620to630); // across the first regeneration
      expect(raw.slice(1240, 1250)).toEqual(s.uint32At1240to1250);
      const q = new MT19937(s.seed);
      const dbl: number[] = [];
      for (let i = 0; i < 316; i++) dbl.push(q.random());
      expect(dbl.slice(0, 10)).toEqual(s.randomFirst10);
      expect(dbl.slice(308, 316)).toEqual(s.randomAt308to316);
    });
  }

  for (const c of more.intervals) {
    it(`randomInterval over 32- and 64-bit ranges, seed ${c.seed}`, () => {
      const r = new MT19937(c.seed);
      expect(c.maxes.map((m: number) => r.randomInterval(m))).toEqual(c.values);
    });
  }

  for (const p of more.permutations) {
    it(`permutation(${p.n}), seed ${p.seed}`, () => {
      const perm = new MT19937(p.seed).permutation(p.n);
      if (p.perm) expect(Array.from(perm)).toEqual(p.perm);
      else expect(digest(perm)).toEqual(p.digest);
    });
  }

  for (const s of more.shuffles) {
    it(`shuffle of a Float64Array and a number[], seed ${s.seed}`, () => {
      const a = Float64Array.from(s.input as number[]);
      new MT19937(s.seed).shuffle(a);
      expect(Array.from(a)).toEqual(s.output);
      const b = [...(s.input as number[])];
      new MT19937(s.seed).shuffle(b);
      expect(b).toEqual(s.output);
    });
  }

  for (const u of more.uniforms) {
    it(`uniform(${u.low}, ${u.high}), seed ${u.seed}`, () => {
      const r = new MT19937(u.seed);
      expect(u.values.map(() => r.uniform(u.low, u.high))).toEqual(u.values);
    });
  }
});

describe('MT19937 by hand', () => {
  it('shuffle of Int32Array and Uint32Array follows permutation', () => {
    const p = new MT19937(5).permutation(37);
    const a = new Int32Array(37).map((_, i) => i);
    new MT19937(5).shuffle(a);
    expect(a).toEqual(p);
    const u = new Uint32Array(37).map((_, i) => i);
    new MT19937(5).shuffle(u);
    expect(Array.from(u)).toEqual(Array.from(p));
  });

  it('shuffle of length 0 and 1 draws nothing', () => {
    const r = new MT19937(9);
    r.shuffle([]);
    r.shuffle(new Int32Array([4]));
    expect(r.nextUint32()).toBe(new MT19937(9).nextUint32());
  });

  it('permutation is a permutation, and the same seed gives the same one', () => {
    for (const n of [0, 1, 2, 31, 32, 33, 1000]) {
      const p = new MT19937(123).permutation(n);
      expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(new MT19937(123).permutation(n)).toEqual(p);
    }
  });

  it('randomInterval(0) draws nothing and stays in range', () => {
    const r = new MT19937(1);
    expect(r.randomInterval(0)).toBe(0);
    expect(r.nextUint32()).toBe(new MT19937(1).nextUint32());
    const q = new MT19937(2);
    for (let i = 0; i < 1000; i++) {
      const v = q.randomInterval(6);
      expect(v >= 0 && v <= 6 && Number.isInteger(v)).toBe(true);
    }
  });

  it('random() is in [0, 1)', () => {
    const r = new MT19937(0);
    for (let i = 0; i < 10000; i++) {
      const x = r.random();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('rejects bad seeds and arguments, naming the value', () => {
    expect(() => new MT19937(-1)).toThrow(/seed.*-1/);
    expect(() => new MT19937(2 ** 32)).toThrow(/seed.*4294967296/);
    expect(() => new MT19937(1.5)).toThrow(/1\.5/);
    expect(() => new MT19937(NaN)).toThrow(/NaN/);
    expect(() => new MT19937(0).randomInterval(-1)).toThrow(/max.*-1/);
    expect(() => new MT19937(0).randomInterval(2 ** 53)).toThrow(/max/);
    expect(() => new MT19937(0).permutation(2.5)).toThrow(/n must.*2\.5/);
    expect(() => new MT19937(0).permutation(-3)).toThrow(/-3/);
  });

  it('getState/setState continue the stream exactly, across a state regeneration, and survive structuredClone', () => {
    const a = new MT19937(42);
    for (let i = 0; i < 620; i++) a.nextUint32(); // 4 draws before the twist refills the state
    const saved = structuredClone(a.getState());
    const next = Array.from({ length: 10 }, () => a.nextUint32());
    const b = new MT19937(7);
    b.setState(saved);
    expect(Array.from({ length: 10 }, () => b.nextUint32())).toEqual(next);
    // the state is a copy: drawing from a does not move it
    const c = new MT19937(0);
    c.setState(saved);
    expect(c.nextUint32()).toBe(next[0]);
    expect(() => b.setState({ key: new Int32Array(3), pos: 0 })).toThrow(/624 words/);
    expect(() => b.setState({ key: new Int32Array(624), pos: 625 })).toThrow(/pos in \[0, 624\]/);
  });
});
