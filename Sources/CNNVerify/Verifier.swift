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
  public static func verify(_ analysis: Analysis, options: EngineOptions, progress: ((Int, Int) -> Void)? = nil)
    throws(EngineError) -> Verification
  {
    let engine = Engine(network: analysis.network, options: options)
    let run = try engine.run(progress: progress)
    let fields = FieldProbe.check(analysis)
    var checks: [LayerCheck] = []
    for (index, facts) in analysis.layers.enumerated() {
      let measured = run.layers[index]
      let bytes = measured.shape.reduce(1, *) * 4
      checks.append(
        LayerCheck(
          name: facts.name, calculatedShape: [options.batch] + facts.output.shape, measuredShape: measured.shape,
          field: fields[index],
          calculatedBytes: facts.activationBytes, measuredBytes: bytes, seconds: measured.seconds, macs: facts.macs))
    }
    return Verification(
      layers: checks, calculatedPeak: analysis.totals.peakActivationBytes, measuredPeak: run.peakLiveBytes,
      checksum: run.checksum, seconds: run.seconds)
  }

}
