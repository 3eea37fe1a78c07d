/// Element-wise functions built on eˣ that the kernel sets compute a vector at a time.
public enum VectorFunction: Sendable, Equatable {
  /// eˣ.
  case exp
  /// 1 / (1 + e⁻ˣ).
  case sigmoid
  /// x / (1 + e⁻ˣ) (swish).
  case silu
}

extension MicroKernels {
  /// x[0..<count] = f(x), a vector at a time; the last partial vector is computed on a copy.
  @inlinable @inline(__always)
  public static func apply<V: SIMD>(
    _: V.Type, _ function: VectorFunction, _ count: Int, _ x: UnsafeMutablePointer<Float>
  )
  where V.Scalar == Float {
    let w = lanes(V.self)
    var i = 0
    while i + w <= count {
      store(apply(function, load(x + i) as V), x + i)
      i += w
    }
    guard i < count else { return }
    storePartial(apply(function, loadPartial(x + i, count - i) as V), x + i, count - i)
  }

  @inlinable @inline(__always)
  static func apply<V: SIMD>(_ function: VectorFunction, _ v: V) -> V where V.Scalar == Float {
    switch function {
    case .exp: exp(v)
    case .sigmoid: 1 / (1 + exp(-v))
    case .silu: v / (1 + exp(-v))
    }
  }

  /// eˣ per lane, Cephes' `expf` (S. L. Moshier): x = n·ln 2 + r with |r| ≤ ½ ln 2 (ln 2 split in
  /// two parts so that n·ln 2 is exact), eʳ by a degree-7 polynomial, times 2ⁿ built in the
  /// exponent bits (as 2ⁿ⁻¹ · 2 for n = 128). Within 2 ulp of the correctly rounded value where
  /// that is a normal number (tested against Foundation's `exp`); +∞ above the largest float's
  /// logarithm, 0 where the value would be subnormal (x < ln 2⁻¹²⁶ ≈ −87.34), NaN for NaN.
  @inlinable @inline(__always)
  public static func exp<V: SIMD>(_ x: V) -> V where V.Scalar == Float {
    let high: Float = 88.722_839_052_068_35
    let low: Float = -87.336_544_750_553_1
    // Lanes above and below the range (NaN lanes are fixed at the end).
    let (above, below) = (negative(high - x), negative(x - low))
    let clamped = select(above, V(repeating: high), else: select(below, V(repeating: low), else: x))
    // Adding 1.5·2²³ rounds to an integer (to nearest, ties to even) and leaves it in the low
    // mantissa bits.
    let magic: Float = 12_582_912
    let shifted = clamped * 1.442_695_040_888_963_4 + magic
    let n = shifted - magic
    let r = clamped - n * 0.693_359_375 - n * -2.121_944_400_546_905_8e-4
    var p = V(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    p = p * (r * r) + r + 1
    // 2ⁿ: n + 127 in the exponent field (n is in −126…128 after the clamp; 128 is taken as 127
    // and a doubling).
    let twice = select(negative(127.5 - n), V(repeating: 1), else: V())
    let exponent =
      unsafeBitCast(shifted - twice, to: V.MaskStorage.self) &- V.MaskStorage(repeating: 0x4B40_0000 - 127)
    let scale = unsafeBitCast(exponent &<< V.MaskStorage(repeating: 23), to: V.self)
    let result = p * scale * (1 + twice)
    let magnitude = unsafeBitCast(x, to: V.MaskStorage.self) & V.MaskStorage(repeating: 0x7FFF_FFFF)
    let isNaN = (V.MaskStorage(repeating: 0x7F80_0000) &- magnitude) &>> V.MaskStorage(repeating: 31)
    return select(
      isNaN, x,
      else: select(above, V(repeating: .infinity), else: select(below, V(), else: result)))
  }

  /// All ones in the lanes whose sign bit is set (negative numbers, −0, negative NaNs), else zeros.
  /// Selections are built from bit operations: the standard library's comparisons and
  /// `replacing(with:where:)` go lane by lane.
  @inlinable @inline(__always)
  public static func negative<V: SIMD>(_ v: V) -> V.MaskStorage where V.Scalar == Float {
    unsafeBitCast(v, to: V.MaskStorage.self) &>> V.MaskStorage(repeating: 31)
  }

  /// `a` in the lanes where `mask` is all ones, `b` where it is zeros.
  @inlinable @inline(__always)
  public static func select<V: SIMD>(_ mask: V.MaskStorage, _ a: V, else b: V) -> V where V.Scalar == Float {
    let (bitsA, bitsB) = (unsafeBitCast(a, to: V.MaskStorage.self), unsafeBitCast(b, to: V.MaskStorage.self))
    return unsafeBitCast(bitsB ^ ((bitsA ^ bitsB) & mask), to: V.self)
  }
}
