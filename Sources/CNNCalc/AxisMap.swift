import CNNGraph

/// Input units `first, first + step, …` (`count` of them, `step` ≥ 1).
struct Progression: Equatable {
  var first: Int
  var step: Int
  var count: Int

  var last: Int { first + step * (count - 1) }
}

/// How one layer's output units depend on its input units along one axis, on an unbounded axis
/// (no clipping at the borders). The map is periodic: unit o + `period` depends on the units of
/// unit o moved by `advance`. Each constructor cites the framework rule it follows; the formulas are
/// derived in docs/conventions.md, "Receptive fields".
struct AxisMap {
  /// Output units per repetition.
  var period: Int
  /// Input units the dependency set moves per period.
  var advance: Int
  /// The input units that output unit `o` depends on, or nil for none.
  var dependencies: (Int) throws(ArithmeticOverflow) -> Progression?

  /// A sliding window (convolution, pooling): unit o reads o·s − before + t·d for t in 0..<k
  /// (PyTorch `Conv*d`, `*Pool*d`; Dumoulin & Visin 2016, section 2).
  static func window(kernel: Int, stride: Int, dilation: Int, before: Int) -> AxisMap {
    AxisMap(period: 1, advance: stride) { o throws(ArithmeticOverflow) in
      Progression(
        first: try Checked.subtract(try Checked.multiply(o, stride), before), step: dilation, count: kernel)
    }
  }

  /// A transposed convolution: input unit i adds into outputs i·s − before + t·d for t in 0..<k
  /// (PyTorch `ConvTranspose*d`). So unit o reads every i with i·s + t·d = o + before: the taps t
  /// with t·d ≡ o + before (mod s), which form a progression with step s/g (g = gcd(d, s)); the
  /// inputs they read form a progression with step d/g. Outputs between taps (k < s) read nothing.
  static func transposed(kernel: Int, stride: Int, dilation: Int, before: Int) -> AxisMap {
    let g = gcd(dilation, stride)
    let tapStep = stride / g
    let inverse = modularInverse(dilation / g, modulo: tapStep)
    return AxisMap(period: stride, advance: 1) { o throws(ArithmeticOverflow) in
      let target = try Checked.add(o, before)
      guard target.floorModulo(g) == 0 else { return nil }
      let firstTap = ((target / g).floorModulo(tapStep) * inverse).floorModulo(tapStep)
      guard firstTap < kernel else { return nil }
      let taps = (kernel - 1 - firstTap) / tapStep + 1
      let lastTap = firstTap + (taps - 1) * tapStep
      // The largest tap reads the smallest input unit.
      let lowest = try Checked.subtract(target, try Checked.multiply(lastTap, dilation))
      return Progression(first: lowest / stride, step: dilation / g, count: taps)
    }
  }

  /// Nearest resampling from `input` to `output` units: unit o reads ⌊o·in/out⌋ (PyTorch
  /// `upsample_nearest`, `F.interpolate(mode="nearest")`).
  static func nearest(input: Int, output: Int) -> AxisMap {
    let g = gcd(input, output)
    let (inUnits, outUnits) = (input / g, output / g)
    return AxisMap(period: outUnits, advance: inUnits) { o throws(ArithmeticOverflow) in
      Progression(first: try Checked.multiply(o, inUnits).floorDivided(by: outUnits), step: 1, count: 1)
    }
  }

  /// Bilinear resampling with `align_corners=False`: unit o blends ⌊x⌋ and ⌊x⌋ + 1 around
  /// x = (o + ½)·in/out − ½ (PyTorch `area_pixel_compute_source_index`); a tap of weight 0 (x whole)
  /// is not a dependency.
  static func bilinear(input: Int, output: Int) -> AxisMap {
    let g = gcd(input, output)
    let (inUnits, outUnits) = (input / g, output / g)
    return AxisMap(period: outUnits, advance: inUnits) { o throws(ArithmeticOverflow) in
      // x = ((2o + 1)·in − out) / (2·out)
      let numerator = try Checked.subtract(
        try Checked.multiply(try Checked.add(try Checked.multiply(o, 2), 1), inUnits), outUnits)
      let denominator = 2 * outUnits
      let low = numerator.floorDivided(by: denominator)
      return Progression(first: low, step: 1, count: numerator.floorModulo(denominator) == 0 ? 1 : 2)
    }
  }

  /// Adaptive pooling from `input` to `output` units: unit o reads ⌊o·in/out⌋ ..< ⌈(o+1)·in/out⌉
  /// (PyTorch `adaptive_avg_pool2d`'s `start_index`/`end_index`).
  static func adaptive(input: Int, output: Int) -> AxisMap {
    let g = gcd(input, output)
    let (inUnits, outUnits) = (input / g, output / g)
    return AxisMap(period: outUnits, advance: inUnits) { o throws(ArithmeticOverflow) in
      let first = try Checked.multiply(o, inUnits).floorDivided(by: outUnits)
      let end = try Checked.multiply(try Checked.add(o, 1), inUnits).ceilDivided(by: outUnits)
      return Progression(first: first, step: 1, count: end - first)
    }
  }

  /// Padding (`before` > 0) or cropping (`before` < 0): unit o is input unit o − before.
  static func shift(before: Int) -> AxisMap {
    AxisMap(period: 1, advance: 1) { o throws(ArithmeticOverflow) in
      Progression(first: try Checked.subtract(o, before), step: 1, count: 1)
    }
  }

  static func gcd(_ a: Int, _ b: Int) -> Int { Int.greatestCommonDivisor(a, b) }

  /// x with a·x ≡ 1 (mod m), for coprime a and m ≥ 1 (extended Euclid).
  static func modularInverse(_ a: Int, modulo m: Int) -> Int {
    guard m > 1 else { return 0 }
    var (oldR, r) = (a.floorModulo(m), m)
    var (oldS, s) = (1, 0)
    while r != 0 {
      let q = oldR / r
      (oldR, r) = (r, oldR - q * r)
      (oldS, s) = (s, oldS - q * s)
    }
    return oldS.floorModulo(m)
  }
}

extension AxisField {
  /// The most (output units × input units examined) one layer may cost before the field is
  /// reported as unknown.
  static let workBudget = 1 << 22

  /// The field of a layer's output along this axis, given the layer's dependency map.
  ///
  /// With input period P and a map of period p advancing a units, the output repeats every
  /// p·P/gcd(a, P) units and moves a/gcd(a, P) input periods meanwhile. Each output unit's field is
  /// the hull of its input units' fields; since fields only move forward, the lowest pixel is among
  /// the first P units of the progression and the highest among the last P.
  func through(_ map: AxisMap) throws -> AxisField {
    let g = AxisMap.gcd(map.advance, period)
    let repeats = period / g
    let outPeriod = try Checked.multiply(repeats, map.period)
    guard outPeriod <= Self.maximumPeriod else {
      throw FieldTooComplex(
        reason: "the units' fields repeat only every \(outPeriod) units (cnncalc follows up to \(Self.maximumPeriod))")
    }
    let outShift = try Checked.multiply(map.advance / g, shift)
    var result = AxisField(period: outPeriod, shift: outShift, spans: [], narrowest: [])
    var work = 0
    for unit in 0..<outPeriod {
      let progression = try map.dependencies(unit)
      work += min(progression?.count ?? 0, period) * 2 + 1
      guard work <= Self.workBudget else {
        throw FieldTooComplex(reason: "following this field would cost more than cnncalc allows")
      }
      result.spans.append(try hull(of: progression, in: spans))
      result.narrowest.append(try hull(of: progression, in: narrowest))
    }
    return result.reduced()
  }

  private func hull(of progression: Progression?, in phases: [PixelSpan?]) throws(ArithmeticOverflow) -> PixelSpan? {
    guard let progression, progression.count > 0 else { return nil }
    let examined = min(progression.count, period)
    var low: Int?
    var high: Int?
    for t in 0..<examined {
      let early = try Checked.add(progression.first, try Checked.multiply(t, progression.step))
      if let span = try Self.span(of: early, in: phases, period: period, shift: shift) {
        low = min(low ?? span.low, span.low)
      }
      let late = try Checked.subtract(
        try Checked.add(progression.first, try Checked.multiply(progression.count - 1, progression.step)),
        try Checked.multiply(t, progression.step))
      if let span = try Self.span(of: late, in: phases, period: period, shift: shift) {
        high = max(high ?? span.high, span.high)
      }
    }
    guard let low, let high else { return nil }
    return PixelSpan(low: low, high: high)
  }
}
