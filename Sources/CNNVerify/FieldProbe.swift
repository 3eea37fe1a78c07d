import CNNCalc
import CNNGraph
import CNNReference

/// Checks every calculated receptive field against the engine's dependency probe.
///
/// The probe measures real dependency sets, so a unit whose field reaches into padding is clipped
/// and proves nothing. Units are chosen whose calculated fields lie inside what the input provides;
/// where no unit at the declared input qualifies (deep layers whose fields outgrow the image), the
/// network is probed again at a larger input, for every layer whose calculated field is the same at
/// both sizes (fields of floor- and ceil-mode windows do not depend on the input size; those of
/// `upsample size=` or adaptive pooling do). The probe works on intervals per axis, so a large input
/// costs little. See docs/verify.md.
public enum FieldProbe {
  /// One check per layer of `analysis` (which must be complete).
  public static func check(_ analysis: Analysis) -> [FieldCheck] {
    guard let probes = try? DependencyProbe.measure(analysis.network) else {
      return analysis.layers.map { _ in .notCompared(.unknown) }
    }
    var checks = zip(analysis.layers, probes).map { FieldComparison.compare($0.output.receptiveField, $1) }
    let clipped = checks.indices.filter { checks[$0] == .notCompared(.clipped) }
    guard !clipped.isEmpty, let (larger, extents) = enlarged(analysis) else { return checks }
    let second = Analyzer.analyze(larger, options: analysis.options, suggestFits: false)
    guard let secondProbes = try? DependencyProbe.measure(larger) else { return checks }
    var secondFacts = [Int: LayerFacts]()
    for facts in second.layers { secondFacts[facts.index] = facts }
    for index in clipped {
      let facts = analysis.layers[index]
      guard let other = secondFacts[facts.index], other.output.receptiveField == facts.output.receptiveField,
        facts.index < secondProbes.count
      else { continue }
      checks[index] = FieldComparison.compare(
        facts.output.receptiveField, secondProbes[facts.index], probeInput: extents)
    }
    return checks
  }

  /// The network with every input's spatial extents grown by a multiple of the largest shift of any
  /// field (so strided layers keep dividing as they did), enough for the largest field to fit
  /// twice; nil when that would exceed 2^15 per axis. Returns the network and the first input's
  /// new shape.
  static func enlarged(_ analysis: Analysis) -> (Network, [Int])? {
    guard let first = analysis.network.inputs.first, first.shape.count > 1 else { return nil }
    let rank = first.shape.count - 1
    var growth: [Int] = []
    for axis in 0..<rank {
      var step = 1
      var largest = 1
      for facts in analysis.layers {
        guard case .regular(let field) = facts.output.receptiveField, field.axes.count == rank else { continue }
        let shift = field.axes[axis].shift
        step = step / Int.greatestCommonDivisor(step, shift) * shift
        largest = max(largest, field.axes[axis].size)
        if step > 1 << 12 || largest > 1 << 13 { return nil }
      }
      growth.append(((2 * largest) / step + 1) * step)
    }
    var network = analysis.network
    for index in network.inputs.indices where network.inputs[index].shape.count == rank + 1 {
      for axis in 0..<rank { network.inputs[index].shape[axis + 1] += growth[axis] }
      guard network.inputs[index].shape.dropFirst().allSatisfy({ $0 <= 1 << 15 }) else { return nil }
    }
    return (network, network.inputs[0].shape)
  }
}
