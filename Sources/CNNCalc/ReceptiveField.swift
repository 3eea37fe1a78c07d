import CNNGraph

/// The receptive field of a tensor's units in network-input pixels, per spatial axis.
///
/// A unit's field is the smallest box holding every network-input pixel the unit depends on: what
/// the gradient of that unit would light up (PRODUCT.md). Pixel centres are at 0, 1, 2, ….
/// See docs/conventions.md, "Receptive fields", for every rule.
public enum ReceptiveField: Sendable, Equatable {
  /// A field that follows a (periodic) pattern, one `AxisField` per spatial axis.
  case regular(RegularField)
  /// Every unit depends on every pixel the layer's inputs depend on (global pooling, fully
  /// connected layers, windows that span the whole map, and everything after them).
  case whole
  /// No size/jump/start describes the units (after flatten or a reshape that moves elements
  /// between axes, or where merging paths move at different jumps).
  case irregular
  /// The field exists but cnncalc could not follow it; the text says why.
  case unknown(String)

  /// The field of a network input: every unit is one pixel.
  public static func identity(rank: Int) -> ReceptiveField {
    .regular(RegularField(axes: Array(repeating: .identity, count: rank)))
  }
}

/// A field described per spatial axis. The summary figures (`size`, `jump`, `start`) are those of
/// Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks" (Distill
/// 2019), generalised to layers whose units do not all look alike (see `AxisField`).
public struct RegularField: Sendable, Equatable {
  /// One entry per spatial axis, in order (D, H, W).
  public var axes: [AxisField]

  /// Wraps per-axis fields.
  public init(axes: [AxisField]) { self.axes = axes }

  /// The largest field over all units and paths, in input pixels.
  public var size: [Rational] { axes.map { Rational($0.size) } }
  /// The smallest field along the narrowest path, over all units (equal to `size` on a chain of
  /// layers whose units all look alike).
  public var minSize: [Rational] { axes.map { Rational($0.minSize) } }
  /// Distance between neighbouring units' fields, on average: pixels moved per period / period.
  public var jump: [Rational] { axes.map(\.jump) }
  /// Centre of the first unit's field, in input pixel coordinates.
  public var start: [Rational] { axes.map(\.start) }
  /// Whether on some axis neighbouring units depend on differently shaped sets (period > 1).
  public var hasPhases: Bool { axes.contains { !$0.isUniform } }

  /// How far the first unit's field reaches before pixel 0, per axis: −(its lowest pixel), which is
  /// (size − 1)/2 − start when every unit looks alike (Araujo et al. 2019, eq. 11).
  public func effectivePadding() throws(ArithmeticOverflow) -> [Rational] {
    var result: [Rational] = []
    for axis in axes {
      guard let first = axis.spans.first ?? nil else {
        result.append(try (try (Rational(axis.size) - .one) / Rational(2)) - axis.start)
        continue
      }
      result.append(try -Rational(first.low))
    }
    return result
  }
}
