import CNNCalc
import CNNGraph
import CNNReference

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
  /// Runs and compares. With `timed`, two more passes follow on the same weights and the third's
  /// times are the ones reported: the first pass's include drawing the weights and the first touch
  /// of every page (about 200 ms for VGG16's fc6 against 17 ms of arithmetic), and the second's
  /// first layers still touch fresh pages (VGG16-BN's first convolution: 19 ms, then 3 ms).
  public static func verify(
    _ analysis: Analysis, options: EngineOptions, timed: Bool = false, progress: ((Int, Int) -> Void)? = nil
  ) throws(EngineError) -> Verification {
    let engine = Engine(network: analysis.network, options: options)
    let parameters = ParameterStore()
    let run = try engine.run(parameters: parameters, progress: progress)
    var timing = run
    if timed {
      // The second pass still page-faults on the first layers (the weights drawn in the first
      // moved the heap's layout); the third is settled, as bench's timed runs are.
      _ = try engine.run(parameters: parameters)
      timing = try engine.run(parameters: parameters)
    }
    let fields = FieldProbe.check(analysis)
    var checks: [LayerCheck] = []
    for (index, facts) in analysis.layers.enumerated() {
      let measured = run.layers[index]
      let seconds = timing.layers[index].seconds
      let bytes = measured.shape.reduce(1, *) * 4
      checks.append(
        LayerCheck(
          name: facts.name, calculatedShape: [options.batch] + facts.output.shape, measuredShape: measured.shape,
          field: fields[index],
          calculatedBytes: facts.activationBytes, measuredBytes: bytes, seconds: seconds, macs: facts.macs))
    }
    return Verification(
      layers: checks, calculatedPeak: analysis.totals.peakActivationBytes, measuredPeak: run.peakLiveBytes,
      checksum: run.checksum, seconds: timing.seconds)
  }

}
