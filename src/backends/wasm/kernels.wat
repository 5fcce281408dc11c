;; densely's WebAssembly SIMD128 kernels: every kernel of the backend seam (src/backends/backend.ts).
;;
;; Assembled by `npm run build:wasm` (scripts/build-wasm.mjs, with the wabt devDependency) into
;; kernels-wasm.ts, which holds the bytes as base64; test/backends/wasm.test.ts rebuilds them
;; from this file and checks that they are the committed ones.
;;
;; Conventions
;; - Every pointer is a BYTE offset into the one imported memory, which holds the model's arena:
;;   the JS side passes a Float32Array view's byteOffset. Nothing here allocates, grows the memory
;;   or keeps state between calls; the module has no globals and no data segment.
;; - Shapes are row-major, as in backend.ts. Sizes (M, N, K, rows, cols, n) are element counts.
;; - Only SIMD128 (no relaxed SIMD: FMA needs a flag in Node 20 and measured no faster), plus
;;   memory.copy (bulk memory) in the gather.
;; - exp and log1p are imported from JS's Math (float64 in, float64 out): the same float64
;;   functions as the js backend, rounded once to float32 at the end, so sigmoid and the loss give
;;   its numbers bit for bit. Measured (docs/wasm.md): sigmoid through the imported exp costs what
;;   the js loop costs (15-20 ns a float); an imported Math.tanh cost 2-3× the js loop, so tanh is
;;   written with exp instead ($tanh64). A float32 polynomial would be faster still but would no
;;   longer match js bit for bit; the pipeline's hot path has neither (relu, and the sigmoid
;;   output is fused into the loss).
(module
  (import "env" "memory" (memory 1))
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "math" "log1p" (func $log1p (param f64) (result f64)))

  ;; ===========================================================================================
  ;; GEMM:  C[M,N] = beta·C + op(A)·op(B)
  ;;
  ;; One loop nest for NN, TN, NT and TT. op(A)[i,k] is read through two strides (bytes):
  ;;   NN / NT: A is [M, K]  → step to the next row i: K·4,  to the next k: 4
  ;;   TN / TT: A is [K, M]  → step to the next row i: 4,    to the next k: M·4
  ;; A is only ever read one float at a time (splat into all four lanes), so any stride works.
  ;; op(B) is read 8 contiguous columns at a time, so it must have its columns j contiguous.
  ;;
  ;; Packing B (BLIS's "B panel", $packB): op(B) is copied into the caller's scratch as panels of
  ;; 8 columns, each panel K rows of 8 floats (32 bytes) one after the other, then the last
  ;; N mod 8 columns as one [K, N mod 8] block; N·K floats in all (gemmScratchFloats). The
  ;; micro-kernel then walks a panel with a 32-byte step: contiguous, prefetch-friendly, and 8·K
  ;; floats (8 KB at K = 256) that stay in L1. B is packed
  ;;   - always when it is stored transposed ([N, K], NT and TT): packing is the transpose;
  ;;   - for NN / TN when K·N > 8192 floats (32 KB, about L1): below that the rows of B stay in
  ;;     L1 anyway and the copy (K·N loads and stores against M·N·K multiply-adds) costs more
  ;;     than it saves; above, unpacked B walks each 8-column panel with an N·4-byte stride, a
  ;;     new cache line per k (docs/wasm.md has the measurements).
  ;;
  ;; The micro-kernel ($tile4x8) computes a 4×8 block of C in eight v128 accumulators (2 per row):
  ;;   for k:  b0, b1 = B[k, j..j+8]             (two v128 loads)
  ;;           for each of the 4 rows r:  x = splat(A[i+r, k])
  ;;                                      acc[r][0] += x·b0;  acc[r][1] += x·b1
  ;; 8 multiplies + 8 adds of 4 lanes (64 flops) per 6 loads; the 8 accumulators plus b0, b1 and x
  ;; stay in registers (x86-64 has 16 xmm). The k loop is deliberately not unrolled: unrolled
  ;; twice (with or without A packed into strips and constant load offsets) it measured slower
  ;; under V8, side by side in one process (docs/wasm.md). The macro loop runs 4-row blocks of A outermost and
  ;; panels of B inside: the 4-row strip of op(A) (4·K floats) stays in L1 while every panel
  ;; streams past it.
  ;;
  ;; Edges: rows come in blocks of 4 while 4 remain, columns in panels of 8 while 8 remain. The
  ;; columns left over at the right of a 4-row block, and every row left over at the bottom, go
  ;; one row at a time: 1×8 tiles over the panels, then $row1 over the last N mod 8 columns
  ;; (a 1×4 tile, then single floats).
  ;;
  ;; beta 0 never reads C (it may hold NaN); beta 1 adds C to the finished accumulators.
  ;; ===========================================================================================

  ;; Packs op(B) [K, N] into panels (see above). op(B)[k, j] is at B + k·sbk + j·sbj (bytes):
  ;; NN: sbk = N·4, sbj = 4 (a panel row is two v128 copies); NT: sbk = 4, sbj = K·4 (8 floats
  ;; gathered down the stored rows).
  (func $packB (param $B i32) (param $sbk i32) (param $sbj i32) (param $N i32) (param $K i32) (param $dst i32)
    (local $j i32) (local $k i32) (local $src i32) (local $n8 i32) (local $r i32) (local $jj i32)
    (local.set $n8 (i32.and (local.get $N) (i32.const -8)))
    ;; full panels
    (block $panelsDone
      (loop $panelLoop
        (br_if $panelsDone (i32.ge_s (local.get $j) (local.get $n8)))
        (local.set $src (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $sbj))))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_s (local.get $k) (local.get $K)))
            (if (i32.eq (local.get $sbj) (i32.const 4))
              (then
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src))))
              (else
                (local.set $jj (i32.const 0))
                (loop $gatherLoop
                  (f32.store (i32.add (local.get $dst) (i32.shl (local.get $jj) (i32.const 2)))
                    (f32.load (i32.add (local.get $src) (i32.mul (local.get $jj) (local.get $sbj)))))
                  (br_if $gatherLoop (i32.lt_s (local.tee $jj (i32.add (local.get $jj) (i32.const 1))) (i32.const 8))))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $src (i32.add (local.get $src) (local.get $sbk)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $panelLoop)))
    ;; the last N mod 8 columns as [K, r]
    (local.set $r (i32.sub (local.get $N) (local.get $n8)))
    (if (local.get $r)
      (then
        (local.set $src (i32.add (local.get $B) (i32.mul (local.get $n8) (local.get $sbj))))
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $jj (i32.const 0))
            (loop $colLoop
              (f32.store (local.get $dst) (f32.load (i32.add (local.get $src) (i32.mul (local.get $jj) (local.get $sbj)))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (br_if $colLoop (i32.lt_s (local.tee $jj (i32.add (local.get $jj) (i32.const 1))) (local.get $r))))
            (local.set $src (i32.add (local.get $src) (local.get $sbk)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop))))))

  ;; The 4×8 micro-kernel. a: &op(A)[i, 0]; sai, sak: A's strides (bytes) along i and k;
  ;; b: &B[0, j]; sbk: B's row stride (bytes); c: &C[i, j]; ldc: C's row stride (bytes).
  (func $tile4x8 (param $a i32) (param $sai i32) (param $sak i32) (param $b i32) (param $sbk i32)
                 (param $c i32) (param $ldc i32) (param $k i32) (param $beta i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $sai2 i32) (local $sai3 i32)
    (local.set $sai2 (i32.shl (local.get $sai) (i32.const 1)))
    (local.set $sai3 (i32.add (local.get $sai2) (local.get $sai)))
    (block $kDone
      (br_if $kDone (i32.eqz (local.get $k)))
      (loop $kLoop
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        ;; row 0
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        ;; row 1
        (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $sai))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        ;; row 2
        (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $sai2))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        ;; row 3
        (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $sai3))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        ;; next k: one step along A's k stride and one row down B
        (local.set $a (i32.add (local.get $a) (local.get $sak)))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (br_if $kLoop (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
    ;; C += acc (beta 1), or C = acc (beta 0)
    (if (local.get $beta)
      (then
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $c))))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $c) (local.get $ldc)))))
        (local.set $c20 (f32x4.add (local.get $c20) (v128.load (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 1))))))
        (local.set $c30 (f32x4.add (local.get $c30) (v128.load (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))
        (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const 3))))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; 1×8: one row of op(A) against 8 columns of B (two accumulators).
  (func $tile1x8 (param $a i32) (param $sak i32) (param $b i32) (param $sbk i32) (param $c i32) (param $k i32) (param $beta i32)
    (local $c0 v128) (local $c1 v128) (local $x v128)
    (block $kDone
      (br_if $kDone (i32.eqz (local.get $k)))
      (loop $kLoop
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $sak)))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (br_if $kLoop (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
    (if (local.get $beta)
      (then
        (local.set $c0 (f32x4.add (local.get $c0) (v128.load (local.get $c))))
        (local.set $c1 (f32x4.add (local.get $c1) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c0))
    (v128.store offset=16 (local.get $c) (local.get $c1)))

  ;; 1×4: one row of op(A) against 4 columns of B.
  (func $tile1x4 (param $a i32) (param $sak i32) (param $b i32) (param $sbk i32) (param $c i32) (param $k i32) (param $beta i32)
    (local $c0 v128)
    (block $kDone
      (br_if $kDone (i32.eqz (local.get $k)))
      (loop $kLoop
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load32_splat (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $sak)))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (br_if $kLoop (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
    (if (local.get $beta)
      (then (local.set $c0 (f32x4.add (local.get $c0) (v128.load (local.get $c))))))
    (v128.store (local.get $c) (local.get $c0)))

  ;; 1×1: a dot product of one row of op(A) and one column of B, in float32 (the N = 1 output layer).
  (func $tile1x1 (param $a i32) (param $sak i32) (param $b i32) (param $sbk i32) (param $c i32) (param $k i32) (param $beta i32)
    (local $s f32)
    (block $kDone
      (br_if $kDone (i32.eqz (local.get $k)))
      (loop $kLoop
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $sak)))
        (local.set $b (i32.add (local.get $b) (local.get $sbk)))
        (br_if $kLoop (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
    (if (local.get $beta)
      (then (local.set $s (f32.add (local.get $s) (f32.load (local.get $c))))))
    (f32.store (local.get $c) (local.get $s)))

  ;; One row of C from column j to n: 1×8 tiles, then a 1×4, then single floats.
  ;; a: &op(A)[i, 0]; b: &B[0, 0] and sbk its row stride; c: &C[i, 0].
  (func $row1 (param $a i32) (param $sak i32) (param $b i32) (param $sbk i32) (param $c i32)
              (param $j i32) (param $n i32) (param $k i32) (param $beta i32)
    (local $off i32)
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (call $tile1x8 (local.get $a) (local.get $sak) (i32.add (local.get $b) (local.get $off)) (local.get $sbk)
                       (i32.add (local.get $c) (local.get $off)) (local.get $k) (local.get $beta))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $loop8)))
    (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
      (then
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (call $tile1x4 (local.get $a) (local.get $sak) (i32.add (local.get $b) (local.get $off)) (local.get $sbk)
                       (i32.add (local.get $c) (local.get $off)) (local.get $k) (local.get $beta))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (call $tile1x1 (local.get $a) (local.get $sak) (i32.add (local.get $b) (local.get $off)) (local.get $sbk)
                       (i32.add (local.get $c) (local.get $off)) (local.get $k) (local.get $beta))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $loop1))))

  ;; The whole product: every column of C (what one thread runs).
  (func (export "gemm") (param $transA i32) (param $transB i32) (param $M i32) (param $N i32) (param $K i32)
                        (param $A i32) (param $B i32) (param $beta i32) (param $C i32) (param $scratch i32)
    (call $gemmCols (local.get $transA) (local.get $transB) (local.get $M) (local.get $N) (local.get $K)
                    (local.get $A) (local.get $B) (local.get $beta) (local.get $C) (local.get $scratch)
                    (i32.const 0) (local.get $N)))

  ;; Columns [j0, j1) of C: what one of two threads runs (src/backends/wasm/threads.ts). j0 is a
  ;; multiple of 8 and j1 is a multiple of 8 or N, so the two halves are whole panels, and the last
  ;; N mod 8 columns belong to the half that ends at N. Each half packs its own panels of op(B) into
  ;; their places in the one scratch (panel p at scratch + p·K·32 bytes, as a whole-product pack
  ;; would put it), so the two threads never write the same bytes and need no barrier. Every
  ;; element of C is the same sequential sum over k whichever half computes it, so a split product
  ;; is bit for bit the one-thread product.
  (func $gemmCols (export "gemmCols") (param $transA i32) (param $transB i32) (param $M i32) (param $N i32) (param $K i32)
                        (param $A i32) (param $B i32) (param $beta i32) (param $C i32) (param $scratch i32)
                        (param $j0 i32) (param $j1 i32)
    (local $sai i32) (local $sak i32) (local $ldc i32)
    (local $panel i32) (local $sbk i32) (local $rem i32) (local $remStride i32)
    (local $i i32) (local $j i32) (local $n8 i32) (local $r i32) (local $arow i32) (local $crow i32) (local $rr i32)
    (local $jEnd i32)
    (local.set $ldc (i32.shl (local.get $N) (i32.const 2)))
    (local.set $n8 (i32.and (local.get $N) (i32.const -8)))
    ;; this range's full panels end at jEnd; it owns the last N mod 8 columns only if it ends at N
    (if (i32.eq (local.get $j1) (local.get $N))
      (then
        (local.set $jEnd (local.get $n8))
        (local.set $r (i32.sub (local.get $N) (local.get $n8))))
      (else
        (local.set $jEnd (local.get $j1))
        (local.set $r (i32.const 0))))
    (if (local.get $transA)
      (then
        (local.set $sai (i32.const 4))
        (local.set $sak (i32.shl (local.get $M) (i32.const 2))))
      (else
        (local.set $sai (i32.shl (local.get $K) (i32.const 2)))
        (local.set $sak (i32.const 4))))
    ;; where op(B) is read from: $panel is the byte distance from one 8-column panel to the next,
    ;; $sbk the step down a panel, $rem and $remStride the last N mod 8 columns
    (if (i32.or (local.get $transB) (i32.gt_u (i32.mul (local.get $K) (local.get $N)) (i32.const 8192)))
      (then
        ;; pack columns [j0, j1) only, into their places (panel j0/8 starts at scratch + j0·K·4)
        (if (local.get $transB)
          (then (call $packB (i32.add (local.get $B) (i32.mul (local.get $j0) (i32.shl (local.get $K) (i32.const 2))))
                             (i32.const 4) (i32.shl (local.get $K) (i32.const 2)) (i32.sub (local.get $j1) (local.get $j0)) (local.get $K)
                             (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $j0) (local.get $K)) (i32.const 2)))))
          (else (call $packB (i32.add (local.get $B) (i32.shl (local.get $j0) (i32.const 2)))
                             (local.get $ldc) (i32.const 4) (i32.sub (local.get $j1) (local.get $j0)) (local.get $K)
                             (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $j0) (local.get $K)) (i32.const 2))))))
        (local.set $B (local.get $scratch))
        (local.set $panel (i32.shl (local.get $K) (i32.const 5)))
        (local.set $sbk (i32.const 32))
        (local.set $rem (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $n8) (local.get $K)) (i32.const 2))))
        (local.set $remStride (i32.shl (local.get $r) (i32.const 2))))
      (else
        (local.set $panel (i32.const 32))
        (local.set $sbk (local.get $ldc))
        (local.set $rem (i32.add (local.get $B) (i32.shl (local.get $n8) (i32.const 2))))
        (local.set $remStride (local.get $ldc))))
    ;; blocks of 4 rows
    (block $blocksDone
      (loop $blockLoop
        (br_if $blocksDone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $M)))
        (local.set $arow (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $sai))))
        (local.set $crow (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))))
        ;; 4×8 tiles, one per panel, left to right
        (local.set $j (local.get $j0))
        (block $tilesDone
          (loop $tileLoop
            (br_if $tilesDone (i32.ge_s (local.get $j) (local.get $jEnd)))
            (call $tile4x8 (local.get $arow) (local.get $sai) (local.get $sak)
                           (i32.add (local.get $B) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel))) (local.get $sbk)
                           (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc)
                           (local.get $K) (local.get $beta))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $tileLoop)))
        ;; the last N mod 8 columns of these 4 rows, one row at a time
        (if (local.get $r)
          (then
            (local.set $rr (i32.const 0))
            (loop $edgeLoop
              (call $row1 (i32.add (local.get $arow) (i32.mul (local.get $rr) (local.get $sai))) (local.get $sak)
                          (local.get $rem) (local.get $remStride)
                          (i32.add (i32.add (local.get $crow) (i32.mul (local.get $rr) (local.get $ldc))) (i32.shl (local.get $n8) (i32.const 2)))
                          (i32.const 0) (local.get $r) (local.get $K) (local.get $beta))
              (br_if $edgeLoop (i32.lt_s (local.tee $rr (i32.add (local.get $rr) (i32.const 1))) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $blockLoop)))
    ;; the last M mod 4 rows, one at a time: 1×8 tiles over the panels, then the last columns
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $M)))
        (local.set $arow (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $sai))))
        (local.set $crow (i32.add (local.get $C) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $j (local.get $j0))
        (block $tilesDone
          (loop $tileLoop
            (br_if $tilesDone (i32.ge_s (local.get $j) (local.get $jEnd)))
            (call $tile1x8 (local.get $arow) (local.get $sak)
                           (i32.add (local.get $B) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel))) (local.get $sbk)
                           (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $K) (local.get $beta))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $tileLoop)))
        (if (local.get $r)
          (then
            (call $row1 (local.get $arow) (local.get $sak) (local.get $rem) (local.get $remStride)
                        (i32.add (local.get $crow) (i32.shl (local.get $n8) (i32.const 2)))
                        (i32.const 0) (local.get $r) (local.get $K) (local.get $beta))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop))))

  ;; ===========================================================================================
  ;; Bias + activation, forward:  Y[r, c] = f(Y[r, c] + b[c])  in place.  Y: [rows, cols], b: [cols]
  ;; Backward, from the output A:  dA[r, c] *= f'(A[r, c]);  db[c] += Σr dA[r, c]
  ;;
  ;; Each row runs 4 columns at a time while 4 remain, then one at a time (cols need not be a
  ;; multiple of 4). Forward of relu and linear is pure SIMD; sigmoid and tanh call the imported
  ;; float64 Math function per element, exactly as the js backend does. The backward passes are
  ;; SIMD for every activation: f'(A) needs no transcendental (A·(1 − A), 1 − A², A > 0, 1).
  ;; ===========================================================================================

  ;; relu: max(z, 0) gives +0 for z ≤ 0 (wasm's max orders −0 below +0), NaN stays NaN.
  (func (export "reluForward") (param $y i32) (param $b i32) (param $rows i32) (param $cols i32)
    (local $c i32) (local $c4 i32) (local $off i32) (local $zero v128)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $vDone
          (loop $vLoop
            (br_if $vDone (i32.ge_s (local.get $c) (local.get $c4)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (v128.store (i32.add (local.get $y) (local.get $off))
              (f32x4.max
                (f32x4.add (v128.load (i32.add (local.get $y) (local.get $off))) (v128.load (i32.add (local.get $b) (local.get $off))))
                (local.get $zero)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vLoop)))
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (f32.store (i32.add (local.get $y) (local.get $off))
              (f32.max
                (f32.add (f32.load (i32.add (local.get $y) (local.get $off))) (f32.load (i32.add (local.get $b) (local.get $off))))
                (f32.const 0)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sLoop)))
        (local.set $y (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowLoop))))

  ;; linear: Y + b.
  (func (export "linearForward") (param $y i32) (param $b i32) (param $rows i32) (param $cols i32)
    (local $c i32) (local $c4 i32) (local $off i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $vDone
          (loop $vLoop
            (br_if $vDone (i32.ge_s (local.get $c) (local.get $c4)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (v128.store (i32.add (local.get $y) (local.get $off))
              (f32x4.add (v128.load (i32.add (local.get $y) (local.get $off))) (v128.load (i32.add (local.get $b) (local.get $off)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vLoop)))
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (f32.store (i32.add (local.get $y) (local.get $off))
              (f32.add (f32.load (i32.add (local.get $y) (local.get $off))) (f32.load (i32.add (local.get $b) (local.get $off)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sLoop)))
        (local.set $y (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowLoop))))

  ;; The logistic of a float64, never exp of a large positive number: with e = exp(−|z|),
  ;; σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0 (the js backend's two branches, same values).
  (func $sigmoid64 (param $z f64) (result f64)
    (local $e f64)
    (local.set $e (call $exp (f64.neg (f64.abs (local.get $z)))))
    (if (result f64) (f64.ge (local.get $z) (f64.const 0))
      (then (f64.div (f64.const 1) (f64.add (f64.const 1) (local.get $e))))
      (else (f64.div (local.get $e) (f64.add (f64.const 1) (local.get $e))))))

  ;; sigmoid: z = Y + b rounded to float32 first (as the js backend does, so that the value equals
  ;; sigmoid applied later to a stored logit), then σ in float64, rounded once.
  (func (export "sigmoidForward") (param $y i32) (param $b i32) (param $rows i32) (param $cols i32)
    (local $c i32) (local $p i32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $done
          (loop $loop
            (br_if $done (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $p (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))))
            (f32.store (local.get $p)
              (f32.demote_f64 (call $sigmoid64 (f64.promote_f32
                (f32.add (f32.load (local.get $p)) (f32.load (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2)))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $loop)))
        (local.set $y (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowLoop))))

  ;; tanh in float64 from exp: tanh(z) = sign(z)·(1 − e)/(1 + e) with e = exp(−2|z|) ≤ 1 (never
  ;; overflows). Near 0, 1 − e cancels, but in float64 the error stays below 1e-12 relative, far
  ;; under a float32 ulp; NaN stays NaN (copysign of NaN).
  (func $tanh64 (param $z f64) (result f64)
    (local $e f64)
    (local.set $e (call $exp (f64.mul (f64.const -2) (f64.abs (local.get $z)))))
    (f64.copysign
      (f64.div (f64.sub (f64.const 1) (local.get $e)) (f64.add (f64.const 1) (local.get $e)))
      (local.get $z)))

  ;; tanh: Y + b in float64 (not rounded, as the js backend passes the double sum to Math.tanh).
  (func (export "tanhForward") (param $y i32) (param $b i32) (param $rows i32) (param $cols i32)
    (local $c i32) (local $p i32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $done
          (loop $loop
            (br_if $done (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $p (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))))
            (f32.store (local.get $p)
              (f32.demote_f64 (call $tanh64 (f64.add
                (f64.promote_f32 (f32.load (local.get $p)))
                (f64.promote_f32 (f32.load (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2)))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $loop)))
        (local.set $y (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowLoop))))

  ;; The four backward passes share one loop; $kind picks f'(A): 0 relu, 1 sigmoid, 2 tanh, 3 linear.
  ;; The select is on a loop-invariant value, so the branch predictor takes it for free.
  ;; relu's mask is a bitwise and with (A > 0): +0 where A ≤ 0 (the js loop's dA·0 may give −0;
  ;; both sum the same).
  (func $dact4 (param $kind i32) (param $a v128) (param $d v128) (result v128)
    (if (result v128) (i32.eqz (local.get $kind))
      (then (v128.and (local.get $d) (f32x4.gt (local.get $a) (v128.const f32x4 0 0 0 0))))
      (else
        (if (result v128) (i32.eq (local.get $kind) (i32.const 1))
          (then (f32x4.mul (f32x4.mul (local.get $d) (local.get $a)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $a))))
          (else
            (if (result v128) (i32.eq (local.get $kind) (i32.const 2))
              (then (f32x4.mul (local.get $d) (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $a) (local.get $a)))))
              (else (local.get $d))))))))

  (func (export "activationBackward") (param $kind i32) (param $A i32) (param $dA i32) (param $db i32) (param $rows i32) (param $cols i32)
    (local $c i32) (local $c4 i32) (local $off i32) (local $g v128)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $vDone
          (loop $vLoop
            (br_if $vDone (i32.ge_s (local.get $c) (local.get $c4)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (local.set $g (call $dact4 (local.get $kind)
              (v128.load (i32.add (local.get $A) (local.get $off)))
              (v128.load (i32.add (local.get $dA) (local.get $off)))))
            (v128.store (i32.add (local.get $dA) (local.get $off)) (local.get $g))
            (v128.store (i32.add (local.get $db) (local.get $off))
              (f32x4.add (v128.load (i32.add (local.get $db) (local.get $off))) (local.get $g)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vLoop)))
        ;; the last cols mod 4: the same formula in lane 0 of a splat
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (local.set $g (call $dact4 (local.get $kind)
              (v128.load32_splat (i32.add (local.get $A) (local.get $off)))
              (v128.load32_splat (i32.add (local.get $dA) (local.get $off)))))
            (f32.store (i32.add (local.get $dA) (local.get $off)) (f32x4.extract_lane 0 (local.get $g)))
            (f32.store (i32.add (local.get $db) (local.get $off))
              (f32.add (f32.load (i32.add (local.get $db) (local.get $off))) (f32x4.extract_lane 0 (local.get $g))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sLoop)))
        (local.set $A (i32.add (local.get $A) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $dA (i32.add (local.get $dA) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowLoop))))

  ;; ===========================================================================================
  ;; Sigmoid + binary cross-entropy, fused, on the logits z (TF's form, never overflows):
  ;;   ℓ = max(z, 0) − z·y + log1p(exp(−|z|));   dZ = w·(σ(z) − y)/(rows·k)
  ;; Returns Σi wi·(Σj ℓij)/k. Float64 throughout, as the js backend (it runs on rows·k floats,
  ;; 32 in the pipeline). $w is ignored when $hasW is 0 (every weight 1).
  ;; ===========================================================================================
  (func (export "sigmoidBce") (param $z i32) (param $y i32) (param $w i32) (param $hasW i32)
                              (param $rows i32) (param $k i32) (param $dZ i32) (result f64)
    (local $scale f64) (local $total f64) (local $wi f64) (local $rowLoss f64)
    (local $zj f64) (local $yj f64) (local $e f64) (local $s f64) (local $i i32) (local $j i32)
    (local.set $scale (f64.div (f64.const 1) (f64.convert_i32_s (i32.mul (local.get $rows) (local.get $k)))))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $wi (f64.const 1))
        (if (local.get $hasW)
          (then (local.set $wi (f64.promote_f32 (f32.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2))))))))
        (local.set $rowLoss (f64.const 0))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_s (local.get $j) (local.get $k)))
            (local.set $zj (f64.promote_f32 (f32.load (local.get $z))))
            (local.set $yj (f64.promote_f32 (f32.load (local.get $y))))
            (local.set $e (call $exp (f64.neg (f64.abs (local.get $zj)))))
            (local.set $rowLoss (f64.add (local.get $rowLoss)
              (f64.add
                (f64.sub (f64.max (local.get $zj) (f64.const 0)) (f64.mul (local.get $zj) (local.get $yj)))
                (call $log1p (local.get $e)))))
            ;; σ(z) from the same e = exp(−|z|)
            (local.set $s
              (if (result f64) (f64.ge (local.get $zj) (f64.const 0))
                (then (f64.div (f64.const 1) (f64.add (f64.const 1) (local.get $e))))
                (else (f64.div (local.get $e) (f64.add (f64.const 1) (local.get $e))))))
            (f32.store (local.get $dZ)
              (f32.demote_f64 (f64.mul (f64.mul (local.get $wi) (f64.sub (local.get $s) (local.get $yj))) (local.get $scale))))
            (local.set $z (i32.add (local.get $z) (i32.const 4)))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))
            (local.set $dZ (i32.add (local.get $dZ) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $colLoop)))
        (local.set $total (f64.add (local.get $total)
          (f64.div (f64.mul (local.get $wi) (local.get $rowLoss)) (f64.convert_i32_s (local.get $k)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop)))
    (local.get $total))

  ;; ===========================================================================================
  ;; Gather:  dst[i, :] = src[idx[start + i], :]  for i < count. src: [n, cols] floats, idx: int32.
  ;; Used when the dataset already lives in this memory; rows from the user's own arrays are
  ;; copied in by the JS side instead (the one copy of a training step).
  ;; ===========================================================================================
  (func (export "gather") (param $src i32) (param $cols i32) (param $idx i32) (param $start i32) (param $count i32) (param $dst i32)
    (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $idx (i32.add (local.get $idx) (i32.shl (local.get $start) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.eqz (local.get $count)))
        (memory.copy (local.get $dst)
          (i32.add (local.get $src) (i32.mul (i32.load (local.get $idx)) (local.get $rowBytes)))
          (local.get $rowBytes))
        (local.set $dst (i32.add (local.get $dst) (local.get $rowBytes)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $loop))))

  ;; ===========================================================================================
  ;; Optimizer updates over one flat block of n floats, 4 lanes at a time and then one at a time
  ;; (the tail runs the same SIMD formula on splats and keeps lane 0). Float32 arithmetic: the
  ;; caller passes 1 − β etc. already computed in float64.
  ;; ===========================================================================================

  ;; Adam: m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= α·m / (sqrt(v)·vScale + ε)
  (func $adam4 (param $w v128) (param $g v128) (param $m v128) (param $v v128)
               (param $alpha v128) (param $b1 v128) (param $c1 v128) (param $b2 v128) (param $c2 v128)
               (param $eps v128) (param $vScale v128) (result v128 v128 v128)
    (local.set $m (f32x4.add (f32x4.mul (local.get $b1) (local.get $m)) (f32x4.mul (local.get $c1) (local.get $g))))
    (local.set $v (f32x4.add (f32x4.mul (local.get $b2) (local.get $v)) (f32x4.mul (f32x4.mul (local.get $c2) (local.get $g)) (local.get $g))))
    (f32x4.sub (local.get $w)
      (f32x4.div (f32x4.mul (local.get $alpha) (local.get $m))
                 (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $v)) (local.get $vScale)) (local.get $eps))))
    (local.get $m)
    (local.get $v))

  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
                        (param $alpha f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
                        (param $eps f32) (param $vScale f32)
    (local $A v128) (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $E v128) (local $S v128)
    (local $i i32) (local $n4 i32) (local $off i32)
    (local $nw v128) (local $nm v128) (local $nv v128) (local $gv v128)
    (local.set $A (f32x4.splat (local.get $alpha)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $S (f32x4.splat (local.get $vScale)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $vDone
      (loop $vLoop
        (br_if $vDone (i32.ge_s (local.get $i) (local.get $n4)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        ;; $adam4's formula written out here: called per 4 floats, its three v128 results cost
        ;; more than the arithmetic (measured: Adam was 15% of a pipeline step, then ~4%)
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
        (local.set $nm (f32x4.add (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $off))))
                                  (f32x4.mul (local.get $C1) (local.get $gv))))
        (local.set $nv (f32x4.add (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $off))))
                                  (f32x4.mul (f32x4.mul (local.get $C2) (local.get $gv)) (local.get $gv))))
        (v128.store (i32.add (local.get $m) (local.get $off)) (local.get $nm))
        (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $nv))
        (v128.store (i32.add (local.get $w) (local.get $off))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $off)))
            (f32x4.div (f32x4.mul (local.get $A) (local.get $nm))
                       (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $nv)) (local.get $S)) (local.get $E)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vLoop)))
    (block $sDone
      (loop $sLoop
        (br_if $sDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (call $adam4
          (v128.load32_splat (i32.add (local.get $w) (local.get $off))) (v128.load32_splat (i32.add (local.get $g) (local.get $off)))
          (v128.load32_splat (i32.add (local.get $m) (local.get $off))) (v128.load32_splat (i32.add (local.get $v) (local.get $off)))
          (local.get $A) (local.get $B1) (local.get $C1) (local.get $B2) (local.get $C2) (local.get $E) (local.get $S))
        (local.set $nv) (local.set $nm) (local.set $nw)
        (f32.store (i32.add (local.get $w) (local.get $off)) (f32x4.extract_lane 0 (local.get $nw)))
        (f32.store (i32.add (local.get $m) (local.get $off)) (f32x4.extract_lane 0 (local.get $nm)))
        (f32.store (i32.add (local.get $v) (local.get $off)) (f32x4.extract_lane 0 (local.get $nv)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sLoop))))

  ;; SGD. mode 0: w −= lr·g (u untouched); 1: u = μ·u − lr·g, w += u; 2 (nesterov): w += μ·u − lr·g.
  (func $sgd4 (param $mode i32) (param $w v128) (param $g v128) (param $u v128) (param $lr v128) (param $mu v128)
              (result v128 v128)
    (if (i32.eqz (local.get $mode))
      (then (return (f32x4.sub (local.get $w) (f32x4.mul (local.get $lr) (local.get $g))) (local.get $u))))
    (local.set $u (f32x4.sub (f32x4.mul (local.get $mu) (local.get $u)) (f32x4.mul (local.get $lr) (local.get $g))))
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then (return (f32x4.add (local.get $w) (local.get $u)) (local.get $u))))
    (f32x4.add (local.get $w) (f32x4.sub (f32x4.mul (local.get $mu) (local.get $u)) (f32x4.mul (local.get $lr) (local.get $g))))
    (local.get $u))

  (func (export "sgd") (param $w i32) (param $g i32) (param $u i32) (param $n i32) (param $lr f32) (param $mu f32) (param $mode i32)
    (local $LR v128) (local $MU v128) (local $i i32) (local $n4 i32) (local $off i32) (local $nw v128) (local $nu v128)
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $MU (f32x4.splat (local.get $mu)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $vDone
      (loop $vLoop
        (br_if $vDone (i32.ge_s (local.get $i) (local.get $n4)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (call $sgd4 (local.get $mode)
          (v128.load (i32.add (local.get $w) (local.get $off))) (v128.load (i32.add (local.get $g) (local.get $off)))
          (if (result v128) (local.get $mode)
            (then (v128.load (i32.add (local.get $u) (local.get $off))))
            (else (v128.const i32x4 0 0 0 0)))
          (local.get $LR) (local.get $MU))
        (local.set $nu) (local.set $nw)
        (v128.store (i32.add (local.get $w) (local.get $off)) (local.get $nw))
        (if (local.get $mode) (then (v128.store (i32.add (local.get $u) (local.get $off)) (local.get $nu))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vLoop)))
    (block $sDone
      (loop $sLoop
        (br_if $sDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (call $sgd4 (local.get $mode)
          (v128.load32_splat (i32.add (local.get $w) (local.get $off))) (v128.load32_splat (i32.add (local.get $g) (local.get $off)))
          (if (result v128) (local.get $mode)
            (then (v128.load32_splat (i32.add (local.get $u) (local.get $off))))
            (else (v128.const i32x4 0 0 0 0)))
          (local.get $LR) (local.get $MU))
        (local.set $nu) (local.set $nw)
        (f32.store (i32.add (local.get $w) (local.get $off)) (f32x4.extract_lane 0 (local.get $nw)))
        (if (local.get $mode) (then (f32.store (i32.add (local.get $u) (local.get $off)) (f32x4.extract_lane 0 (local.get $nu)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sLoop))))

  ;; RMSprop (Keras: ε inside the root): v = ρ·v + (1−ρ)·g²;  w −= lr·g / sqrt(v + ε)
  (func $rms4 (param $w v128) (param $g v128) (param $v v128) (param $lr v128) (param $rho v128) (param $c v128) (param $eps v128)
              (result v128 v128)
    (local.set $v (f32x4.add (f32x4.mul (local.get $rho) (local.get $v)) (f32x4.mul (f32x4.mul (local.get $c) (local.get $g)) (local.get $g))))
    (f32x4.sub (local.get $w) (f32x4.div (f32x4.mul (local.get $lr) (local.get $g)) (f32x4.sqrt (f32x4.add (local.get $v) (local.get $eps)))))
    (local.get $v))

  (func (export "rmsprop") (param $w i32) (param $g i32) (param $v i32) (param $n i32)
                           (param $lr f32) (param $rho f32) (param $c f32) (param $eps f32)
    (local $LR v128) (local $RHO v128) (local $C v128) (local $E v128)
    (local $i i32) (local $n4 i32) (local $off i32) (local $nw v128) (local $nv v128) (local $gv v128)
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $RHO (f32x4.splat (local.get $rho)))
    (local.set $C (f32x4.splat (local.get $c)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $vDone
      (loop $vLoop
        (br_if $vDone (i32.ge_s (local.get $i) (local.get $n4)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        ;; $rms4's formula written out (see adam)
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
        (local.set $nv (f32x4.add (f32x4.mul (local.get $RHO) (v128.load (i32.add (local.get $v) (local.get $off))))
                                  (f32x4.mul (f32x4.mul (local.get $C) (local.get $gv)) (local.get $gv))))
        (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $nv))
        (v128.store (i32.add (local.get $w) (local.get $off))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $off)))
            (f32x4.div (f32x4.mul (local.get $LR) (local.get $gv)) (f32x4.sqrt (f32x4.add (local.get $nv) (local.get $E))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vLoop)))
    (block $sDone
      (loop $sLoop
        (br_if $sDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (call $rms4
          (v128.load32_splat (i32.add (local.get $w) (local.get $off))) (v128.load32_splat (i32.add (local.get $g) (local.get $off)))
          (v128.load32_splat (i32.add (local.get $v) (local.get $off)))
          (local.get $LR) (local.get $RHO) (local.get $C) (local.get $E))
        (local.set $nv) (local.set $nw)
        (f32.store (i32.add (local.get $w) (local.get $off)) (f32x4.extract_lane 0 (local.get $nw)))
        (f32.store (i32.add (local.get $v) (local.get $off)) (f32x4.extract_lane 0 (local.get $nv)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sLoop))))
)
