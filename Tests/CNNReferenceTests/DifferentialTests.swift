import CNNCalc
import CNNFuzz
import CNNGraph
import CNNSpec
import CNNVerify
import Foundation
import Testing

@testable import CNNReference

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
      let kinds = OperatorKind.allCases
      let choice = int(0...(kinds.count + 10))
      if choice < kinds.count {
        let layer = line(kinds[choice], k: k, p: p, rank: rank, int: int, pick: pick)
        lines.append("\(name): \(layer)")
        continue
      }
      switch choice - kinds.count {
      case 0, 1:
        lines.append("\(name): conv \(int(1...6)) k\(k) s\(int(1...3)) \(p) d\(int(1...2))\(pick(["", " bias=off"]))")
      case 2:
        lines.append("\(name)a = conv 3 k1")
        lines.append("\(name)b = \(pick(["conv 2 k3 p1", "maxpool k3 s1 p1 | conv 2 k1", "conv 2 k3 d2 p2"]))")
        lines.append("\(name): concat \(name)a \(name)b")
      case 3:
        lines.append("\(name)a = conv 4 k3 p1")
        lines.append("\(name)b = \(pick(["conv 4 k1", "avgpool k3 s1 p1 ceil | conv 4 k1", "conv 4 k5 p2"]))")
        lines.append("\(name): add \(name)a \(name)b | relu")
      case 4:
        // Squeeze-and-excitation with each spelling of "global": its mul covers the whole input.
        lines.append("\(name)a = conv 4 k3 p1")
        lines.append(
          "\(name)s = from \(name)a | \(pick(["globalavgpool", "adaptiveavgpool 1", "adaptivemaxpool 1", "globalmaxpool"])) "
            + "| conv 2 k1 | relu | conv 4 k1 | sigmoid")
        lines.append("\(name): mul \(name)a \(name)s")
      case 5:
        // A causal dilated residual: padding only before, so both paths end at the same pixel.
        let d = int(1...3)
        lines.append("\(name)a = conv 4 k1")
        lines.append("\(name)b = conv 4 k2 d\(d) p=\(d):0")
        lines.append("\(name): add \(name)a \(name)b")
      case 6:
        // A transposed-convolution decoder step concatenated with a skip path.
        lines.append("\(name)d = maxpool k2 s2 | conv 3 k3 p1 | deconv 2 k2 s2")
        lines.append("\(name)c = conv 2 k1 | \(pick(["identity", "upsample scale=2 | maxpool k2 s2"]))")
        lines.append("\(name): concat \(name)c \(name)d")
      case 7:
        // ShuffleNetV2's unit: a channel split, one half transformed, concatenated and shuffled.
        lines.append("\(name)x = conv 4 k1")
        lines.append("\(name)a = slice 0 2")
        lines.append("\(name)b = from \(name)x | slice 2 4 | conv 2 k1 | dwconv k3 p1 | conv 2 k1")
        lines.append("\(name): concat \(name)a \(name)b | shuffle 2")
      case 8:
        // A ConvNeXt block: depthwise 7x7, layer norm over channels, MLP, layer scale, residual.
        lines.append("\(name)x = conv 4 k1")
        lines.append(
          "\(name)r = dwconv k\(k) p=same | layernorm | pwconv 8 | gelu | pwconv 4 | layerscale | droppath 0.1")
        lines.append("\(name): add \(name)x \(name)r")
      case 9:
        // Wide 3 × 3 layers, which bench runs as Winograd F(2 × 2, 3 × 3) (at least 128 input and
        // output channels), with a batch norm and ReLU fused after the second.
        lines.append("\(name): conv 128 k3 p\(int(0...2)) | conv \(int(128...130)) k3 p1 | bn | relu | conv 4 k1")
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

  /// One layer of `kind` for an input of unknown channels and `rank` spatial axes (a channel
  /// count is set first where the layer needs one). The switch has no default: a new keyword
  /// fails to compile here until the differential test generates it.
  static func line(
    _ kind: OperatorKind, k: Int, p: String, rank: Int, int: (ClosedRange<Int>) -> Int, pick: ([String]) -> String
  ) -> String {
    switch kind {
    case .conv: "conv \(int(2...6)) k\(k) s\(int(1...2)) \(p) g\(pick(["1", "2"])) | relu"
    case .dwconv: "dwconv k\(k) s\(int(1...2)) \(p)\(pick(["", " mult=2"]))"
    case .pwconv: "pwconv \(int(1...6)) s\(int(1...2))"
    case .deconv: "deconv \(int(1...4)) k\(k) s\(int(1...2)) p\(int(0...(k - 1) / 2))"
    case .maxpool, .avgpool:
      "\(kind.rawValue) k\(max(k, 2)) s\(int(1...3)) p\(int(0...max(k, 2) / 2))\(pick(["", " ceil"]))"
        + (kind == .avgpool ? pick(["", " countpad=off"]) : "")
    case .globalavgpool, .globalmaxpool:
      "conv 4 k3 p1 | \(kind.rawValue) | upsample size=\(Array(repeating: "5", count: rank).joined(separator: "x"))"
    case .adaptiveavgpool, .adaptivemaxpool: "\(kind.rawValue) \(int(1...4))"
    case .fc: "conv 2 k1 | fc 8 | relu | reshape 2x\(Array(repeating: "2", count: rank).joined(separator: "x"))"
    case .flatten: "conv 2 k1 | flatten | softmax | fc 4"
    case .reshape: "conv 4 k1 | globalavgpool | reshape 4"
    case .bn: "bn\(pick(["", " affine=off", " eps=1e-3"]))"
    case .layernorm: "layernorm\(pick(["", " over=all", " affine=off"]))"
    case .groupnorm: "conv 4 k1 | groupnorm \(pick(["1", "2", "4"]))"
    case .instancenorm: "instancenorm\(pick(["", " affine=on"]))"
    case .lrn: "lrn 3 | softmax"
    case .dropout: "dropout 0.2"
    case .droppath: "droppath 0.2"
    case .layerscale: "layerscale"
    case .relu, .relu6, .sigmoid, .tanh, .gelu, .silu, .hardswish, .hardsigmoid, .softmax, .elu, .mish, .selu,
      .softplus, .prelu, .identity:
      "bn | \(kind.rawValue)"
    case .leakyrelu: "leakyrelu \(pick(["0.1", "-0.5", "1e-2"]))"
    case .concat, .add, .mul: "identity"  // merges: generated as structures
    case .slice: "conv 5 k1 | slice \(int(0...2)) \(int(3...5))"
    case .shuffle: "conv 4 k1 | shuffle 2"
    case .pixelshuffle: rank == 2 ? "conv 8 k1 | pixelshuffle 2" : "relu"
    case .pixelunshuffle: rank == 2 ? "upsample scale=2 | pixelunshuffle 2" : "relu"
    case .upsample:
      pick([
        "upsample scale=2\(pick(["", " mode=bilinear"]))",
        "upsample size=\(Array(repeating: String(int(3...12)), count: rank).joined(separator: "x"))\(pick(["", " bilinear"]))",
      ])
    case .pad: "pad \(p)"
    case .crop: "crop p=\(int(0...1)):\(int(0...1))"
    case .opaque: "opaque shape=3x\(Array(repeating: "6", count: rank).joined(separator: "x")) params=5 macs=7"
    }
  }

  /// Runs `count` valid random networks, each verified (shapes, fields, memory) and run at batch 2
  /// as `bench` runs it (`EpilogueFusion`, `SampleSplit`) and as `verify` would: bit-identical
  /// outputs; those with wide 3 × 3 layers also with Winograd: equal up to rounding. Returns how
  /// many receptive fields were compared, which layer kinds the compared networks contained, and
  /// how often bench's own ways, and convolutions pointing at their rows, were taken.
  static func runCampaign(count: Int, firstSeed: UInt64) throws -> (
    fields: Int, kinds: Set<OperatorKind>, fused: Int, batchNormsFused: Int, sumsFused: Int, splitAtFC: Int,
    winograd: Int, pointed: Int
  ) {
    var kinds = Set<OperatorKind>()
    var (fused, batchNormsFused, sumsFused, splitAtFC, winograd, pointed) = (0, 0, 0, 0, 0, 0)
    var valid = 0
    var seed = firstSeed
    var comparedFields = 0
    while valid < count {
      seed += 1
      let spec = randomSpec(seed: seed)
      let compilation = SpecCompiler.compile(
        SourceFile(path: "random-\(seed).cnn", text: spec), shapes: CalculatedShapes())
      guard let network = compilation.network else { continue }
      let analysis = Analyzer.analyze(network, suggestFits: false)
      guard analysis.isComplete, !analysis.diagnostics.contains(where: { $0.severity == .error }),
        analysis.totals.peakActivationBytes < 8 << 20
      else { continue }
      valid += 1
      kinds.formUnion(network.layers.map(\.op.kind))
      let fusion = EpilogueFusion(network)
      if !fusion.followers.isEmpty { fused += 1 }
      if fusion.host.keys.contains(where: { network.layers[$0].op.kind == .bn }) { batchNormsFused += 1 }
      if fusion.followers.keys.contains(where: { network.layers[$0].op.kind == .add }) { sumsFused += 1 }
      if let split = SampleSplit(network), split.suffix < network.layers.count { splitAtFC += 1 }
      if pointsAtRows(network, analysis) { pointed += 1 }
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
      // A batch of two as bench runs it (batch norms and activations inside the layers before
      // them, the samples one chunk at a time up to the first fully connected layer) against the
      // same batch layer by layer, as verify runs it.
      let (whole, fused) = try (
        Engine(network: network, options: EngineOptions(threads: 2, seed: seed, batch: 2)).run(),
        Engine(
          network: network,
          options: EngineOptions(threads: 2, seed: seed, batch: 2, fusesEpilogues: true, splitsBatch: true)
        ).run()
      )
      if fused.checksum != whole.checksum {
        Issue.record("seed \(seed): bench's pass (fused, by samples) differs from the whole batch's\n\(spec)")
      }
      // bench's default pass, with Winograd for the wide 3 × 3 layers: the same shapes layer by
      // layer, and outputs equal up to rounding (within 2⁻¹⁰ of each output's largest magnitude;
      // a wrong transform is off by the order of the values themselves).
      let benchPass = try Engine(
        network: network,
        options: EngineOptions(
          threads: 2, seed: seed, batch: 2, fusesEpilogues: true, splitsBatch: true, usesWinograd: true)
      ).run()
      guard benchPass.layers.contains(where: \.winograd) else { continue }
      winograd += 1
      if benchPass.layers.map(\.shape) != whole.layers.map(\.shape) {
        Issue.record("seed \(seed): the Winograd pass's shapes differ from the direct pass's\n\(spec)")
      }
      for (a, b) in zip(benchPass.outputs, whole.outputs) {
        let scale = b.data.reduce(Float(0)) { max($0, abs($1)) }
        let worst = zip(a.data, b.data).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        if !(worst <= scale * 0x1p-10) {
          Issue.record("seed \(seed): the Winograd pass differs by \(worst) on outputs up to \(scale)\n\(spec)")
        }
      }
    }
    return (comparedFields, kinds, fused, batchNormsFused, sumsFused, splitAtFC, winograd, pointed)
  }

  /// Whether a convolution of `network` points at its im2col rows in the input
  /// (`ConvolutionKernel.ProductLayout`, pointed) when run at batch 2 on 2 threads, as the campaign
  /// runs it.
  static func pointsAtRows(_ network: Network, _ analysis: Analysis) -> Bool {
    network.layers.enumerated().contains { index, layer in
      guard case .convolution(let conv) = layer.op, let source = layer.inputs.first else { return false }
      let shape: [Int]
      switch source {
      case .input(let i): shape = analysis.inputs[i].shape
      case .layer(let i): shape = analysis.layers[i].output.shape
      }
      guard shape.count > 1,
        let plan = try? WindowPlan.make(conv.window, spatial: Array(shape.dropFirst()), ceil: false)
      else { return false }
      let (channels, groups) = (shape[0], conv.groups ?? shape[0])
      let outputs = conv.outputs ?? channels * conv.depthMultiplier
      guard !ConvolutionKernel.runsDirect(inGroup: channels / groups, groups: groups) else { return false }
      return ConvolutionKernel.ProductLayout(
        plan: plan, inputs: channels / groups, outputs: outputs / groups, units: 2 * groups, threads: 2,
        kernels: KernelSelection.preferred
      ).source == .pointed
    }
  }

  /// 1,000 networks in every `swift test`; CNNCALC_DIFFERENTIAL_NETWORKS=100000 runs a long campaign.
  @Test func calculatorAgreesWithEngine() throws {
    let count = ProcessInfo.processInfo.environment["CNNCALC_DIFFERENTIAL_NETWORKS"].flatMap { Int($0) } ?? 1000
    let (compared, kinds, fused, batchNormsFused, sumsFused, splitAtFC, winograd, pointed) = try Self.runCampaign(
      count: count, firstSeed: 0)
    // bench's pass took its own ways often enough to be tested: layers fused into a convolution
    // (batch norms among them) and into a sum, batches cut at a fully connected layer, Winograd.
    #expect(fused * 10 > count && batchNormsFused * 20 > count && sumsFused * 20 > count && splitAtFC * 10 > count)
    #expect(winograd * 50 > count, "\(winograd) networks ran Winograd")
    // Convolutions that point at their rows (AVX-512's 32-column panels only): 259 of the 1,000
    // networks have one.
    #expect(KernelSelection.preferred.nr < 32 || pointed * 10 > count, "\(pointed) networks pointed at rows")
    #expect(compared > count, "most networks should have comparable receptive fields")
    // Every keyword ran (a pointwise convolution reads back as conv).
    let missing = Set(OperatorKind.allCases).subtracting(kinds).subtracting([.pwconv])
    #expect(missing.isEmpty, "never generated in a valid network: \(missing.map(\.rawValue).sorted())")
  }

  /// `--threads 1`, `2` and `3`, and the fused pass, give bit-identical outputs with every kernel
  /// set this processor runs; each layer is large enough for its kernel to split work (convolutions by columns, the
  /// 6,400 × 512 fully connected layer by columns, the batch norm by planes).
  @Test(arguments: KernelSelection.available.map(\.name)) func threadCountDoesNotChangeResults(_ name: String) throws {
    let kernels = try #require(KernelSelection.available.first { $0.name == name })
    // Every split the engine makes: GEMM columns and rows, groups shared out whole (g8: 8 channels
    // per group), direct planes (g16: 4 per group; dwconv at stride 2), activations through the
    // vector eˣ, squeeze-and-excitation's broadcast mul, adaptive pooling; the im2col read from
    // padded planes (a: 27 rows; late's second convolution: 100 positions, 160 channels split by
    // rows on 2 threads), gathered once and shared (late's first, strided), and pointed at in the
    // input (pointed, with 32-column panels; the block gather otherwise); tensors above 64 Ki
    // elements so that element-wise passes split too.
    let spec = """
      input x 3x40x40
      a: conv 48 k3 p1 | bn | relu
      pointed: conv 48 k3 p1 | relu
      g: conv 64 k3 p1 g8 | silu | conv 64 k3 p1 g16 | dwconv k3 s2 p1 | sigmoid
      se = adaptiveavgpool 1 | conv 64 k1 | sigmoid
      scaled: mul g se
      b: conv 64 k3 s2 p1 | relu
      c: conv 64 k1
      late: conv 160 k3 s2 p1 | conv 160 k3 p1
      head: flatten | fc 512 | relu | fc 10
      """
    let network = try #require(SpecCompiler.compile(SourceFile(path: "t.cnn", text: spec)).network)
    let pointed = ConvolutionKernel.ProductLayout(
      plan: try WindowPlan.make(
        Window(kernel: .all(3), stride: .all(1), padding: .symmetric(1)), spatial: [40, 40], ceil: false),
      inputs: 48, outputs: 48, units: 1, threads: 2, kernels: kernels)
    #expect((pointed.source == .pointed) == (kernels.nr >= 32), "\(name): \(pointed.source)")
    let runs = try (1...3).map { threads in
      try Engine(network: network, options: EngineOptions(threads: threads, kernels: kernels)).run()
    }
    #expect(runs[0].checksum == runs[1].checksum, "\(name)")
    #expect(runs[0].checksum == runs[2].checksum, "\(name)")
    let fused = try Engine(
      network: network, options: EngineOptions(threads: 2, kernels: kernels, fusesEpilogues: true)
    ).run()
    #expect(fused.checksum == runs[0].checksum, "\(name) fused")
    // A batch of three: its products shared out between threads whole, one per sample and group.
    let batches = try (1...3).map { threads in
      try Engine(network: network, options: EngineOptions(threads: threads, batch: 3, kernels: kernels)).run().checksum
    }
    #expect(batches[0] == batches[1] && batches[0] == batches[2], "\(name) batch 3")
    #expect(runs[0].outputs[0].data == runs[1].outputs[0].data, "\(name)")
  }
}
