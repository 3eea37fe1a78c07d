import CNNCalc
import CNNGraph
import CNNReference
import CNNSpec
import CNNVerify
import CNNZoo
import Testing

/// Every zoo network through the reference engine at a reduced input size (the smallest of a few
/// sizes at which the network is valid): shapes, receptive fields and peak memory agree.
/// `.ci/run` verifies them at full size with a release build.
@Suite struct ZooVerificationTests {
  @Test(arguments: Zoo.names)
  func reducedZooSpecVerifies(name: String) throws {
    let text = try #require(Zoo.text(named: name))
    var verified = false
    // U-Net needs 188 at least; Inception-v3 with its auxiliary head, 299.
    for size in [32, 48, 64, 67, 96, 112, 128, 188, 224, 299] {
      let compilation = SpecCompiler.compile(
        SourceFile(path: name, text: text), inputShapes: ["": reducedShape(text, size)], shapes: CalculatedShapes())
      guard var network = compilation.network else { continue }
      network.expectations = []
      let analysis = Analyzer.analyze(network, suggestFits: false)
      guard analysis.isComplete, !analysis.diagnostics.contains(where: { $0.severity == .error }) else { continue }
      let verification = try Verifier.verify(analysis, options: EngineOptions(threads: 2))
      for check in verification.layers where !check.passed {
        Issue.record(
          "\(name) at \(size): \(check.name) calculated \(check.calculatedShape) measured \(check.measuredShape) \(check.field)"
        )
      }
      #expect(verification.calculatedPeak == verification.measuredPeak, "\(name) at \(size)")
      let finite = zip(verification.layers, analysis.layers).filter {
        if case .regular = $1.output.receptiveField { true } else { false }
      }
      let compared = finite.filter { $0.0.field.wasCompared }.count
      let missed = finite.filter { !$0.0.field.wasCompared }.map { "\($0.0.name) \($0.0.field)" }
      #expect(
        compared * 100 >= finite.count * 95,
        "\(name) at \(size): \(compared) of \(finite.count) finite fields compared: \(missed.prefix(5))")
      verified = true
      break
    }
    #expect(verified, "\(name) is valid at none of the reduced sizes")
  }

  /// The first input's channels at `size` on every spatial axis.
  func reducedShape(_ text: String, _ size: Int) -> [Int] {
    let compilation = SpecCompiler.compile(SourceFile(path: "spec", text: text), shapes: CalculatedShapes())
    guard let input = compilation.network?.inputs.first else { return [] }
    return [input.shape[0]] + Array(repeating: size, count: input.shape.count - 1)
  }
}
