import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Per-operator shapes and counts, each derived by hand in the comment next to it.
@Suite struct LayerCalculatorTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var input: String
    var layer: String
    var shape: [Int]
    var params: Int
    var macs: Int
    var buffers = 0
    var testDescription: String { "\(layer) on \(input)" }
  }

  static let cases: [Case] = [
    // Grouped: each of 6 filters sees 4/2 channels: 6·2·9 + 6 = 114; 8·8 positions · 6 · 18 = 6,912.
    Case(input: "4x8x8", layer: "conv 6 k3 p1 g2", shape: [6, 8, 8], params: 114, macs: 6912),
    // Depthwise: 4 filters of 3x3 plus 4 biases = 40; 64 · 4 · 9 = 2,304.
    Case(input: "4x8x8", layer: "dwconv k3 p1", shape: [4, 8, 8], params: 40, macs: 2304),
    // Depth multiplier 2: 8 filters of 3x3 + 8 = 80.
    Case(input: "4x8x8", layer: "dwconv k3 p1 mult=2", shape: [8, 8, 8], params: 80, macs: 4608),
    // Pointwise: 16·4 + 16 = 80; 64 · 16 · 4 = 4,096.
    Case(input: "4x8x8", layer: "pwconv 16", shape: [16, 8, 8], params: 80, macs: 4096),
    // No bias: 8·4·9 = 288.
    Case(input: "4x8x8", layer: "conv 8 k3 bias=off", shape: [8, 6, 6], params: 288, macs: 36 * 8 * 36),
    // Dilation 2 spans 5: (8 − 5) + 1 = 4.
    Case(input: "1x8x8", layer: "conv 1 k3 d2", shape: [1, 4, 4], params: 10, macs: 16 * 9),
    // Per-axis kernel and stride: (9 − 3)/2 + 1 = 4 rows, (9 − 1)/1 + 1 = 9 columns.
    Case(input: "1x9x9", layer: "conv 2 k3x1 s2x1", shape: [2, 4, 9], params: 8, macs: 36 * 2 * 3),
    // Transposed (PyTorch): (8 − 1)·2 − 2·1 + 4 = 16; weights 4·2·16 + 2 = 130; each of 64 inputs
    // scatters into 2 channels × 16 taps from 4 channels: 64 · 4 · 2 · 16 = 8,192.
    Case(input: "4x8x8", layer: "deconv 2 k4 s2 p1", shape: [2, 16, 16], params: 130, macs: 8192),
    // Output padding adds a row and column: (8 − 1)·2 + 3 + 1 = 18.
    Case(input: "1x8x8", layer: "deconv 1 k3 s2 op=1", shape: [1, 18, 18], params: 10, macs: 64 * 9),
    // SAME: ceil(7/2) = 4.
    Case(input: "1x7x7", layer: "conv 1 k3 s2 p=same", shape: [1, 4, 4], params: 10, macs: 16 * 9),
    // 1-D: (10 − 3)/2 + 1 = 4; 4·2·3 + 4 = 28.
    Case(input: "2x10", layer: "conv 4 k3 s2", shape: [4, 4], params: 28, macs: 4 * 4 * 6),
    // 3-D: 6x6x6 outputs; 2·27 + 2 = 56; 216 · 2 · 27 = 11,664.
    Case(input: "1x8x8x8", layer: "conv 2 k3", shape: [2, 6, 6, 6], params: 56, macs: 11664),
    // Fully connected flattens: 16 features · 10 + 10 = 170.
    Case(input: "4x2x2", layer: "fc 10", shape: [10], params: 170, macs: 160),
    // Batch norm: scale and shift are params, running mean and variance are buffers.
    Case(input: "4x8x8", layer: "bn", shape: [4, 8, 8], params: 8, macs: 0, buffers: 8),
    Case(input: "4x8x8", layer: "bn eps=0.001 momentum=0.01", shape: [4, 8, 8], params: 8, macs: 0, buffers: 8),
    // PyTorch: sum(p.numel() for p in nn.GroupNorm(2, 4).parameters()) = 8 (weight and bias of 4);
    // no buffers. nn.InstanceNorm2d(4) has affine=False and no running stats: 0 and 0.
    Case(input: "4x8x8", layer: "groupnorm 2", shape: [4, 8, 8], params: 8, macs: 0),
    Case(input: "4x8x8", layer: "instancenorm", shape: [4, 8, 8], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "instancenorm affine=on", shape: [4, 8, 8], params: 8, macs: 0),
    // ConvNeXt's LayerNorm2d(4) normalises channels: weight and bias of 4. nn.LayerNorm([4, 8, 8])
    // has weight and bias of 4·8·8 = 256 each: 512.
    Case(input: "4x8x8", layer: "layernorm", shape: [4, 8, 8], params: 8, macs: 0),
    Case(input: "4x8x8", layer: "layernorm over=all", shape: [4, 8, 8], params: 512, macs: 0),
    // Layer scale: one γ per channel (ConvNeXt: gamma of shape (C,)).
    Case(input: "4x8x8", layer: "layerscale", shape: [4, 8, 8], params: 4, macs: 0),
    Case(input: "4x8x8", layer: "droppath 0.1", shape: [4, 8, 8], params: 0, macs: 0),
    // torch.chunk(x, 2, dim=1)[1] of 4 channels: channels 2 and 3.
    Case(input: "4x8x8", layer: "slice 2 4", shape: [2, 8, 8], params: 0, macs: 0),
    // nn.PixelShuffle(2) on (8, 3, 5): (8 / 2², 3·2, 5·2); PixelUnshuffle(2) on (2, 6, 4): (2·4, 3, 2).
    Case(input: "8x3x5", layer: "pixelshuffle 2", shape: [2, 6, 10], params: 0, macs: 0),
    Case(input: "2x6x4", layer: "pixelunshuffle 2", shape: [8, 3, 2], params: 0, macs: 0),
    Case(
      input: "4x8x8", layer: "opaque shape=16x2x2 params=123 macs=4567", shape: [16, 2, 2], params: 123, macs: 4567),
    Case(input: "4x8x8", layer: "prelu", shape: [4, 8, 8], params: 4, macs: 0),
    Case(input: "4x8x8", layer: "prelu shared", shape: [4, 8, 8], params: 1, macs: 0),
    Case(input: "4x10x10", layer: "adaptiveavgpool 3x3", shape: [4, 3, 3], params: 0, macs: 0),
    Case(input: "4x10x10", layer: "globalmaxpool", shape: [4, 1, 1], params: 0, macs: 0),
    Case(input: "4x10x10", layer: "maxpool k3 s2 p1", shape: [4, 5, 5], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "upsample size=5x12", shape: [4, 5, 12], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "upsample scale=2x3", shape: [4, 16, 24], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "pad p=1:2", shape: [4, 11, 11], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "crop p=1:0x0:3", shape: [4, 7, 5], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "reshape 16x16", shape: [16, 16], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "flatten", shape: [256], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "shuffle 2", shape: [4, 8, 8], params: 0, macs: 0),
    Case(input: "4x8x8", layer: "softmax", shape: [4, 8, 8], params: 0, macs: 0),
  ]

  @Test(arguments: cases)
  func singleLayer(_ testCase: Case) throws {
    let analysis = try analyze("input x \(testCase.input)\nlayer: \(testCase.layer)\n")
    let layer = try #require(analysis.layer("layer"), "\(analysis.diagnostics.map(\.message))")
    #expect(layer.output.shape == testCase.shape)
    #expect(layer.params == testCase.params)
    #expect(layer.macs == testCase.macs)
    #expect(layer.buffers == testCase.buffers)
  }

  /// Adaptive pooling's other ops: windows [0,4) [3,7) [6,10) cover 12 positions per axis.
  @Test func adaptiveOps() throws {
    let analysis = try analyze("input x 4x10x10\nadaptiveavgpool 3x3\n")
    #expect(analysis.layers[0].otherOps == 4 * 12 * 12)
  }

  @Test func mergesAndBroadcast() throws {
    let analysis = try analyze(
      """
      input x 4x8x8
      a = conv 6 k1
      cat: concat x a
      scale = globalavgpool | fc 4 | reshape 4x1x1 | sigmoid
      se: mul x scale
      sum: add x se
      """)
    #expect(analysis.layer("cat")?.output.shape == [10, 8, 8])
    #expect(analysis.layer("se")?.output.shape == [4, 8, 8])
    #expect(analysis.layer("sum")?.otherOps == 256)
  }

  struct Failure: CustomTestStringConvertible, Sendable {
    var spec: String
    var code: DiagnosticCode
    var testDescription: String { code.rawValue }
  }

  static let failures: [Failure] = [
    Failure(spec: "input x 4x8x8\na = conv 4 k3\nadd x a\n", code: .mergeMismatch),
    Failure(spec: "input x 4x8x8\na = conv 5 k1\nadd x a\n", code: .channelMismatch),
    Failure(spec: "input x 4x8x8\nconv 6 k3 g3\n", code: .channelMismatch),
    Failure(spec: "input x 4x8x8\nshuffle 3\n", code: .channelMismatch),
    Failure(spec: "input x 4x8x8\nreshape 3x3\n", code: .elementCountMismatch),
    Failure(spec: "input x 4x8x8\nflatten | conv 4 k1\n", code: .rankMismatch),
    Failure(spec: "input x 4x8x8\nconv 4 k3x3x3\n", code: .rankMismatch),
    Failure(spec: "input x 4x4x4\nconv 4 k5\n", code: .nonpositiveSize),
    Failure(spec: "input x 4x4x4\ncrop p2\n", code: .nonpositiveSize),
    Failure(spec: "input x 4x8x8\nmaxpool k2 p2\n", code: .badArgument),
    Failure(spec: "input x 4x8x8\ndeconv 4 k3 s2 op=2\n", code: .badArgument),
    // 2^20 outputs × 2^24 inputs × 2^24 positions = 2^68 MACs; inputs stay within 2^48 elements.
    Failure(spec: "input x 16777216x4096x4096\nconv 1048576 k1\n", code: .overflow),
    // 2 × 2^24 × 2^24 = 2^49 output elements, beyond the 2^48 limit.
    Failure(spec: "input x 1x16777216x16777216\nconv 2 k1\n", code: .tooLarge),
  ]

  /// Each shape problem is an error at the layer's line, and later layers are not computed.
  @Test(arguments: failures)
  func located(_ failure: Failure) throws {
    let compilation = SpecCompiler.compile(SourceFile(path: "t.cnn", text: failure.spec))
    let network = try #require(compilation.network)
    let analysis = Analyzer.analyze(network)
    let diagnostic = try #require(analysis.diagnostics.first { $0.severity == .error }, "no error")
    #expect(diagnostic.code == failure.code, "\(diagnostic.message)")
    #expect(diagnostic.range != nil)
    #expect(!analysis.isComplete)
  }

  /// Shapes the new layers cannot take are errors at their line, with the code that says why.
  @Test func newLayerProblemsAreLocated() throws {
    let cases: [(String, DiagnosticCode, String)] = [
      ("input x 6x8x8\nrelu\ngroupnorm 4\n", .channelMismatch, "4 groups do not divide 6 channels"),
      ("input x 6x8x8\nrelu\nslice 2 9\n", .channelMismatch, "reaches past the 6 channels"),
      ("input x 6x8x8\nrelu\npixelshuffle 2\n", .channelMismatch, "divisible by 4"),
      ("input x 4x7x8\nrelu\npixelunshuffle 2\n", .badArgument, "divisible by 2"),
      ("input x 4x8\nrelu\npixelshuffle 2\n", .rankMismatch, "works on C×H×W"),
    ]
    for (text, code, message) in cases {
      let source = SourceFile(path: "t.cnn", text: text)
      let network = try #require(SpecCompiler.compile(source).network)
      let found = try #require(Analyzer.analyze(network).diagnostics.first { $0.code == code }, "\(text)")
      #expect(found.message.contains(message), "\(found.message)")
      #expect(source.lineAndColumn(of: try #require(found.range).start) == (3, 1), "\(text)")
    }
  }
}
