;; The training kernels in WebAssembly SIMD (ADR 0023). Source of the bytes in simd-bytes.ts;
;; regenerate with `node scripts/build-simd.mjs` (needs wat2wasm, Debian package `wabt`).
;;
;; Rows are float32, padded to d4 floats (a multiple of 4, zeros after d), and already
;; standardised; weights are float32 with the same padding. Four rows per pass: every weight
;; vector loaded serves four rows, and the four accumulators are independent chains.
;; Only IEEE add / mul / promote / demote in a fixed order: the result is the same on every machine
;; (no relaxed-SIMD FMA, whose rounding may differ between CPUs).
(module
  (import "env" "memory" (memory 1))

  ;; f64 sum of the four lanes, in a fixed order.
  (func $hsum (param $v v128) (result f64)
    (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v))))))

  ;; z[r·k + c] (f64) = Σ_j w[c·d4 + j] · x[r·d4 + j] for r < rows, c < k. Byte offsets x, w, z.
  (func (export "logits") (param $x i32) (param $rows i32) (param $d4 i32) (param $w i32) (param $k i32) (param $z i32)
    (local $rb i32) (local $r i32) (local $c i32) (local $j i32) (local $wc i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $zp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $wv v128)
    (local.set $rb (i32.shl (local.get $d4) (i32.const 2)))
    ;; four rows at a time
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $rb)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $rb)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $rb)))
        (local.set $c (i32.const 0))
        (block $cdone
          (loop $classes
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $wc (i32.add (local.get $w) (i32.mul (local.get $c) (local.get $rb))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $jdone
              (loop $cols
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $rb)))
                (local.set $wv (v128.load (i32.add (local.get $wc) (local.get $j))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $wv) (v128.load (i32.add (local.get $x0) (local.get $j))))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $wv) (v128.load (i32.add (local.get $x1) (local.get $j))))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $wv) (v128.load (i32.add (local.get $x2) (local.get $j))))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $wv) (v128.load (i32.add (local.get $x3) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols)))
            ;; z + 8·(r·k + c), then one row (k doubles) further for each of the next rows
            (local.set $zp (i32.add (local.get $z) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $c)) (i32.const 3))))
            (f64.store (local.get $zp) (call $hsum (local.get $a0)))
            (local.set $zp (i32.add (local.get $zp) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $zp) (call $hsum (local.get $a1)))
            (local.set $zp (i32.add (local.get $zp) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $zp) (call $hsum (local.get $a2)))
            (local.set $zp (i32.add (local.get $zp) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $zp) (call $hsum (local.get $a3)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $classes)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    ;; the last rows one at a time
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $c (i32.const 0))
        (block $cdone1
          (loop $classes1
            (br_if $cdone1 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $wc (i32.add (local.get $w) (i32.mul (local.get $c) (local.get $rb))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $jdone1
              (loop $cols1
                (br_if $jdone1 (i32.ge_u (local.get $j) (local.get $rb)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $wc) (local.get $j))) (v128.load (i32.add (local.get $x0) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols1)))
            (f64.store (i32.add (local.get $z) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $c)) (i32.const 3))) (call $hsum (local.get $a0)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $classes1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1))))

  ;; out[c·d4 + j] (f32) += Σ_r g[r·k + c] · x[r·d4 + j] for r < rows, c < k; g is f64 (rounded to
  ;; f32 for the products). Byte offsets x, g, out.
  (func (export "gradient") (param $x i32) (param $rows i32) (param $d4 i32) (param $g i32) (param $k i32) (param $out i32)
    (local $rb i32) (local $r i32) (local $c i32) (local $j i32) (local $oc i32) (local $gp i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128) (local $p i32)
    (local.set $rb (i32.shl (local.get $d4) (i32.const 2)))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $rb)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $rb)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $rb)))
        (local.set $c (i32.const 0))
        (block $cdone
          (loop $classes
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $gp (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $c)) (i32.const 3))))
            (local.set $g0 (f32x4.splat (f32.demote_f64 (f64.load (local.get $gp)))))
            (local.set $gp (i32.add (local.get $gp) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $g1 (f32x4.splat (f32.demote_f64 (f64.load (local.get $gp)))))
            (local.set $gp (i32.add (local.get $gp) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $g2 (f32x4.splat (f32.demote_f64 (f64.load (local.get $gp)))))
            (local.set $gp (i32.add (local.get $gp) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $g3 (f32x4.splat (f32.demote_f64 (f64.load (local.get $gp)))))
            (local.set $oc (i32.add (local.get $out) (i32.mul (local.get $c) (local.get $rb))))
            (local.set $j (i32.const 0))
            (block $jdone
              (loop $cols
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $rb)))
                (local.set $p (i32.add (local.get $oc) (local.get $j)))
                (v128.store (local.get $p)
                  (f32x4.add (v128.load (local.get $p))
                    (f32x4.add
                      (f32x4.add (f32x4.mul (local.get $g0) (v128.load (i32.add (local.get $x0) (local.get $j))))
                                 (f32x4.mul (local.get $g1) (v128.load (i32.add (local.get $x1) (local.get $j)))))
                      (f32x4.add (f32x4.mul (local.get $g2) (v128.load (i32.add (local.get $x2) (local.get $j))))
                                 (f32x4.mul (local.get $g3) (v128.load (i32.add (local.get $x3) (local.get $j))))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $classes)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $c (i32.const 0))
        (block $cdone1
          (loop $classes1
            (br_if $cdone1 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $g0 (f32x4.splat (f32.demote_f64 (f64.load (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $c)) (i32.const 3)))))))
            (local.set $oc (i32.add (local.get $out) (i32.mul (local.get $c) (local.get $rb))))
            (local.set $j (i32.const 0))
            (block $jdone1
              (loop $cols1
                (br_if $jdone1 (i32.ge_u (local.get $j) (local.get $rb)))
                (local.set $p (i32.add (local.get $oc) (local.get $j)))
                (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $g0) (v128.load (i32.add (local.get $x0) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols1)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $classes1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1))))

  ;; Column sums of (x − shift) and of its square, in f64 (lanes promoted before the subtraction),
;; over `rows` rows of d4 floats: sum[j] += …, sq[j] += … (f64 arrays of d4; shift is f32).
  (func (export "colstats") (param $x i32) (param $rows i32) (param $d4 i32) (param $shift i32) (param $sum i32) (param $sq i32)
    (local $rb i32) (local $r i32) (local $j i32) (local $row i32) (local $o i32)
    (local $v v128) (local $sh v128) (local $lo v128) (local $hi v128) (local $shlo v128) (local $shhi v128)
    (local.set $rb (i32.shl (local.get $d4) (i32.const 2)))
    (block $rdone
      (loop $rowsl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $cols
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $rb)))
            (local.set $v (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $sh (v128.load (i32.add (local.get $shift) (local.get $j))))
            (local.set $lo (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (f64x2.promote_low_f32x4 (local.get $sh))))
            (local.set $hi (f64x2.sub
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sh) (local.get $sh)))))
            ;; f64 arrays: element j at byte 8·j/4·… = 2·(byte offset j)
            (local.set $o (i32.shl (local.get $j) (i32.const 1)))
            (v128.store (i32.add (local.get $sum) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $sum) (local.get $o))) (local.get $lo)))
            (v128.store offset=16 (i32.add (local.get $sum) (local.get $o)) (f64x2.add (v128.load offset=16 (i32.add (local.get $sum) (local.get $o))) (local.get $hi)))
            (v128.store (i32.add (local.get $sq) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $sq) (local.get $o))) (f64x2.mul (local.get $lo) (local.get $lo))))
            (v128.store offset=16 (i32.add (local.get $sq) (local.get $o)) (f64x2.add (v128.load offset=16 (i32.add (local.get $sq) (local.get $o))) (f64x2.mul (local.get $hi) (local.get $hi))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsl))))

  ;; In place: x[r·d4 + j] = (x[r·d4 + j] − mean[j]) · inv[j] (f32 arrays of d4).
  (func (export "standardise") (param $x i32) (param $rows i32) (param $d4 i32) (param $mean i32) (param $inv i32)
    (local $rb i32) (local $r i32) (local $j i32) (local $p i32)
    (local.set $rb (i32.shl (local.get $d4) (i32.const 2)))
    (block $rdone
      (loop $rowsl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $cols
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $rb)))
            (local.set $p (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rb))) (local.get $j)))
            (v128.store (local.get $p) (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (v128.load (i32.add (local.get $mean) (local.get $j)))) (v128.load (i32.add (local.get $inv) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsl))))
)
