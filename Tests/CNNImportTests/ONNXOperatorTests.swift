import CNNCalc
import CNNFuzz
import CNNGraph
import CNNONNX
import Foundation
import Testing

/// Hand-built models, one operator or pattern each, with the expected figures derived here.
@Suite struct ONNXOperatorTests {
  private func analyze(_ model: TestModel, sourceLocation: SourceLocation = #_sourceLocation) throws -> Analysis {
    let compilation = importONNX(model)
    let errors = compilation.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(errors.map(\.message))", sourceLocation: sourceLocation)
    return Analyzer.analyze(try #require(compilation.network, sourceLocation: sourceLocation))
  }

  /// SAME_LOWER puts the odd padding row first. 8 rows, kernel 4, stride 2: out = ceil(8/2) = 4,
  /// total padding (4 − 1)·2 + 4 − 8 = 2 → 1 before, 1 after; kernel 3: total 1 → 1 before, 0 after.
  @Test func sameLowerBecomesExplicitPadding() throws {
    var model = TestModel()
    model.weights = [("w", [2, 3, 3, 3])]
    model.nodes = [
      TestNode(
        op: "Conv", inputs: ["x", "w"], outputs: ["y"],
        attributes: [("auto_pad", .string("SAME_LOWER")), ("strides", .ints([2, 2]))])
    ]
    let analysis = try analyze(model)
    let conv = try #require(analysis.network.layers.first)
    guard case .convolution(let op) = conv.op else { Issue.record("not a convolution"); return }
    #expect(op.window.padding == .explicit(begin: .all(1), end: .all(0)))
    #expect(analysis.layers.last?.output.shape == [2, 4, 4])
    #expect(op.bias == false)
  }

  /// ONNX's AveragePool leaves padding out of the divisor unless count_include_pad = 1.
  @Test func averagePoolCountsPaddingOnlyWhenAsked() throws {
    for flag in [0, 1] {
      var model = TestModel()
      model.nodes = [
        TestNode(
          op: "AveragePool", inputs: ["x"], outputs: ["y"],
          attributes: [
            ("kernel_shape", .ints([3, 3])), ("pads", .ints([1, 1, 1, 1])), ("count_include_pad", .int(flag)),
          ])
      ]
      let analysis = try analyze(model)
      guard case .pooling(let pool) = try #require(analysis.network.layers.first).op else { return }
      #expect(pool.countsPadding == (flag == 1))
      #expect(analysis.layers.last?.output.shape == [3, 8, 8])
    }
  }

  /// 5 rows, kernel 2, stride 2, padding 1 on both sides, ceil mode: the spec before opset 22
  /// gives ceil((5 + 2 − 2)/2) + 1 = 4; the 4th window would start at padded row 6, input row 5,
  /// past the last input row (4), in the end padding, so PyTorch and opset 22 give 3.
  @Test(arguments: [17, 22])
  func ceilModeRuleByOpset(opset: Int) throws {
    var model = TestModel()
    model.opset = opset
    model.input = ("x", [1, 1, 5, 5])
    model.nodes = [
      TestNode(
        op: "MaxPool", inputs: ["x"], outputs: ["y"],
        attributes: [
          ("kernel_shape", .ints([2, 2])), ("strides", .ints([2, 2])), ("pads", .ints([1, 1, 1, 1])),
          ("ceil_mode", .int(1)),
        ], name: "pool")
    ]
    let compilation = importONNX(model)
    let analysis = Analyzer.analyze(try #require(compilation.network))
    #expect(analysis.layers.last?.output.shape == [1, 3, 3])
    let warnings = compilation.diagnostics.filter { $0.code == .ceilRuleDiffers }
    #expect(warnings.count == (opset < 22 ? 1 : 0))
    if let warning = warnings.first {
      #expect(warning.message.contains("'pool'") && warning.message.contains("MaxPool"))
      #expect(warning.message.contains("3 in PyTorch") && warning.message.contains("4 by the ONNX spec"))
    }
  }

  /// The channel shuffle pattern: Reshape to [N, g, C/g, H, W], Transpose [0, 2, 1, 3, 4],
  /// Reshape back. DepthToSpace in CRD mode is PyTorch's pixel shuffle.
  @Test func shuffleAndDepthToSpace() throws {
    var model = TestModel()
    model.input = ("x", [1, 8, 4, 4])
    model.integers = [("grouped", [1, 2, 4, 4, 4]), ("back", [1, -1, 4, 4])]
    model.nodes = [
      TestNode(op: "Reshape", inputs: ["x", "grouped"], outputs: ["a"]),
      TestNode(op: "Transpose", inputs: ["a"], outputs: ["b"], attributes: [("perm", .ints([0, 2, 1, 3, 4]))]),
      TestNode(op: "Reshape", inputs: ["b", "back"], outputs: ["c"]),
      TestNode(
        op: "DepthToSpace", inputs: ["c"], outputs: ["d"],
        attributes: [("blocksize", .int(2)), ("mode", .string("CRD"))]),
    ]
    let analysis = try analyze(model)
    #expect(analysis.network.layers.map(\.op) == [.channelShuffle(groups: 2), .pixelShuffle(factor: 2)])
    #expect(analysis.layers.last?.output.shape == [2, 8, 8])
  }

  /// PyTorch's pixel shuffle and unshuffle by r spelled as Reshape → Transpose → Reshape (the
  /// legacy exporter's shuffle before opset 11, both exporters' unshuffle), from torch's own
  /// decomposition: shuffle views [N, C/r², r, r, H, W], permutes (0, 1, 4, 2, 5, 3) and views
  /// [N, C/r², H·r, W·r]; unshuffle views [N, C, H/r, r, W/r, r], permutes (0, 1, 3, 5, 2, 4) and
  /// views [N, C·r², H/r, W/r]. Another permutation is not a pixel shuffle, and is refused.
  @Test func pixelShuffleAndUnshuffleAsReshapes() throws {
    var model = TestModel()
    model.input = ("x", [1, 8, 4, 6])
    model.integers = [
      ("split", [1, 2, 2, 2, 4, 6]), ("joined", [1, 2, 8, 12]),
      ("blocks", [1, 2, 4, 2, 6, 2]), ("packed", [1, 8, 4, 6]),
    ]
    model.nodes = [
      TestNode(op: "Reshape", inputs: ["x", "split"], outputs: ["a"]),
      TestNode(op: "Transpose", inputs: ["a"], outputs: ["b"], attributes: [("perm", .ints([0, 1, 4, 2, 5, 3]))]),
      TestNode(op: "Reshape", inputs: ["b", "joined"], outputs: ["c"]),
      TestNode(op: "Reshape", inputs: ["c", "blocks"], outputs: ["d"]),
      TestNode(op: "Transpose", inputs: ["d"], outputs: ["e"], attributes: [("perm", .ints([0, 1, 3, 5, 2, 4]))]),
      TestNode(op: "Reshape", inputs: ["e", "packed"], outputs: ["f"]),
    ]
    let analysis = try analyze(model)
    #expect(analysis.network.layers.map(\.op) == [.pixelShuffle(factor: 2), .pixelUnshuffle(factor: 2)])
    #expect(analysis.layers.map(\.output.shape) == [[2, 8, 12], [8, 4, 6]])

    model.nodes[1] = TestNode(
      op: "Transpose", inputs: ["a"], outputs: ["b"], attributes: [("perm", .ints([0, 1, 2, 4, 3, 5]))])
    let refused = importONNX(model)
    #expect(refused.diagnostics.map(\.code) == [.unsupportedOperator])
    #expect(refused.diagnostics.first?.message.contains("Transpose") == true)
  }

  /// Split (opset 13: sizes as an input), Slice of spatial rows (a crop), Pad, Resize.
  @Test func splitSliceResizePad() throws {
    var model = TestModel()
    model.opset = 13
    model.input = ("x", [1, 6, 8, 8])
    model.integers = [
      ("sizes", [2, 4]), ("starts", [1]), ("ends", [7]), ("axes", [2]), ("pads", [0, 0, 1, 2, 0, 0, 3, 4]),
    ]
    model.weights = [("scales", [4])]
    model.nodes = [
      TestNode(op: "Split", inputs: ["x", "sizes"], outputs: ["a", "b"], attributes: [("axis", .int(1))]),
      TestNode(op: "Slice", inputs: ["b", "starts", "ends", "axes"], outputs: ["c"]),
      TestNode(op: "Pad", inputs: ["c", "pads"], outputs: ["d"]),
    ]
    let analysis = try analyze(model)
    #expect(analysis.network.layers.map(\.op.keyword) == ["slice", "slice", "crop", "pad"])
    // b: channels 2..<6; rows 1..<7 of 8 (crop 1 top, 1 bottom); pad rows 1 + 3, columns 2 + 4.
    #expect(analysis.layers.last?.output.shape == [4, 6 + 4, 8 + 6])
  }

  @Test func dynamicInputNeedsAnOverride() throws {
    var model = TestModel()
    model.input = ("image", [1, 3, "height", "width"])
    model.weights = [("w", [4, 3, 3, 3])]
    model.nodes = [TestNode(op: "Conv", inputs: ["image", "w"], outputs: ["y"])]
    let compilation = importONNX(model)
    let error = try #require(compilation.diagnostics.first)
    #expect(error.code == .dynamicDimension)
    #expect(error.message.contains("'image'") && error.message.contains("'height'"))
    #expect(error.hint?.contains("--input image=3x") == true)
    let fixed = importONNX(model, inputShapes: ["image": [3, 32, 32]])
    #expect(fixed.diagnostics.isEmpty)
    #expect(Analyzer.analyze(try #require(fixed.network)).layers.last?.output.shape == [4, 30, 30])
  }

  /// An operator outside the catalogue names the node, its op type and inputs; the branch that
  /// does not depend on it is still analysed.
  @Test func unsupportedOperatorLeavesTheRest() throws {
    var model = TestModel()
    model.weights = [("w", [4, 3, 1, 1])]
    model.nodes = [
      TestNode(op: "Einsum", inputs: ["x"], outputs: ["odd"], name: "mystery"),
      TestNode(op: "Relu", inputs: ["odd"], outputs: ["after"]),
      TestNode(op: "Conv", inputs: ["x", "w"], outputs: ["side"], name: "side"),
    ]
    model.outputs = ["after", "side"]
    let compilation = importONNX(model)
    #expect(compilation.diagnostics.count == 1)
    let error = try #require(compilation.diagnostics.first)
    #expect(error.code == .unsupportedOperator)
    #expect(error.message.contains("'mystery' (Einsum of 'x')"))
    #expect(error.range != nil)
    let network = try #require(compilation.network)
    #expect(network.layers.map(\.op.keyword) == ["conv"])
  }

  @Test func cyclesAndMissingInputsAreNamed() throws {
    var model = TestModel()
    model.nodes = [
      TestNode(op: "Relu", inputs: ["b"], outputs: ["a"], name: "first"),
      TestNode(op: "Relu", inputs: ["a"], outputs: ["b"], name: "second"),
      TestNode(op: "Relu", inputs: ["nowhere"], outputs: ["c"], name: "third"),
    ]
    let messages = importONNX(model).diagnostics.map(\.message)
    #expect(messages.contains { $0.contains("'first'") && $0.contains("cycle") })
    #expect(messages.contains { $0.contains("'third'") && $0.contains("no node, initializer or input") })
  }
}

/// Files that break the format: every one a located file-level error, never a crash or a hang.
@Suite struct ONNXMalformedTests {
  private var sample: Data {
    var model = TestModel()
    model.weights = [("w", [4, 3, 3, 3])]
    model.integers = [("shape", [1, -1])]
    model.nodes = [
      TestNode(op: "Conv", inputs: ["x", "w"], outputs: ["y"], attributes: [("pads", .ints([1, 1, 1, 1]))]),
      TestNode(op: "Reshape", inputs: ["y", "shape"], outputs: ["z"]),
    ]
    return model.data
  }

  /// Every prefix of a valid file: an error or a (smaller) graph, never a trap.
  @Test func everyTruncationIsHandled() {
    let bytes = sample
    #expect(importONNX(bytes: bytes).diagnostics.isEmpty)
    for length in 0..<bytes.count {
      let compilation = importONNX(bytes: bytes.prefix(length))
      if compilation.network == nil {
        #expect(!compilation.diagnostics.isEmpty, "prefix \(length)")
      }
    }
  }

  @Test func brokenWireFormat() throws {
    let cases: [(String, [UInt8], String)] = [
      ("varint that never ends", [0x08] + Array(repeating: 0xFF, count: 12), "varint"),
      ("length past the end", [0x3A, 0xFF, 0x01, 0x00], "past the end"),
      ("wrong wire type for the graph", [0x3D, 0, 0, 0, 0], "wrong wire type"),
      ("group wire type", [0x0B], "wire type"),
      ("not protobuf at all", Array("hello, world".utf8), "not a readable ONNX model"),
      ("empty", [], "no graph"),
    ]
    for (what, bytes, phrase) in cases {
      let compilation = importONNX(bytes: Data(bytes))
      let error = try #require(compilation.diagnostics.first, "\(what)")
      #expect(error.code == .malformedFile, "\(what)")
      #expect(error.message.contains(phrase), "\(what): \(error.message)")
      #expect(error.range != nil, "\(what)")
      #expect(compilation.network == nil)
    }
  }

  /// Random byte flips of a valid file never trap (a brief campaign; a longer one runs from
  /// scripts/fuzz.sh).
  @Test func randomCorruptionIsHandled() {
    var generator = SeededGenerator(state: 7)
    let bytes = [UInt8](sample)
    for _ in 0..<2_000 {
      var corrupted = bytes
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        corrupted[Int.random(in: 0..<corrupted.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
      }
      let compilation = importONNX(bytes: Data(corrupted))
      if let network = compilation.network { _ = Analyzer.analyze(network) }
    }
  }

  @Test func absurdDimsAreRefused() {
    var model = TestModel()
    model.input = ("x", [1, 3, 1 << 30, 1 << 30])
    model.nodes = [TestNode(op: "Relu", inputs: ["x"], outputs: ["y"])]
    let compilation = importONNX(model)
    #expect(compilation.diagnostics.contains { $0.code == .tooLarge })
  }

  private func importONNX(_ model: TestModel) -> Compilation { CNNImportTests.importONNX(model) }

  private func importONNX(bytes: Data) -> Compilation {
    ONNXImporter.compile(bytes, source: SourceFile(binaryPath: "bad.onnx"), shapes: CalculatedShapes())
  }
}
