import CNNCalc
import CNNFuzz
import CNNReference
import CNNSpec
import CNNVerify
import Foundation
import Testing

/// The calculator against the reference engine on many random networks: shapes, receptive fields
/// and peak memory must agree exactly. A failure prints the seed and the spec so it can be replayed
/// with `cnncalc verify`.
@Suite struct DifferentialTests {

  /// A random network over the whole catalogue: branches, merges, odd sizes, ceil mode, dilation,
  /// groups, transposed convolution, resampling, padding; 1-D, 2-D or 3-D.
  static func randomSpec(seed: UInt64) -> String {
    var g = SeededGenerator(state: seed)
    func pick<T>(_ values: [T]) -> T { values.randomElement(using: &g)! }
    func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &g) }
    let rank = pick([1, 2, 2, 2, 3])
    let extent = rank == 3 ? int(4...9) : int(6...26)
    var lines = ["input x \(int(1...4))x" + Array(repeating: String(extent), count: rank).joined(separator: "x")]
    let count = int(2...9)
    for index in 0..<count {
      let name = "l\(index)"
      let k = int(1...4)
      let span = k
      let p = "p=\(int(0...span / 2)):\(int(0...span / 2))"
      switch int(0...24) {
      case 0, 1:
        lines.append("\(name): conv \(int(1...6)) k\(k) s\(int(1...3)) \(p) d\(int(1...2))\(pick(["", " bias=off"]))")
      case 2: lines.append("\(name): conv 4 k\(k) g\(pick([1, 2])) p=same")
      case 3: lines.append("\(name): dwconv k\(k) s\(int(1...2)) \(p)\(pick(["", " mult=2"]))")
      case 4: lines.append("\(name): deconv \(int(1...4)) k\(k) s\(int(1...2)) p\(int(0...(k - 1) / 2))")
      case 5, 6:
        lines.append(
          "\(name): \(pick(["maxpool", "avgpool"])) k\(max(k, 2)) s\(int(1...3)) p\(int(0...max(k, 2) / 2))\(pick(["", " ceil"]))"
        )
      case 7: lines.append("\(name): adaptiveavgpool \(int(1...4))")
      case 8:
        lines.append(
          "\(name): bn | \(pick(["relu", "relu6", "leakyrelu 0.1", "prelu", "sigmoid", "tanh", "gelu", "silu", "hardswish", "elu"]))"
        )
      case 9: lines.append("\(name): lrn 3 | softmax")
      case 10:
        lines.append("\(name)a = conv 3 k1")
        lines.append("\(name)b = \(pick(["conv 2 k3 p1", "maxpool k3 s1 p1 | conv 2 k1", "conv 2 k3 d2 p2"]))")
        lines.append("\(name): concat \(name)a \(name)b")
      case 11:
        lines.append("\(name)a = conv 4 k3 p1")
        lines.append("\(name)b = \(pick(["conv 4 k1", "avgpool k3 s1 p1 ceil | conv 4 k1", "conv 4 k5 p2"]))")
        lines.append("\(name): add \(name)a \(name)b | relu")
      case 12:
        lines.append("\(name)a = conv 4 k3 p1")
        lines.append("\(name)s = from \(name)a | globalavgpool | conv 4 k1 | sigmoid")
        lines.append("\(name): mul \(name)a \(name)s")
      case 13: lines.append("\(name): upsample scale=2\(pick(["", " mode=bilinear"]))")
      case 14:
        lines.append(
          "\(name): upsample size=\(Array(repeating: String(int(3...12)), count: rank).joined(separator: "x"))\(pick(["", " mode=bilinear"]))"
        )
      case 15: lines.append("\(name): pad \(p)")
      case 16: lines.append("\(name): crop p=\(int(0...1)):\(int(0...1))")
      case 17: lines.append("\(name): conv 4 k1 | shuffle 2")
      case 18: lines.append("\(name): identity | dropout 0.2")
      case 19: lines.append("\(name): conv \(int(2...6)) k\(k) s\(int(1...2)) \(p) g\(pick([1, 2]))")
      case 20: lines.append("\(name): relu")
      case 21:
        // Squeeze-and-excitation with each spelling of "global": its mul covers the whole input.
        lines.append("\(name)a = conv 4 k3 p1")
        lines.append(
          "\(name)s = from \(name)a | \(pick(["adaptiveavgpool 1", "adaptivemaxpool 1", "globalmaxpool"])) "
            + "| conv 2 k1 | relu | conv 4 k1 | sigmoid")
        lines.append("\(name): mul \(name)a \(name)s")
      case 22:
        // A causal dilated residual: padding only before, so both paths end at the same pixel.
        let d = int(1...3)
        lines.append("\(name)a = conv 4 k1")
        lines.append("\(name)b = conv 4 k2 d\(d) p=\(d):0")
        lines.append("\(name): add \(name)a \(name)b")
      case 23:
        // A transposed-convolution decoder step concatenated with a skip path.
        lines.append("\(name)d = maxpool k2 s2 | conv 3 k3 p1 | deconv 2 k2 s2")
        lines.append("\(name)c = conv 2 k1 | \(pick(["identity", "upsample scale=2 | maxpool k2 s2"]))")
        lines.append("\(name): concat \(name)c \(name)d")
      default: lines.append("\(name): maxpool k2 s2 ceil")
      }
    }
    switch int(0...3) {
    case 0: lines.append("head: globalavgpool | flatten | fc \(int(1...5)) | softmax")
    case 1: lines.append("head: flatten | fc \(int(1...4)) | relu | fc 2")
    default: break
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Runs `count` valid random networks; returns how many receptive fields were compared.
  static func runCampaign(count: Int, firstSeed: UInt64) throws -> Int {
    var valid = 0
    var seed = firstSeed
    var comparedFields = 0
    while valid < count {
      seed += 1
      let spec = randomSpec(seed: seed)
      let compilation = SpecCompiler.compile(SourceFile(path: "random-\(seed).cnn", text: spec))
      guard let network = compilation.network else { continue }
      let analysis = Analyzer.analyze(network, suggestFits: false)
      guard analysis.isComplete, !analysis.diagnostics.contains(where: { $0.severity == .error }),
        analysis.totals.peakActivationBytes < 8 << 20
      else { continue }
      valid += 1
      let verification: Verification
      do {
        verification = try Verifier.verify(analysis, options: EngineOptions(threads: 2, seed: seed))
      } catch {
        Issue.record("seed \(seed): the engine refused a network the calculator accepts: \(error.message)\n\(spec)")
        continue
      }
      for check in verification.layers where !check.passed {
        Issue.record(
          "seed \(seed): \(check.name): calculated \(check.calculatedShape) measured \(check.measuredShape), field \(check.field)\n\(spec)"
        )
      }
      if verification.calculatedPeak != verification.measuredPeak {
        Issue.record(
          "seed \(seed): peak calculated \(verification.calculatedPeak) measured \(verification.measuredPeak)\n\(spec)")
      }
      comparedFields += verification.layers.filter { $0.field.wasCompared }.count
    }
    return comparedFields
  }

  /// 1,000 networks in every `swift test`; CNNCALC_DIFFERENTIAL_NETWORKS=100000 runs a long campaign.
  @Test func calculatorAgreesWithEngine() throws {
    let count = ProcessInfo.processInfo.environment["CNNCALC_DIFFERENTIAL_NETWORKS"].flatMap { Int($0) } ?? 1000
    let compared = try Self.runCampaign(count: count, firstSeed: 0)
    #expect(compared > count, "most networks should have comparable receptive fields")
  }

  /// `--threads 1` and `--threads 2` give bit-identical outputs.
  @Test func threadCountDoesNotChangeResults() throws {
    let spec = """
      input x 3x40x40
      a: conv 48 k3 p1 | relu
      b: conv 64 k3 s2 p1 | relu
      c: conv 64 k1
      head: globalavgpool | flatten | fc 10
      """
    let network = try #require(SpecCompiler.compile(SourceFile(path: "t.cnn", text: spec)).network)
    let one = try Engine(network: network, options: EngineOptions(threads: 1)).run()
    let two = try Engine(network: network, options: EngineOptions(threads: 2)).run()
    let three = try Engine(network: network, options: EngineOptions(threads: 3)).run()
    #expect(one.checksum == two.checksum)
    #expect(one.checksum == three.checksum)
    #expect(one.outputs[0].data == two.outputs[0].data)
  }
}
