import CNNSpec

/// How the fields of merging paths line up (docs/conventions.md, "Where paths merge").
enum FieldAlignment: Equatable {
  /// The paths look at the same place: equal centres, or equal ends (causal designs).
  case aligned
  /// A resampled path's units sit up to a coarse unit away from the others' in a repeating pattern
  /// (nearest upsampling, stride-2 transposed convolution): inherent to the design, worth a note.
  case subpixel(axis: Int, offsets: [Rational])
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
  /// pixel (causal stacks: WaveNet, PixelCNN). Where a path is resampled (period > 1), its units
  /// sit up to one of its repetitions apart from the others by construction; that is a sub-pixel
  /// offset when the spread of centres stays below `repetition`, the largest distance a path's
  /// pattern moves per period (one coarse unit).
  static func alignment(_ paths: [AxisField], axis: Int, resampled: Bool, repetition: Rational) -> FieldAlignment {
    let period = paths[0].period
    var centresAgree = true
    var endsAgree = true
    var widestSpread = Rational.zero
    var offsets: [Rational] = []
    for phase in 0..<period {
      let spans = paths.compactMap { $0.spans[phase] }
      guard spans.count == paths.count, let first = spans.first else { continue }
      let centres = spans.map { $0.low + $0.high }  // twice the centre, exact
      if Set(centres).count > 1 { centresAgree = false }
      if Set(spans.map(\.high)).count > 1 { endsAgree = false }
      let spread = (try? Rational(centres.max()! - centres.min()!, 2)) ?? .zero
      widestSpread = max(widestSpread, spread)
      offsets.append((try? Rational(centres.last! - (first.low + first.high), 2)) ?? .zero)
    }
    if centresAgree || endsAgree { return .aligned }
    if resampled, widestSpread < repetition { return .subpixel(axis: axis, offsets: offsets) }
    let detail = paths.map { path in "centre \(path.start)" }.joined(separator: " vs ")
    return .misaligned(axis: axis, detail: detail)
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
