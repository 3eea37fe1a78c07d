import CNNCalc
import CNNReference
import CNNSpec

/// How a layer's measured receptive field compares with the calculated one.
public enum FieldCheck: Sendable, Equatable {
  /// Size, jump and centre agree.
  case match
  /// They disagree; the text names both values.
  case mismatch(String)
  /// The probed unit's field reaches the input border, where padding clips it: not comparable.
  case clipped
  /// Nothing to compare (irregular fields, fractional jumps, units with no input).
  case notComparable(String)

  /// Whether this counts as a failure.
  public var failed: Bool {
    if case .mismatch = self { return true }
    return false
  }
}

/// The comparison for one layer.
public struct LayerCheck: Sendable {
  public var name: String
  public var calculatedShape: [Int]
  public var measuredShape: [Int]
  public var field: FieldCheck
  public var calculatedBytes: Int
  public var measuredBytes: Int
  public var seconds: Double
  public var macs: Int

  /// Whether shape and bytes agree and the field does not mismatch.
  public var passed: Bool { calculatedShape == measuredShape && calculatedBytes == measuredBytes && !field.failed }
}

/// The comparison of a whole network.
public struct Verification: Sendable {
  public var layers: [LayerCheck]
  public var calculatedPeak: Int
  public var measuredPeak: Int
  public var checksum: UInt64
  public var seconds: Double

  /// Whether every layer and the peak agree.
  public var passed: Bool { layers.allSatisfy(\.passed) && calculatedPeak == measuredPeak }
}

/// Runs the reference engine and compares what it measures with the calculator's analysis. The two
/// share only the parsed network: the engine computes extents by walking windows and its memory
/// from the buffers it really holds.
public enum Verifier {
  public static func verify(_ analysis: Analysis, options: EngineOptions, progress: ((Int, Int) -> Void)? = nil)
    throws(EngineError) -> Verification
  {
    let engine = Engine(network: analysis.network, options: options)
    let run = try engine.run(progress: progress)
    let probes = try DependencyProbe.measure(analysis.network)
    let inputExtents = analysis.network.inputs.first.map { Array($0.shape.dropFirst()) } ?? []
    let truncated = analysis.diagnostics.contains { $0.code == .truncation }
    let resampled = resampledLayers(analysis.network)
    var checks: [LayerCheck] = []
    for (index, facts) in analysis.layers.enumerated() {
      let measured = run.layers[index]
      let bytes = measured.shape.reduce(1, *) * 4
      checks.append(
        LayerCheck(
          name: facts.name, calculatedShape: [options.batch] + facts.output.shape, measuredShape: measured.shape,
          field: resampled[index]
            ? .notComparable("resampled upstream: the field is a sampling geometry, not a dependency set")
            : compare(facts.output.receptiveField, probes[index], input: inputExtents, truncated: truncated),
          calculatedBytes: facts.activationBytes, measuredBytes: bytes, seconds: measured.seconds, macs: facts.macs))
    }
    return Verification(
      layers: checks, calculatedPeak: analysis.totals.peakActivationBytes, measuredPeak: run.peakLiveBytes,
      checksum: run.checksum, seconds: run.seconds)
  }

  /// Compares a calculated field with the probe's measurement of the middle unit and its
  /// neighbour. Where the calculated fields of those units reach outside the input, padding clips
  /// the measurement, which is then not comparable; so is a field that lost pixels to an upstream
  /// truncation (the calculator's warning already says which).
  public static func compare(_ calculated: ReceptiveField, _ measured: ProbeResult, input: [Int], truncated: Bool)
    -> FieldCheck
  {
    switch (calculated, measured) {
    case (.irregular, _):
      return .notComparable("irregular field")
    case (_, .none):
      return .notComparable("the unit depends on no input")
    case (.whole, .flat(let covers)), (.whole, .spatial(_, let covers)):
      return covers ? .match : .mismatch("calculated: depends on all its inputs; measured: on part of them")
    case (.regular, .flat):
      return .notComparable("flat output")
    case (.regular(let field), .spatial(let probe, _)):
      guard field.size.count == probe.size.count, field.size.count == input.count else {
        return .notComparable("rank differs")
      }
      var expectedCentre: [Rational] = []
      for axis in field.size.indices {
        guard field.size[axis].isInteger, field.jump[axis].isInteger, field.start[axis].denominator <= 2 else {
          return .notComparable("fractional jump or size")
        }
        guard let centre = try? field.start[axis] + (try Rational(probe.unit[axis]) * field.jump[axis]),
          let half = try? (field.size[axis] - .one) / Rational(2),
          let low = try? centre - half, let high = try? centre + half + field.jump[axis]
        else { return .notComparable("overflow") }
        // Units u and u + 1 must both see only input that reaches this layer (no padding, nothing
        // cropped away upstream) for the comparison to mean anything.
        let region = axis < probe.available.count ? probe.available[axis] : 0...(input[axis] - 1)
        if low < Rational(region.lowerBound) || high > Rational(region.upperBound) { return .clipped }
        expectedCentre.append(centre)
      }
      let sizes = probe.size.map(Rational.init)
      var problems: [String] = []
      if sizes != field.size {
        problems.append(
          "size \(ExtentText.of(field.size, collapsing: false)) vs measured \(ExtentText.of(sizes, collapsing: false))")
      }
      if probe.centre != expectedCentre {
        problems.append(
          "centre of unit \(probe.unit) \(ExtentText.of(expectedCentre, collapsing: false)) vs measured \(ExtentText.of(probe.centre, collapsing: false))"
        )
      }
      for axis in field.jump.indices {
        if let jump = probe.jump[axis], jump != field.jump[axis] {
          problems.append("jump \(field.jump[axis]) vs measured \(jump) on axis \(axis + 1)")
        }
      }
      if problems.isEmpty { return .match }
      if truncated, zip(sizes, field.size).allSatisfy({ $0 <= $1 }) {
        return .notComparable("input pixels dropped by truncation")
      }
      return .mismatch(problems.joined(separator: "; "))
    }
  }

  /// Layers at or after an upsampling or a strided transposed convolution. Their calculated fields
  /// place units at fractional input positions (jump j/s); the dependency sets of individual units
  /// are quantised to whole pixels, so the two are not comparable unit by unit.
  static func resampledLayers(_ network: Network) -> [Bool] {
    var result: [Bool] = []
    for layer in network.layers {
      var resamples = false
      switch layer.op {
      case .upsample: resamples = true
      case .transposedConvolution(let conv): resamples = conv.window.stride.values.contains { $0 > 1 }
      default: break
      }
      let upstream = layer.inputs.contains { if case .layer(let index) = $0 { result[index] } else { false } }
      result.append(resamples || upstream)
    }
    return result
  }

}
