import Foundation

/// A value axis of a chart: linear from zero, or logarithmic (base 10) when the values span more
/// than `logarithmicRatio` times; maps values to pixels and gives the tick values to label.
struct ChartAxis {
  /// Values spread wider than this ratio (largest / smallest positive) get a logarithmic axis.
  static let logarithmicRatio = 500.0

  var low: Double
  var high: Double
  var logarithmic: Bool
  /// Linear ticks are round in this unit (1, or a power of 1024 for bytes: 8 MiB, 16 MiB, …).
  var unit = 1.0
  /// Pixel positions of `low` and `high` (for a vertical axis, bottom then top).
  var from: Double
  var to: Double

  /// An axis covering `values` (non-positive values are ignored); `linear` forbids the logarithmic
  /// scale (an area chart reads only from zero).
  init(covering values: [Double], from: Double, to: Double, linear: Bool = false, binary: Bool = false) {
    let positive = values.filter { $0 > 0 }
    let largest = positive.max() ?? 1
    let smallest = positive.min() ?? 1
    logarithmic = !linear && largest / smallest > Self.logarithmicRatio
    if logarithmic {
      low = pow(10, floor(log10(smallest)))
      high = pow(10, ceil(log10(largest)))
    } else {
      if binary { unit = pow(1024, floor(log(max(largest, 1)) / log(1024))) }
      low = 0
      high = Self.niceCeiling(largest / unit) * unit
    }
    self.from = from
    self.to = to
  }

  /// The pixel position of `value`.
  func position(_ value: Double) -> Double {
    let fraction: Double
    if logarithmic {
      fraction = (log10(max(value, low)) - log10(low)) / (log10(high) - log10(low))
    } else {
      fraction = (value - low) / (high - low)
    }
    return from + (to - from) * fraction
  }

  /// Values to label: powers of ten on a logarithmic axis, 4–6 round steps on a linear one.
  var ticks: [Double] {
    if logarithmic {
      var values: [Double] = []
      var value = low
      while value <= high * 1.0001 {
        values.append(value)
        value *= 10
      }
      return values
    }
    let step = Self.niceCeiling(high / unit / 5) * unit
    return stride(from: 0, through: high * 1.0001, by: step).map { $0 }
  }

  /// The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`.
  static func niceCeiling(_ value: Double) -> Double {
    guard value > 0 else { return 1 }
    let magnitude = pow(10, floor(log10(value)))
    for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= value * 0.9999 { return factor * magnitude }
    return 10 * magnitude
  }
}
