import CNNCalc
import CNNFuzz
import CNNGraph
import CNNSpec
import Testing

/// Receptive fields of resampling layers (transposed convolution, nearest and bilinear upsampling,
/// adaptive pooling) against brute-force dependency sets, unit by unit.
@Suite struct PhaseFieldTests {
  /// One layer of a random 1-D chain, with the rule PyTorch uses to read its input.
  enum Step {
    case window(kernel: Int, stride: Int, dilation: Int, before: Int)
    case transposed(kernel: Int, stride: Int, dilation: Int, before: Int)
    case nearest, bilinear, adaptive
    case shift(before: Int)
  }

  /// The input units (on an unbounded line) that the output units `units` depend on, by enumerating
  /// the framework's definition of each layer. `input` and `output` are the layer's extents.
  static func dependencies(_ units: Set<Int>, _ step: Step, input: Int, output: Int) -> Set<Int> {
    var result = Set<Int>()
    switch step {
    case .window(let k, let s, let d, let before):
      for o in units { for t in 0..<k { result.insert(o * s - before + t * d) } }
    case .transposed(let k, let s, let d, let before):
      // Input i adds into outputs i·s − before + t·d (ConvTranspose1d): enumerate candidates.
      let low = (units.min()! + before - (k - 1) * d) / s - 2
      let high = (units.max()! + before) / s + 2
      for i in low...high {
        for t in 0..<k where units.contains(i * s - before + t * d) { result.insert(i) }
      }
    case .nearest:
      for o in units { result.insert(Int((Double(o) * Double(input) / Double(output)).rounded(.down))) }
    case .bilinear:
      for o in units {
        let x = (Double(o) + 0.5) * Double(input) / Double(output) - 0.5
        let low = Int(x.rounded(.down))
        result.insert(low)
        if x != x.rounded(.down) { result.insert(low + 1) }
      }
    case .adaptive:
      for o in units {
        let start = Int((Double(o * input) / Double(output)).rounded(.down))
        let end = Int((Double((o + 1) * input) / Double(output)).rounded(.up))
        for i in start..<end { result.insert(i) }
      }
    case .shift(let before):
      for o in units { result.insert(o - before) }
    }
    return result
  }

  @Test func randomResamplingChainsMatchBruteForce() throws {
    var generator = SeededGenerator(state: 77)
    func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
    var checked = 0
    for _ in 0..<400 {
      var steps: [Step] = []
      var lines = ["input x 1x\(int(12...40))"]
      for _ in 0..<int(1...4) {
        let k = int(1...4)
        let d = int(1...2)
        switch int(0...6) {
        case 0:
          let before = int(0...(d * (k - 1)) / 2)
          let s = int(1...3)
          steps.append(.window(kernel: k, stride: s, dilation: d, before: before))
          lines.append("conv 1 k\(k) s\(s) d\(d) p=\(before):0")
        case 1:
          let s = int(1...3)
          let before = int(0...(k - 1))
          steps.append(.transposed(kernel: k, stride: s, dilation: d, before: before))
          lines.append("deconv 1 k\(k) s\(s) d\(d) p\(before)")
        case 2:
          steps.append(.nearest)
          lines.append(int(0...1) == 0 ? "upsample scale=\(int(2...3))" : "upsample size=\(int(5...50))")
        case 3:
          steps.append(.bilinear)
          lines.append(
            int(0...1) == 0
              ? "upsample scale=\(int(2...3)) mode=bilinear" : "upsample size=\(int(5...50)) mode=bilinear")
        case 4:
          steps.append(.adaptive)
          lines.append("adaptiveavgpool \(int(2...9))")
        case 5:
          let before = int(0...2)
          steps.append(.shift(before: before))
          lines.append("pad p=\(before):1")
        default:
          let before = int(0...1)
          steps.append(.shift(before: -before))
          lines.append("crop p=\(before):0")
        }
      }
      let spec = lines.joined(separator: "\n") + "\n"
      let compilation = SpecCompiler.compile(SourceFile(path: "t.cnn", text: spec))
      guard let network = compilation.network else { continue }
      let analysis = Analyzer.analyze(network, suggestFits: false)
      guard analysis.isComplete else { continue }
      let extents = [analysis.inputs[0].shape[1]] + analysis.layers.map { $0.output.shape[1] }
      guard case .regular(let field) = analysis.layers.last!.output.receptiveField else {
        if case .whole = analysis.layers.last!.output.receptiveField { continue }
        Issue.record("no pattern: \(analysis.layers.last!.output.receptiveField)\n\(spec)")
        continue
      }
      for unit in 0..<min(extents.last!, 24) {
        var units: Set<Int> = [unit]
        for (index, step) in steps.enumerated().reversed() {
          units = units.isEmpty ? [] : Self.dependencies(units, step, input: extents[index], output: extents[index + 1])
        }
        let expected = units.isEmpty ? nil : PixelSpan(low: units.min()!, high: units.max()!)
        #expect(try field.axes[0].span(of: unit) == expected, "unit \(unit)\n\(spec)")
        checked += 1
      }
    }
    #expect(checked > 2000)
  }
}
