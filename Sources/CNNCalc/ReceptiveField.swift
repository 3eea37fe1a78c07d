import CNNSpec

/// The receptive field of a tensor's units in network-input pixels, per spatial axis.
///
/// Pixel centres are at 0, 1, 2, …; `start` is the centre of the field of the first output unit,
/// `jump` the distance between the fields of neighbouring units, `size` the field's extent.
/// Effective padding is (size − 1)/2 − start (Araujo, Norris & Sim, "Computing Receptive Fields of
/// Convolutional Neural Networks", Distill 2019).
public enum ReceptiveField: Sendable, Equatable {
  /// A regular field, one entry per spatial axis.
  case regular(RegularField)
  /// Every unit depends on the whole input (after global pooling or a fully connected layer).
  case whole
  /// No single size/jump/start describes the units (after flatten, reshape, or uneven adaptive pooling).
  case irregular

  /// The field of a network input: size 1, jump 1, start 0 on each axis.
  public static func identity(rank: Int) -> ReceptiveField {
    .regular(
      RegularField(
        size: Array(repeating: .one, count: rank), minSize: Array(repeating: .one, count: rank),
        jump: Array(repeating: .one, count: rank), start: Array(repeating: .zero, count: rank)))
  }
}

/// Size, jump and start of a regular receptive field, one entry per spatial axis.
public struct RegularField: Sendable, Equatable {
  /// Extent of the union of all paths' fields, in input pixels.
  public var size: [Rational]
  /// Extent of the smallest path's field (equal to `size` on a single path).
  public var minSize: [Rational]
  /// Distance between neighbouring units' field centres, in input pixels.
  public var jump: [Rational]
  /// Centre of the first unit's field, in input pixel coordinates.
  public var start: [Rational]

  /// Creates a field.
  public init(size: [Rational], minSize: [Rational], jump: [Rational], start: [Rational]) {
    self.size = size
    self.minSize = minSize
    self.jump = jump
    self.start = start
  }

  /// (size − 1)/2 − start per axis: how far the first unit's field reaches before pixel 0.
  public func effectivePadding() throws(ArithmeticOverflow) -> [Rational] {
    var result: [Rational] = []
    for axis in size.indices {
      result.append(try (try (size[axis] - .one) / Rational(2)) - start[axis])
    }
    return result
  }
}

/// The receptive-field recurrences, one pure function per kind of layer.
public enum FieldArithmetic {
  /// A sliding window of dilated extent `dk`, stride `s` and `before` padding:
  /// r' = r + (dk − 1)·j, j' = j·s, start' = start + ((dk − 1)/2 − before)·j
  /// (Dumoulin & Visin 2016 arithmetic; Araujo et al. 2019, eqs. 2, 6 and 8).
  public static func window(_ field: RegularField, dilatedKernel: [Int], stride: [Rational], before: [Int])
    throws(ArithmeticOverflow) -> RegularField
  {
    var result = field
    for axis in field.size.indices {
      let reach = Rational(dilatedKernel[axis] - 1)
      let growth = try reach * field.jump[axis]
      result.size[axis] = try field.size[axis] + growth
      result.minSize[axis] = try field.minSize[axis] + growth
      result.jump[axis] = try field.jump[axis] * stride[axis]
      let offset = try (try reach / Rational(2)) - Rational(before[axis])
      result.start[axis] = try field.start[axis] + (try offset * field.jump[axis])
    }
    return result
  }

  /// A transposed convolution with stride s is a stride-1 convolution over the input with s − 1
  /// zeros stuffed between units and dk − 1 − before padding (Dumoulin & Visin 2016, section 4):
  /// the jump becomes j/s and the window recurrence applies with that jump.
  public static func transposed(_ field: RegularField, dilatedKernel: [Int], stride: [Int], before: [Int])
    throws(ArithmeticOverflow) -> RegularField
  {
    var stuffed = field
    var stuffedPadding: [Int] = []
    for axis in field.size.indices {
      stuffed.jump[axis] = try field.jump[axis] / Rational(stride[axis])
      stuffedPadding.append(dilatedKernel[axis] - 1 - before[axis])
    }
    return try window(
      stuffed, dilatedKernel: dilatedKernel, stride: Array(repeating: .one, count: stride.count),
      before: stuffedPadding)
  }

  /// Resampling by `ratio` = out/in per axis. Nearest copies one input unit (field unchanged,
  /// first unit centred on the first input unit); bilinear with `align_corners=False` blends the two
  /// units around x = (o + ½)·in/out − ½, so the field grows by one jump and the first unit is
  /// centred at x(0).
  public static func upsample(_ field: RegularField, ratio: [Rational], bilinear: Bool) throws(ArithmeticOverflow)
    -> RegularField
  {
    var result = field
    for axis in field.size.indices {
      let inverse = try Rational.one / ratio[axis]
      result.jump[axis] = try field.jump[axis] * inverse
      if bilinear {
        result.size[axis] = try field.size[axis] + field.jump[axis]
        result.minSize[axis] = try field.minSize[axis] + field.jump[axis]
        let centre = try (try inverse / Rational(2)) - (try Rational(1, 2))
        result.start[axis] = try field.start[axis] + (try centre * field.jump[axis])
      }
    }
    return result
  }

  /// Padding (positive `before`) or cropping (negative): the first unit moves by −before·j.
  public static func shift(_ field: RegularField, before: [Int]) throws(ArithmeticOverflow) -> RegularField {
    var result = field
    for axis in field.size.indices {
      result.start[axis] = try field.start[axis] - (try Rational(before[axis]) * field.jump[axis])
    }
    return result
  }

  /// The union of merging paths' fields: the smallest interval holding every path's field of the
  /// first unit. Returns the union and whether the paths' jumps or centres disagree.
  public static func union(_ fields: [RegularField]) throws(ArithmeticOverflow) -> (field: RegularField, aligned: Bool)
  {
    var result = fields[0]
    var aligned = true
    for axis in result.size.indices {
      var low: Rational?
      var high: Rational?
      var smallest = fields[0].minSize[axis]
      for field in fields {
        let half = try (try field.size[axis] - .one) / Rational(2)
        let fieldLow = try field.start[axis] - half
        let fieldHigh = try field.start[axis] + half
        low = min(low ?? fieldLow, fieldLow)
        high = max(high ?? fieldHigh, fieldHigh)
        smallest = min(smallest, field.minSize[axis])
        if field.jump[axis] != fields[0].jump[axis] || field.start[axis] != fields[0].start[axis] { aligned = false }
      }
      result.size[axis] = try (try high! - low!) + .one
      result.start[axis] = try (try low! + high!) / Rational(2)
      result.minSize[axis] = smallest
      result.jump[axis] = fields.map { $0.jump[axis] }.max()!
    }
    return (result, aligned)
  }
}
