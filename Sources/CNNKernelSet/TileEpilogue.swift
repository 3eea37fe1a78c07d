/// What a micro-kernel does to each row of its C tile after the product's last k step, before
/// storing it: add a bias, then scale and shift (inference batch norm folded into one multiply and
/// one add), then clamp (ReLU, ReLU6). Row r of the tile uses element r of each array, counted from
/// the pointers given; every array must hold a value for every row of the tile, ragged or not (the
/// engine pads them to a whole tile).
///
/// Each step rounds exactly as the separate pass it replaces (a rounded sum, then a rounded product
/// and a rounded sum, never a fused multiply-add; clamps decided by the same comparisons), so a product
/// with an epilogue is bit-identical to the product followed by the bias, batch norm and activation
/// passes.
public struct TileEpilogue {
  /// How the result is clamped last.
  public enum Clamp: Sendable {
    case none
    /// Negative values become 0 (NaN and −0 stay as they are).
    case relu
    /// min(max(x, 0), 6).
    case relu6

    /// ReLU's comparison, the one every ReLU of the engine makes (its pass, its epilogues).
    @inlinable @inline(__always)
    public static func rectified(_ x: Float) -> Float { x < 0 ? 0 : x }

    /// ReLU6's comparisons, `Swift.max`'s then `Swift.min`'s.
    @inlinable @inline(__always)
    public static func rectified6(_ x: Float) -> Float { min(max(x, 0), 6) }

    /// `x` clamped.
    @inlinable @inline(__always)
    public func callAsFunction(_ x: Float) -> Float {
      switch self {
      case .none: x
      case .relu: Self.rectified(x)
      case .relu6: Self.rectified6(x)
      }
    }

    /// `count` floats at `values` clamped in place, in a plain loop per clamp, which the compiler
    /// turns into vector max and blend instructions (the standard library's SIMD comparisons and
    /// `replace(with:where:)` in straight-line code go lane by lane).
    @inlinable @inline(__always)
    public func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
      switch self {
      case .none: break
      case .relu: for i in 0..<count { values[i] = Self.rectified(values[i]) }
      case .relu6: for i in 0..<count { values[i] = Self.rectified6(values[i]) }
      }
    }
  }

  /// Added per row first.
  public var bias: UnsafePointer<Float>?
  /// Each row is multiplied by `scale` and then `shift` is added (both or neither).
  public var scale: UnsafePointer<Float>?
  public var shift: UnsafePointer<Float>?
  public var clamp: Clamp

  @inlinable public init(
    bias: UnsafePointer<Float>? = nil, scale: UnsafePointer<Float>? = nil, shift: UnsafePointer<Float>? = nil,
    clamp: Clamp = .none
  ) {
    precondition((scale == nil) == (shift == nil), "scale and shift come together")
    self.bias = bias
    self.scale = scale
    self.shift = shift
    self.clamp = clamp
  }

  /// Does nothing: the tile is stored as accumulated.
  @inlinable public static var none: TileEpilogue { TileEpilogue(bias: nil, scale: nil, shift: nil, clamp: .none) }

  /// Whether there is anything to do.
  @inlinable public var isEmpty: Bool { bias == nil && scale == nil && clamp == .none }

  /// The same epilogue for the rows starting `rows` further down.
  @inlinable public func advanced(by rows: Int) -> TileEpilogue {
    var moved = self
    moved.bias = bias.map { $0 + rows }
    moved.scale = scale.map { $0 + rows }
    moved.shift = shift.map { $0 + rows }
    return moved
  }
}

extension MicroKernels {
  /// The bias and batch norm of row `r` on its two accumulators (the clamp follows the store).
  @inlinable @inline(__always)
  static func finish<V: SIMD>(_ c0: inout V, _ c1: inout V, _ epilogue: TileEpilogue, _ r: Int)
  where V.Scalar == Float {
    if let bias = epilogue.bias {
      let b = V(repeating: bias[r])
      c0 = c0 + b
      c1 = c1 + b
    }
    if let scale = epilogue.scale, let shift = epilogue.shift {
      let (a, s) = (V(repeating: scale[r]), V(repeating: shift[r]))
      c0 = c0 * a + s
      c1 = c1 * a + s
    }
  }

  /// The epilogue's clamp on the rows × columns floats at `t` (rows `ld` apart), after the tile is
  /// stored (`TileEpilogue.Clamp.apply`).
  @inlinable @inline(__always)
  static func clamp(_ clamp: TileEpilogue.Clamp, _ t: UnsafeMutablePointer<Float>, ld: Int, rows: Int, columns: Int) {
    for r in 0..<rows { clamp.apply(t + r * ld, count: columns) }
  }
}
