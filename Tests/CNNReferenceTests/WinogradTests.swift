import CNNFuzz
import CNNGraph
import CNNKernelSet
import CNNSpec
import Testing

@testable import CNNReference

/// Winograd F(2 × 2, 3 × 3) against the convolution's definition summed in double precision, and
/// the engine's Winograd pass against its direct one. Winograd's result equals the convolution's
/// only up to rounding, so these tests bound the difference instead of comparing bits.
@Suite struct WinogradTests {
  /// The 3 × 3 convolution of `input` (N, C, H, W) by `weights` ([K, C, 3, 3]) with `before`
  /// zeros above and to the left, written out from its definition in Double, with each output's
  /// error scale: Σ over its channels and taps of |w| · |x|, the sum of the magnitudes it adds.
  static func definition(
    _ input: Tensor, weights: [Float], outputs: Int, before: Int, outExtent: (h: Int, w: Int)
  ) -> (values: [Double], scales: [Double]) {
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    var values: [Double] = []
    var scales: [Double] = []
    for n in 0..<batch {
      for k in 0..<outputs {
        for y in 0..<outExtent.h {
          for x in 0..<outExtent.w {
            var (sum, scale) = (0.0, 0.0)
            for c in 0..<channels {
              for ty in 0..<3 {
                for tx in 0..<3 {
                  let (iy, ix) = (y - before + ty, x - before + tx)
                  guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                  let w = Double(weights[((k * channels + c) * 3 + ty) * 3 + tx])
                  let v = Double(input.data[((n * channels + c) * height + iy) * width + ix])
                  sum += w * v
                  scale += abs(w * v)
                }
              }
            }
            values.append(sum)
            scales.append(scale)
          }
        }
      }
    }
    return (values, scales)
  }

  /// Sizes odd and even (a last tile half outside the output), padding 0 to 2, several samples,
  /// blocks of one tile row (a budget too small for two; with a bias and a ReLU finishing each
  /// block) and of all of them: every output within
  /// 2⁻¹⁶ of its error scale of the definition. The transforms add at most four inputs, four
  /// weights (halved twice) and nine products, and the products' sums run over C channels, so
  /// rounding stays within a few dozen float epsilons (2⁻²³) of the scale for these depths; a
  /// wrong coefficient or a misplaced tile is off by the order of the scale itself.
  @Test(arguments: KernelSelection.available.map(\.name))
  func matchesTheDefinitionWithinRounding(_ name: String) throws {
    let kernels = KernelSelection.available.first { $0.name == name }!
    var generator = SeededGenerator(state: 0x3A17)
    let cases: [(batch: Int, channels: Int, outputs: Int, height: Int, width: Int, padding: Int)] = [
      (1, 1, 1, 4, 4, 0), (1, 3, 5, 6, 6, 1), (2, 4, 2, 7, 5, 1), (1, 2, 3, 8, 9, 0), (1, 5, 4, 4, 4, 2),
      (1, 7, 9, 3, 11, 1), (2, 16, 24, 13, 13, 1), (1, 130, 129, 6, 7, 1),
    ]
    for c in cases {
      let window = Window(kernel: .all(3), stride: .all(1), padding: .symmetric(c.padding))
      let plan = try WindowPlan.make(window, spatial: [c.height, c.width], ceil: false)
      let input = Tensor(
        shape: [c.batch, c.channels, c.height, c.width],
        data: (0..<(c.batch * c.channels * c.height * c.width)).map { _ in Float.random(in: -1...1, using: &generator) }
      )
      let weights = (0..<(c.outputs * c.channels * 9)).map { _ in Float.random(in: -1...1, using: &generator) }
      let transformed = Winograd.TransformedWeights(weights, outputs: c.outputs, inputs: c.channels, kernels: kernels)
      let outExtent = (h: plan.axes[1].count, w: plan.axes[2].count)
      let expected = Self.definition(
        input, weights: weights, outputs: c.outputs, before: c.padding, outExtent: outExtent)
      // With one tile row per block, also a bias and a ReLU, applied block by block.
      let bias = (0..<c.outputs).map { _ in Float.random(in: -1...1, using: &generator) }
      for budget in [1, Winograd.blockBudget] {
        let epilogue = budget == 1 ? ConvolutionEpilogue(bias: bias, clamp: .relu) : ConvolutionEpilogue()
        let floats = Winograd.workspace(plan: plan, inputs: c.channels, outputs: c.outputs, budget: budget)
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        defer { workspace.deallocate() }
        var output = Tensor(zeros: [c.batch, c.outputs, outExtent.h, outExtent.w])
        Winograd.forward(
          input, plan: plan, weights: transformed, epilogue: epilogue, workspace: workspace, budget: budget,
          threads: 2, into: &output)
        let plane = outExtent.h * outExtent.w
        let worst =
          output.data.indices.map { i in
            let b = budget == 1 ? Double(bias[i / plane % c.outputs]) : 0
            let reference = budget == 1 ? max(0, expected.values[i] + b) : expected.values[i]
            return abs(Double(output.data[i]) - reference) / max(expected.scales[i] + abs(b), 1e-30)
          }.max() ?? 0
        #expect(worst <= 0x1p-16, "\(name) \(c) budget \(budget): worst relative error \(worst)")
      }
    }
  }

  /// The engine with and without Winograd on a small VGG-like network, whose 3 × 3 layers of 128
  /// channels take Winograd and whose first (3 channels) does not: every output within rounding
  /// of the direct pass (scaled by the outputs' magnitude), bit for bit the same on 1 and 2
  /// threads, and the measurements say which layers ran as Winograd.
  @Test func enginePassAgreesWithTheDirectOne() throws {
    let spec = """
      network small
      input image 3x20x18
      c1: conv 128 k3 p1 | relu
      c2: conv 128 k3 p1 | bn | relu
      pool: maxpool k2 s2
      c3: conv 130 k3 p0
      c4: conv 128 k3 s2 p1
      """
    let network = try #require(SpecCompiler.compile(SourceFile(path: "small.cnn", text: spec)).network)
    let direct = try Engine(network: network, options: EngineOptions(threads: 2, fusesEpilogues: true)).run()
    let winograd = [1, 2].map { threads in
      try? Engine(
        network: network, options: EngineOptions(threads: threads, fusesEpilogues: true, usesWinograd: true)
      ).run()
    }
    let (one, two) = (try #require(winograd[0]), try #require(winograd[1]))
    #expect(one.checksum == two.checksum)
    #expect(one.layers.filter(\.winograd).map(\.name) == ["c2", "c3"])
    #expect(direct.layers.allSatisfy { !$0.winograd })
    for (a, b) in zip(one.outputs, direct.outputs) {
      let scale = b.data.map { abs($0) }.max() ?? 1
      let worst = zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= scale * 0x1p-14, "worst difference \(worst) against outputs up to \(scale)")
      #expect(
        a.data != b.data,
        "Winograd rounds differently somewhere: a pass that equals the direct one bit for bit did not run it")
    }
  }
}
