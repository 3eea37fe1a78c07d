import CNNCalc
import CNNGraph
import CNNReference
import CNNSpec
import CNNVerify
import CNNZoo
import Foundation
import Testing

/// Every zoo network through the reference engine at a reduced input size (the smallest of a few
/// sizes at which the network is valid): shapes, receptive fields and peak memory agree.
/// `.ci/run` verifies them at full size with a release build.
@Suite struct ZooVerificationTests {
  @Test(arguments: Zoo.names)
  func reducedZooSpecVerifies(name: String) throws {
    try verifyAtReducedSize(name: name, text: try #require(Zoo.text(named: name)))
  }

  /// The specs of docs/examples (WaveNet, U-Net, FPN, C3D, …): their shapes go where the zoo's do
  /// not (WaveNet's causal padding of 512 zeros, longer than a 32-position panel).
  static let examplesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/examples")
  static let examples =
    ((try? FileManager.default.contentsOfDirectory(atPath: examplesFolder.path)) ?? []).filter {
      $0.hasSuffix(".cnn")
    }.sorted()

  /// Each example at its own size when that is small (up to 400 M multiply-adds: WaveNet, whose
  /// causal padding is longer than a panel only there), otherwise at a reduced size.
  @Test(arguments: examples)
  func exampleVerifies(file: String) throws {
    let text = try String(contentsOf: Self.examplesFolder.appendingPathComponent(file), encoding: .utf8)
    let compilation = SpecCompiler.compile(SourceFile(path: file, text: text), shapes: CalculatedShapes())
    if let network = compilation.network, case let analysis = Analyzer.analyze(network, suggestFits: false),
      analysis.isComplete, analysis.totals.macs <= 400_000_000
    {
      try expectAgreement(analysis, label: file)
      return
    }
    try verifyAtReducedSize(name: file, text: text)
  }

  @Test func examplesAreFound() {
    #expect(Self.examples.count >= 6, "docs/examples: \(Self.examples)")
  }

  /// `text` verified at the smallest of a few input sizes at which it is valid.
  func verifyAtReducedSize(name: String, text: String) throws {
    var verified = false
    // U-Net needs 188 at least; Inception-v3 with its auxiliary head, 299.
    for size in [32, 48, 64, 67, 96, 112, 128, 188, 224, 299] {
      let compilation = SpecCompiler.compile(
        SourceFile(path: name, text: text), inputShapes: ["": reducedShape(text, size)], shapes: CalculatedShapes())
      guard var network = compilation.network else { continue }
      network.expectations = []
      let analysis = Analyzer.analyze(network, suggestFits: false)
      guard analysis.isComplete, !analysis.diagnostics.contains(where: { $0.severity == .error }) else { continue }
      try expectAgreement(analysis, label: "\(name) at \(size)")
      verified = true
      break
    }
    #expect(verified, "\(name) is valid at none of the reduced sizes")
  }

  /// `analysis` run through the engine: every layer's shape and field as calculated, the peak
  /// memory as calculated, and at least 95 % of the finite fields compared.
  func expectAgreement(_ analysis: Analysis, label: String) throws {
    let verification = try Verifier.verify(analysis, options: EngineOptions(threads: 2))
    for check in verification.layers where !check.passed {
      Issue.record(
        "\(label): \(check.name) calculated \(check.calculatedShape) measured \(check.measuredShape) \(check.field)")
    }
    #expect(verification.calculatedPeak == verification.measuredPeak, "\(label)")
    let finite = zip(verification.layers, analysis.layers).filter {
      if case .regular = $1.output.receptiveField { true } else { false }
    }
    let compared = finite.filter { $0.0.field.wasCompared }.count
    let missed = finite.filter { !$0.0.field.wasCompared }.map { "\($0.0.name) \($0.0.field)" }
    #expect(
      compared * 100 >= finite.count * 95,
      "\(label): \(compared) of \(finite.count) finite fields compared: \(missed.prefix(5))")
  }

  /// The first input's channels at `size` on every spatial axis.
  func reducedShape(_ text: String, _ size: Int) -> [Int] {
    let compilation = SpecCompiler.compile(SourceFile(path: "spec", text: text), shapes: CalculatedShapes())
    guard let input = compilation.network?.inputs.first else { return [] }
    return [input.shape[0]] + Array(repeating: size, count: input.shape.count - 1)
  }
}
