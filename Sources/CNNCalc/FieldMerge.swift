import CNNGraph

/// How the fields of merging paths line up (docs/conventions.md, "Where paths merge").
enum FieldAlignment: Equatable {
  /// The paths look at the same place: equal centres, or equal ends (causal designs).
  case aligned
  /// A resampled path's units sit up to a coarse unit away from the others' in a repeating pattern
  /// (nearest upsampling, stride-2 transposed convolution): inherent to the design, worth a note.
  case subpixel(axis: Int, offsets: [Rational], resampled: Bool)
  /// The paths look at different places: a likely defect.
  case misaligned(axis: Int, detail: String)
}

/// The fields of merging paths combined into the field of the merged tensor.
enum FieldMerge {
  /// Merges `fields` of tensors with spatial `extents` into a tensor of spatial `output` extents.
  /// A path whose extent is 1 where the output's is larger is broadcast (`mul`).
  static func merge(_ fields: [ReceptiveField], extents: [[Int]], output: [Int]) throws -> (
    ReceptiveField, FieldAlignment
  ) {
    if fields.contains(.whole) { return (.whole, .aligned) }
    for field in fields { if case .unknown = field { return (field, .aligned) } }
    var regular: [RegularField] = []
    for field in fields {
      guard case .regular(let r) = field else { return (.irregular, .aligned) }
      regular.append(r)
    }
    var axes: [AxisField] = []
    var alignment = FieldAlignment.aligned
    for axis in output.indices {
      let paths = regular.indices.filter { extents[$0][axis] == output[axis] }.map { regular[$0].axes[axis] }
      guard paths.count == regular.count else { return (.irregular, .aligned) }
      let (merged, verdict) = try mergeAxis(paths, axis: axis)
      guard let merged else { return (.irregular, verdict) }
      axes.append(merged)
      switch (alignment, verdict) {
      case (.misaligned, _): break
      case (_, .misaligned), (.aligned, .subpixel): alignment = verdict
      default: break
      }
    }
    return (.regular(RegularField(axes: axes)), alignment)
  }

  /// One axis: the union of the paths' fields unit by unit, and how they line up. Returns nil
  /// for the field when the paths move at different jumps (their union follows no pattern).
  static func mergeAxis(_ paths: [AxisField], axis: Int) throws -> (AxisField?, FieldAlignment) {
    var period = 1
    for path in paths {
      period = try Checked.multiply(period / AxisMap.gcd(period, path.period), path.period)
      guard period <= AxisField.maximumPeriod else {
        throw FieldTooComplex(reason: "the merged paths' fields repeat only every \(period) units")
      }
    }
    let expanded = try paths.map { try $0.repeated(period / $0.period) }
    guard expanded.allSatisfy({ $0.shift == expanded[0].shift }) else {
      let jumps = paths.map { $0.jump.description }.joined(separator: " vs ")
      return (nil, .misaligned(axis: axis, detail: "jumps \(jumps)"))
    }
    var merged = expanded[0]
    for path in expanded.dropFirst() {
      for phase in 0..<period {
        merged.spans[phase] = union(merged.spans[phase], path.spans[phase])
        merged.narrowest[phase] = narrower(merged.narrowest[phase], path.narrowest[phase])
      }
    }
    let resampled = paths.contains { !$0.isUniform }
    let repetition = Rational(paths.map(\.shift).max() ?? 0)
    return (merged.reduced(), alignment(expanded, axis: axis, resampled: resampled, repetition: repetition))
  }

  /// Aligned when at every unit all paths' fields share their centre, or all share their last
  /// pixel (causal stacks: WaveNet, PixelCNN). Otherwise corresponding units' centres are offset.
  /// Let `repetition` be the coarsest spacing of the paths' units (the largest distance a path's
  /// pattern moves per period: the jump of a uniform path, the coarse unit of an upsampled one).
  /// When the offset of each path from the first, averaged over one period of the pattern, is less
  /// than half of it and no single offset reaches a whole coarse unit, the paths still pair each
  /// unit with its nearest counterpart: a sub-pixel offset inherent to the design, noted (ResNet-D's
  /// average-pool shortcut, a 2×2 pool beside a strided 1×1, nearest or transposed-convolution
  /// upsampling in U-Net and FPN). Anything more is a likely defect.
  static func alignment(_ paths: [AxisField], axis: Int, resampled: Bool, repetition: Rational) -> FieldAlignment {
    let period = paths[0].period
    var centresAgree = true
    var endsAgree = true
    var widestSpread = Rational.zero
    var offsets: [Rational] = []
    var offsetSums = [Int](repeating: 0, count: paths.count)  // twice the offsets, summed over phases
    var phases = 0
    for phase in 0..<period {
      let spans = paths.compactMap { $0.spans[phase] }
      guard spans.count == paths.count, let first = spans.first else { continue }
      let centres = spans.map { $0.low + $0.high }  // twice the centre, exact
      if Set(centres).count > 1 { centresAgree = false }
      if Set(spans.map(\.high)).count > 1 { endsAgree = false }
      widestSpread = max(widestSpread, (try? Rational(centres.max()! - centres.min()!, 2)) ?? .zero)
      for index in centres.indices {
        offsetSums[index] += centres[index] - (first.low + first.high)
        if index > 0 { offsets.append((try? Rational(centres[index] - centres[0], 2)) ?? .zero) }
      }
      phases += 1
    }
    if centresAgree || endsAgree || phases == 0 { return .aligned }
    var meanOffset = Rational.zero
    for sum in offsetSums {
      let mean = (try? Rational(abs(sum), 2 * phases)) ?? .zero
      meanOffset = max(meanOffset, mean)
    }
    let halfRepetition = (try? repetition / Rational(2)) ?? .zero
    if meanOffset < halfRepetition, widestSpread < repetition {
      return .subpixel(axis: axis, offsets: Array(Set(offsets)).sorted(), resampled: resampled)
    }
    let centres = paths.map { $0.start.description }.joined(separator: " and ")
    return .misaligned(
      axis: axis,
      detail: "first centres \(centres); corresponding units are on average \(meanOffset) pixels apart, "
        + "not less than half the coarsest spacing of units, \(repetition)")
  }

  private static func union(_ a: PixelSpan?, _ b: PixelSpan?) -> PixelSpan? {
    guard let a else { return b }
    guard let b else { return a }
    return a.hull(b)
  }

  private static func narrower(_ a: PixelSpan?, _ b: PixelSpan?) -> PixelSpan? {
    guard let a else { return b }
    guard let b else { return a }
    return b.extent < a.extent ? b : a
  }
}
