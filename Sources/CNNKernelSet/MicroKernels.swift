/// The inner loops every kernel set instantiates, written once over the vector type and whether
/// multiply-adds are fused. They are `@inlinable` and always inlined so that the body is compiled
/// inside each set's module, with that module's `-target-cpu`; `V` and `fused` are constants
/// there, so each set gets straight-line code for its own registers.
public enum MicroKernels {
  /// c += a·b, fused into one rounding where `fused` (the set's processor has FMA), otherwise a
  /// rounded product then a rounded sum.
  @inlinable @inline(__always)
  public static func multiplyAdd<V: SIMD>(_ c: inout V, _ a: V, _ b: V, fused: Bool) where V.Scalar == Float {
    if fused { c.addProduct(a, b) } else { c += a * b }
  }

  @inlinable @inline(__always)
  public static func load<V: SIMD>(_ p: UnsafePointer<Float>) -> V where V.Scalar == Float {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
  }

  @inlinable @inline(__always)
  public static func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
  }

  /// The first `count` floats at `p` in the first lanes of a vector, zeros in the rest (for the
  /// last, partial vector of a row; nothing past `p + count` is read).
  @inlinable @inline(__always)
  public static func loadPartial<V: SIMD>(_ p: UnsafePointer<Float>, _ count: Int) -> V where V.Scalar == Float {
    var v = V()
    for lane in 0..<count { v[lane] = p[lane] }
    return v
  }

  /// The first `count` lanes of `v` to `p` (nothing past `p + count` is written).
  @inlinable @inline(__always)
  public static func storePartial<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>, _ count: Int)
  where V.Scalar == Float {
    for lane in 0..<count { p[lane] = v[lane] }
  }

  /// Lanes of `V`.
  @inlinable @inline(__always)
  public static func lanes<V: SIMD>(_: V.Type) -> Int where V.Scalar == Float {
    MemoryLayout<V>.size / MemoryLayout<Float>.size
  }

  /// An mr × (2·lanes) micro-tile, mr = 8 or 6: two accumulators per row, so sixteen (AVX-512:
  /// 8 × 32 in 16 of 32 registers) or twelve (AVX2: 6 × 16 in 12 of 16 registers, the shape of
  /// BLIS's Haswell kernel). `mr` is a constant where this is instantiated; the code for rows 6
  /// and 7 disappears from a 6-row tile. `epilogue` is applied to the accumulated tile before it is
  /// stored (`TileEpilogue.none` on every k panel but a product's last).
  @inlinable @inline(__always)
  public static func tile<V: SIMD, B: PanelRows>(
    _: V.Type, mr: Int, fused: Bool, k: Int, a: UnsafePointer<Float>, b panel: B,
    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, readsC: Bool, epilogue: TileEpilogue
  ) where V.Scalar == Float {
    precondition(mr == 8 || mr == 6, "tiles have 6 or 8 rows")
    let w = lanes(V.self)
    let nr = 2 * w
    let tall = mr == 8
    var c0 = (V(), V(), V(), V(), V(), V(), V(), V())
    var c1 = c0
    withEdgeTile(c: c, ldc: ldc, mr: mr, nr: nr, rows: rows, columns: columns, readsC: readsC) { t, ld in
      if readsC {
        c0.0 = load(t); c1.0 = load(t + w)
        c0.1 = load(t + ld); c1.1 = load(t + ld + w)
        c0.2 = load(t + 2 * ld); c1.2 = load(t + 2 * ld + w)
        c0.3 = load(t + 3 * ld); c1.3 = load(t + 3 * ld + w)
        c0.4 = load(t + 4 * ld); c1.4 = load(t + 4 * ld + w)
        c0.5 = load(t + 5 * ld); c1.5 = load(t + 5 * ld + w)
        if tall { c0.6 = load(t + 6 * ld); c1.6 = load(t + 6 * ld + w) }
        if tall { c0.7 = load(t + 7 * ld); c1.7 = load(t + 7 * ld + w) }
      }
      var pa = a
      var panel = panel
      // Two k steps per trip, then the odd one: half the loop overhead between the multiply-adds.
      for _ in 0..<k / 2 {
        let (pb, pd) = (panel.next(), panel.next())
        let (b0, b1, d0, d1): (V, V, V, V) = (load(pb), load(pb + w), load(pd), load(pd + w))
        row(&c0.0, &c1.0, pa[0], b0, b1, true, fused)
        row(&c0.1, &c1.1, pa[1], b0, b1, true, fused)
        row(&c0.2, &c1.2, pa[2], b0, b1, true, fused)
        row(&c0.3, &c1.3, pa[3], b0, b1, true, fused)
        row(&c0.4, &c1.4, pa[4], b0, b1, true, fused)
        row(&c0.5, &c1.5, pa[5], b0, b1, true, fused)
        if tall { row(&c0.6, &c1.6, pa[6], b0, b1, true, fused) }
        if tall { row(&c0.7, &c1.7, pa[7], b0, b1, true, fused) }
        row(&c0.0, &c1.0, pa[mr + 0], d0, d1, true, fused)
        row(&c0.1, &c1.1, pa[mr + 1], d0, d1, true, fused)
        row(&c0.2, &c1.2, pa[mr + 2], d0, d1, true, fused)
        row(&c0.3, &c1.3, pa[mr + 3], d0, d1, true, fused)
        row(&c0.4, &c1.4, pa[mr + 4], d0, d1, true, fused)
        row(&c0.5, &c1.5, pa[mr + 5], d0, d1, true, fused)
        if tall { row(&c0.6, &c1.6, pa[mr + 6], d0, d1, true, fused) }
        if tall { row(&c0.7, &c1.7, pa[mr + 7], d0, d1, true, fused) }
        pa += 2 * mr
      }
      if k % 2 == 1 {
        let pb = panel.next()
        let (b0, b1): (V, V) = (load(pb), load(pb + w))
        row(&c0.0, &c1.0, pa[0], b0, b1, true, fused)
        row(&c0.1, &c1.1, pa[1], b0, b1, true, fused)
        row(&c0.2, &c1.2, pa[2], b0, b1, true, fused)
        row(&c0.3, &c1.3, pa[3], b0, b1, true, fused)
        row(&c0.4, &c1.4, pa[4], b0, b1, true, fused)
        row(&c0.5, &c1.5, pa[5], b0, b1, true, fused)
        if tall { row(&c0.6, &c1.6, pa[6], b0, b1, true, fused) }
        if tall { row(&c0.7, &c1.7, pa[7], b0, b1, true, fused) }
      }
      if !epilogue.isEmpty {
        finish(&c0.0, &c1.0, epilogue, 0)
        finish(&c0.1, &c1.1, epilogue, 1)
        finish(&c0.2, &c1.2, epilogue, 2)
        finish(&c0.3, &c1.3, epilogue, 3)
        finish(&c0.4, &c1.4, epilogue, 4)
        finish(&c0.5, &c1.5, epilogue, 5)
        if tall { finish(&c0.6, &c1.6, epilogue, 6) }
        if tall { finish(&c0.7, &c1.7, epilogue, 7) }
      }
      store(c0.0, t); store(c1.0, t + w)
      store(c0.1, t + ld); store(c1.1, t + ld + w)
      store(c0.2, t + 2 * ld); store(c1.2, t + 2 * ld + w)
      store(c0.3, t + 3 * ld); store(c1.3, t + 3 * ld + w)
      store(c0.4, t + 4 * ld); store(c1.4, t + 4 * ld + w)
      store(c0.5, t + 5 * ld); store(c1.5, t + 5 * ld + w)
      if tall { store(c0.6, t + 6 * ld); store(c1.6, t + 6 * ld + w) }
      if tall { store(c0.7, t + 7 * ld); store(c1.7, t + 7 * ld + w) }
      if epilogue.clamp != .none { clamp(epilogue.clamp, t, ld: ld, rows: mr, columns: nr) }
    }
  }

  /// An mr × lanes half tile, one accumulator per row: for a ragged last panel of at most `lanes`
  /// columns, half the multiply-adds of `tile`, with the same sums in the same order and the same
  /// epilogue (bit-identical to `tile` on those columns). A function of its own rather than a
  /// parameter of `tile`, so that each is inlined with its constants where a set instantiates it.
  @inlinable @inline(__always)
  public static func halfTile<V: SIMD>(
    _: V.Type, mr: Int, fused: Bool, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, readsC: Bool, epilogue: TileEpilogue
  ) where V.Scalar == Float {
    precondition(mr == 8 || mr == 6, "tiles have 6 or 8 rows")
    let nr = lanes(V.self)
    let tall = mr == 8
    var c0 = (V(), V(), V(), V(), V(), V(), V(), V())
    var unused = V()
    withEdgeTile(c: c, ldc: ldc, mr: mr, nr: nr, rows: rows, columns: columns, readsC: readsC) { t, ld in
      if readsC {
        c0.0 = load(t)
        c0.1 = load(t + ld)
        c0.2 = load(t + 2 * ld)
        c0.3 = load(t + 3 * ld)
        c0.4 = load(t + 4 * ld)
        c0.5 = load(t + 5 * ld)
        if tall { c0.6 = load(t + 6 * ld) }
        if tall { c0.7 = load(t + 7 * ld) }
      }
      var pa = a
      var pb = b
      // Two k steps per trip, then the odd one, as in `tile`.
      for _ in 0..<k / 2 {
        let (b0, d0): (V, V) = (load(pb), load(pb + bStride))
        row(&c0.0, &unused, pa[0], b0, b0, false, fused)
        row(&c0.1, &unused, pa[1], b0, b0, false, fused)
        row(&c0.2, &unused, pa[2], b0, b0, false, fused)
        row(&c0.3, &unused, pa[3], b0, b0, false, fused)
        row(&c0.4, &unused, pa[4], b0, b0, false, fused)
        row(&c0.5, &unused, pa[5], b0, b0, false, fused)
        if tall { row(&c0.6, &unused, pa[6], b0, b0, false, fused) }
        if tall { row(&c0.7, &unused, pa[7], b0, b0, false, fused) }
        row(&c0.0, &unused, pa[mr + 0], d0, d0, false, fused)
        row(&c0.1, &unused, pa[mr + 1], d0, d0, false, fused)
        row(&c0.2, &unused, pa[mr + 2], d0, d0, false, fused)
        row(&c0.3, &unused, pa[mr + 3], d0, d0, false, fused)
        row(&c0.4, &unused, pa[mr + 4], d0, d0, false, fused)
        row(&c0.5, &unused, pa[mr + 5], d0, d0, false, fused)
        if tall { row(&c0.6, &unused, pa[mr + 6], d0, d0, false, fused) }
        if tall { row(&c0.7, &unused, pa[mr + 7], d0, d0, false, fused) }
        pa += 2 * mr
        pb += 2 * bStride
      }
      if k % 2 == 1 {
        let b0: V = load(pb)
        row(&c0.0, &unused, pa[0], b0, b0, false, fused)
        row(&c0.1, &unused, pa[1], b0, b0, false, fused)
        row(&c0.2, &unused, pa[2], b0, b0, false, fused)
        row(&c0.3, &unused, pa[3], b0, b0, false, fused)
        row(&c0.4, &unused, pa[4], b0, b0, false, fused)
        row(&c0.5, &unused, pa[5], b0, b0, false, fused)
        if tall { row(&c0.6, &unused, pa[6], b0, b0, false, fused) }
        if tall { row(&c0.7, &unused, pa[7], b0, b0, false, fused) }
      }
      if !epilogue.isEmpty {
        finish(&c0.0, &unused, epilogue, 0)
        finish(&c0.1, &unused, epilogue, 1)
        finish(&c0.2, &unused, epilogue, 2)
        finish(&c0.3, &unused, epilogue, 3)
        finish(&c0.4, &unused, epilogue, 4)
        finish(&c0.5, &unused, epilogue, 5)
        if tall { finish(&c0.6, &unused, epilogue, 6) }
        if tall { finish(&c0.7, &unused, epilogue, 7) }
      }
      store(c0.0, t)
      store(c0.1, t + ld)
      store(c0.2, t + 2 * ld)
      store(c0.3, t + 3 * ld)
      store(c0.4, t + 4 * ld)
      store(c0.5, t + 5 * ld)
      if tall { store(c0.6, t + 6 * ld) }
      if tall { store(c0.7, t + 7 * ld) }
      if epilogue.clamp != .none { clamp(epilogue.clamp, t, ld: ld, rows: mr, columns: nr) }
    }
  }

  /// One row of a tile: c0 += a·b0, c1 += a·b1 (c1 untouched in a half tile, `wide` false).
  @inlinable @inline(__always)
  static func row<V: SIMD>(
    _ c0: inout V, _ c1: inout V, _ a: Float, _ b0: V, _ b1: V, _ wide: Bool, _ fused: Bool
  ) where V.Scalar == Float {
    multiplyAdd(&c0, V(repeating: a), b0, fused: fused)
    if wide { multiplyAdd(&c1, V(repeating: a), b1, fused: fused) }
  }

  /// Runs `body` on the C tile itself when it is whole, or on a zero-padded mr × nr copy on the
  /// stack for a ragged edge tile (copied back afterwards): the body always sees a full tile.
  @inlinable @inline(__always)
  static func withEdgeTile(
    c: UnsafeMutablePointer<Float>, ldc: Int, mr: Int, nr: Int, rows: Int, columns: Int, readsC: Bool,
    _ body: (UnsafeMutablePointer<Float>, Int) -> Void
  ) {
    if rows == mr && columns == nr {
      body(c, ldc)
      return
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { buffer in
      let p = buffer.baseAddress!
      p.update(repeating: 0, count: mr * nr)
      if readsC { for r in 0..<rows { (p + r * nr).update(from: c + r * ldc, count: columns) } }
      body(p, nr)
      for r in 0..<rows { (c + r * ldc).update(from: p + r * nr, count: columns) }
    }
  }

  /// y[0..<count] += scale · x[0..<count], one vector at a time, then one element at a time.
  @inlinable @inline(__always)
  public static func axpy<V: SIMD>(
    _: V.Type, fused: Bool, _ count: Int, _ scale: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
  ) where V.Scalar == Float {
    let w = lanes(V.self)
    let s = V(repeating: scale)
    var j = 0
    while j + w <= count {
      var accumulator: V = load(UnsafePointer(y + j))
      multiplyAdd(&accumulator, s, load(x + j), fused: fused)
      store(accumulator, y + j)
      j += w
    }
    while j < count {
      y[j] = fused ? y[j].addingProduct(scale, x[j]) : y[j] + scale * x[j]
      j += 1
    }
  }

  /// Sixteen independent accumulators, enough to cover the multiply-add latency of two vector pipes.
  @inlinable @inline(__always)
  public static func peakLoop<V: SIMD>(_: V.Type, fused: Bool, _ iterations: Int, _ seed: Float) -> Float
  where V.Scalar == Float {
    let a = V(repeating: 0.999_999)
    let b = V(repeating: 1e-7 * seed)
    var c0 = V(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
    var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11, c12 = c0 + 12
    var c13 = c0 + 13, c14 = c0 + 14, c15 = c0 + 15
    for _ in 0..<iterations {
      step(&c0, a, b, fused); step(&c1, a, b, fused); step(&c2, a, b, fused); step(&c3, a, b, fused)
      step(&c4, a, b, fused); step(&c5, a, b, fused); step(&c6, a, b, fused); step(&c7, a, b, fused)
      step(&c8, a, b, fused); step(&c9, a, b, fused); step(&c10, a, b, fused); step(&c11, a, b, fused)
      step(&c12, a, b, fused); step(&c13, a, b, fused); step(&c14, a, b, fused); step(&c15, a, b, fused)
    }
    let sum = (c0 + c1 + c2 + c3) + (c4 + c5 + c6 + c7) + (c8 + c9 + c10 + c11) + (c12 + c13 + c14 + c15)
    return sum.sum()
  }

  /// One multiply-add on c's dependency chain: c + a·b fused, or c·a + b unfused (c + a·b would
  /// let the optimiser hoist the loop-invariant product and time additions alone).
  @inlinable @inline(__always)
  static func step<V: SIMD>(_ c: inout V, _ a: V, _ b: V, _ fused: Bool) where V.Scalar == Float {
    if fused { c.addProduct(a, b) } else { c = c * a + b }
  }
}
