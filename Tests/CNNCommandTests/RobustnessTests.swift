import CNNCalc
import CNNReport
import CNNSpec
import CNNTestSupport
import CNNZoo
import Foundation
import Testing

/// Bad input never crashes: thousands of random mutations of zoo specs go through compilation,
/// analysis and every renderer. A crash here kills the test process, so the suite fails loudly.
@Suite struct RobustnessTests {

  static let fragments = [
    "(", ")", "|", "*", "=", ":", "x", "0", "-1", "99999999999999999999", "9223372036854775807", "k0", "s0",
    "p=same", "ceil", "from", "in", "end", "block", "expect", "concat", "add in", "\n", "#", "1:2", "3x3x3",
    "upsample size=1", "deconv 4 k3 s2 op=1", "reshape 7", "flatten", "fc 10", "globalavgpool", "\u{FF}", "±",
    "adaptiveavgpool 1000000000", "mul in", "crop p9", "pad p=1:0", "dwconv k3", "shuffle 7", "* 0", "rf 3",
  ]

  static func mutate(_ text: String, using generator: inout SeededGenerator) -> String {
    var bytes = Array(text.utf8)
    for _ in 0..<Int.random(in: 1...4, using: &generator) {
      guard !bytes.isEmpty else { break }
      let position = Int.random(in: 0..<bytes.count, using: &generator)
      switch Int.random(in: 0..<5, using: &generator) {
      case 0: bytes.remove(at: position)
      case 1: bytes.insert(contentsOf: Array(fragments.randomElement(using: &generator)!.utf8), at: position)
      case 2: bytes[position] = UInt8.random(in: 0...255, using: &generator)
      case 3:
        let end = min(bytes.count, position + Int.random(in: 1...40, using: &generator))
        bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
      default:
        let digits = Array(
          String(Int.random(in: 0...Int.max, using: &generator) >> Int.random(in: 0...62, using: &generator)).utf8)
        bytes.insert(contentsOf: digits, at: position)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func mutatedSpecsNeverCrash() {
    var generator = SeededGenerator(state: 7)
    let seeds = ["lenet5", "alexnet-224", "googlenet", "resnet18", "zfnet"].compactMap { Zoo.text(named: $0) }
    var analysed = 0
    // CNNCALC_FUZZ_ITERATIONS=100000 swift test --filter Robustness runs a long campaign.
    let iterations = ProcessInfo.processInfo.environment["CNNCALC_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 1500
    for iteration in 0..<iterations {
      let text = Self.mutate(seeds[iteration % seeds.count], using: &generator)
      let source = SourceFile(path: "mutant.cnn", text: text)
      let compilation = SpecCompiler.compile(source, limits: ExpansionLimits(maximumLayers: 20_000))
      var diagnostics = compilation.diagnostics
      if let network = compilation.network {
        let analysis = Analyzer.analyze(network, suggestFits: iteration % 10 == 0)
        diagnostics += analysis.diagnostics
        _ = SummaryReport.table(analysis)
        _ = SummaryReport.csv(analysis)
        _ = JSONReport.report(analysis, diagnostics: diagnostics, source: source).serialized()
        analysed += 1
      }
      for diagnostic in diagnostics {
        _ = DiagnosticRenderer.text(diagnostic, source: source)
        _ = DiagnosticRenderer.github(diagnostic, source: source)
        #expect(!diagnostic.message.isEmpty)
      }
    }
    #expect(analysed > 50, "mutations should leave some specs valid")
  }
}
