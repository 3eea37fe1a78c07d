extension MicroKernels {
  /// One column of C for up to eight row tiles at once: C[r][0] (rows `ldc` apart) = (C[r][0] +)
  /// Σ_p A[r][p] · b[p · bStride], for the rows of `tiles` consecutive packed A micro-panels (mr
  /// rows per k, `panelStride` floats apart), at most `rows` of them stored. Each tile's rows are
  /// one 8-lane vector (lanes past mr are ignored), multiplied by the column's value broadcast:
  /// for the last few columns of a ragged panel, where a tile would spend a whole vector's lanes
  /// on every column. Each element sums its k terms in increasing order with the same
  /// multiply-add as `tile`, and gets the same epilogue, so the two agree bit for bit.
  ///
  /// Reads 8 floats of A per tile and k: with mr = 6, two past each k's values, so the packed A
  /// must be followed by 2 readable floats. Missing tiles (fewer than eight) repeat the first one
  /// and are not stored.
  @inlinable @inline(__always)
  public static func column(
    mr: Int, fused: Bool, k: Int, a: UnsafePointer<Float>, panelStride: Int, tiles: Int, b: UnsafePointer<Float>,
    bStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, readsC: Bool, epilogue: TileEpilogue
  ) {
    typealias V = SIMD8<Float>
    func panel(_ t: Int) -> UnsafePointer<Float> { a + (t < tiles ? t : 0) * panelStride }
    let (p0, p1, p2, p3, p4, p5, p6, p7) = (
      panel(0), panel(1), panel(2), panel(3), panel(4), panel(5), panel(6), panel(7)
    )
    /// Tile t's stored rows of C as a vector (zeros elsewhere).
    func gathered(_ t: Int) -> V {
      var v = V()
      guard readsC, t < tiles else { return v }
      for i in 0..<mr where t * mr + i < rows { v[i] = c[(t * mr + i) * ldc] }
      return v
    }
    var (a0, a1, a2, a3) = (gathered(0), gathered(1), gathered(2), gathered(3))
    var (a4, a5, a6, a7) = (gathered(4), gathered(5), gathered(6), gathered(7))
    for p in 0..<k {
      let value = V(repeating: b[p * bStride])
      let offset = p * mr
      multiplyAdd(&a0, load(p0 + offset), value, fused: fused)
      multiplyAdd(&a1, load(p1 + offset), value, fused: fused)
      multiplyAdd(&a2, load(p2 + offset), value, fused: fused)
      multiplyAdd(&a3, load(p3 + offset), value, fused: fused)
      multiplyAdd(&a4, load(p4 + offset), value, fused: fused)
      multiplyAdd(&a5, load(p5 + offset), value, fused: fused)
      multiplyAdd(&a6, load(p6 + offset), value, fused: fused)
      multiplyAdd(&a7, load(p7 + offset), value, fused: fused)
    }
    /// Tile t's rows finished and stored.
    func put(_ v: V, _ t: Int) {
      guard t < tiles else { return }
      var v = v
      if !epilogue.isEmpty {
        let first = t * mr
        if let bias = epilogue.bias { v = v + load(bias + first) }
        if let scale = epilogue.scale, let shift = epilogue.shift { v = v * load(scale + first) + load(shift + first) }
      }
      for i in 0..<mr where t * mr + i < rows { c[(t * mr + i) * ldc] = epilogue.clamp(v[i]) }
    }
    put(a0, 0)
    put(a1, 1)
    put(a2, 2)
    put(a3, 3)
    put(a4, 4)
    put(a5, 5)
    put(a6, 6)
    put(a7, 7)
  }
}
