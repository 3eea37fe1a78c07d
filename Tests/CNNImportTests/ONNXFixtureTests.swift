import CNNCalc
import CNNGraph
import CNNONNX
import Testing

/// torchvision models exported by both exporters: every number equals PyTorch's own.
@Suite struct ONNXFixtureTests {
  static let models = [
    "alexnet", "resnet18", "squeezenet1_0", "mobilenet_v2", "mobilenet_v3_small", "shufflenet_v2_x1_0", "googlenet",
    "efficientnet_b0", "convnext_tiny", "densenet121",
  ]

  /// Total parameters equal PyTorch's (sum of p.numel()); every Conv2d and Linear, in forward
  /// order, has PyTorch's output shape, parameter count and MACs (computed by the script from the
  /// module's attributes and PyTorch's output); no other layer carries MACs.
  @Test(arguments: models, ["torchscript", "dynamo"])
  func equalsPyTorchLayerByLayer(model: String, exporter: String) throws {
    let expected = try PyTorchFigures(model)
    let analysis = try analyzeONNXFixture("\(model).\(exporter).onnx")
    #expect(analysis.inputs.map(\.shape) == [expected.input])
    #expect(analysis.totals.params == expected.params)
    let weighted = analysis.layers.filter { $0.macs > 0 }
    let rows = weighted.map { PyTorchFigures.Row(shape: $0.output.shape, params: $0.params, macs: $0.macs) }
    // cnncalc's shapes are channels first; PyTorch's Linear layers in ConvNeXt's blocks run
    // channels last ([H, W, C]).
    let expectedRows = expected.layers.map { layer in
      var row = layer.row
      if layer.type == "Linear", row.shape.count == 3 { row.shape = [row.shape[2], row.shape[0], row.shape[1]] }
      return row
    }
    #expect(rows.count == expected.layers.count)
    for (index, (row, want)) in zip(rows, expectedRows).enumerated() where row != want {
      let module = expected.layers[index].module
      Issue.record("layer \(index) (\(weighted[index].name), PyTorch \(module)): \(row) ≠ PyTorch's \(want)")
      break
    }
  }

  /// A small U-Net of the fixture script's own (input 3×97×97) with every resampling form:
  /// ceil-mode max and average pooling over odd extents, bilinear Resize to a size, a stride-2
  /// transposed convolution, nearest Resize by a scale, pixel shuffle (DepthToSpace or
  /// Reshape/Transpose/Reshape) and unshuffle (Reshape/Transpose/Reshape in both exporters). The
  /// legacy exporter at opset 11 and dynamo at opset 22: each weighted layer, the total and the
  /// output shape equal PyTorch's.
  @Test(arguments: ["opset11", "opset22"])
  func resamplingEqualsPyTorch(exporter: String) throws {
    let expected = try PyTorchFigures("resampling")
    let analysis = try analyzeONNXFixture("resampling.\(exporter).onnx")
    #expect(analysis.inputs.map(\.shape) == [expected.input])
    #expect(analysis.totals.params == expected.params)
    #expect(analysis.layers.last?.output.shape == expected.output)
    let weighted = analysis.layers.filter { $0.macs > 0 }
    #expect(weighted.map(\.name) == expected.layers.map(\.module))
    #expect(
      weighted.map { PyTorchFigures.Row(shape: $0.output.shape, params: $0.params, macs: $0.macs) }
        == expected.layers.map(\.row))
    // 16×97×97 pooled 2×2 in ceil mode: ⌈(97 − 2)/2⌉ + 1 = 49 (floor would give 48); then
    // ⌈(49 − 2)/2⌉ + 1 = 25 for the average pooling.
    #expect(analysis.layers.filter { $0.op == "maxpool" }.map(\.output.shape) == [[16, 49, 49]])
    #expect(analysis.layers.filter { $0.op == "avgpool" }.map(\.output.shape) == [[32, 25, 25]])
    #expect(analysis.layers.filter { $0.op == "pixelshuffle" }.map(\.output.shape) == [[8, 194, 194]])
    #expect(analysis.layers.filter { $0.op == "pixelunshuffle" }.map(\.output.shape) == [[32, 97, 97]])
    #expect(analysis.layers.filter { $0.op == "upsample" }.map(\.output.shape) == [[64, 49, 49], [32, 194, 194]])
  }

  /// Layer names come from the weights' module paths, as in PyTorch.
  @Test(arguments: ["resnet18", "convnext_tiny"], ["torchscript", "dynamo"])
  func namesFollowTheModules(model: String, exporter: String) throws {
    let expected = try PyTorchFigures(model)
    do {
      let analysis = try analyzeONNXFixture("\(model).\(exporter).onnx")
      let convs = analysis.layers.filter { $0.macs > 0 }.map(\.name)
      #expect(convs == expected.layers.map(\.module), "\(exporter)")
    }
  }

  /// The default export folds each BatchNorm into the convolution before it: the shapes and MACs
  /// are PyTorch's; each folded convolution gains a bias (its output channels) and the norms'
  /// parameters are gone.
  @Test func foldedBatchNorm() throws {
    let expected = try PyTorchFigures("resnet18")
    let analysis = try analyzeONNXFixture("resnet18.folded.onnx")
    let weighted = analysis.layers.filter { $0.macs > 0 }
    #expect(weighted.map(\.output.shape) == expected.layers.map(\.row.shape))
    #expect(weighted.map(\.macs) == expected.layers.map(\.row.macs))
    // resnet18: 20 convolutions, each followed by a BatchNorm (γ, β per channel); fc keeps its own bias.
    let convolutions = expected.layers.filter { $0.type == "Conv2d" }
    let channels = convolutions.map { $0.row.shape[0] }.reduce(0, +)
    #expect(analysis.totals.params == expected.params - 2 * channels + channels)
    #expect(analysis.totals.buffers == 0)
  }

  /// Totals and shapes do not depend on the exporter.
  @Test(arguments: models)
  func exportersAgree(model: String) throws {
    let script = try analyzeONNXFixture("\(model).torchscript.onnx")
    let dynamo = try analyzeONNXFixture("\(model).dynamo.onnx")
    #expect(script.totals.macs == dynamo.totals.macs)
    #expect(script.layers.last?.output.shape == dynamo.layers.last?.output.shape)
    #expect(script.layers.last?.output.receptiveField == dynamo.layers.last?.output.receptiveField)
  }

  /// An input override re-derives every shape: ResNet-18 at 3×512×512 ends in the same 1000
  /// logits, with each convolution's MACs scaled by (512/224)² where the extents divide evenly.
  @Test func inputOverride() throws {
    let compilation = ONNXImporter.compile(
      path: fixtures.appendingPathComponent("onnx/resnet18.torchscript.onnx").path, inputShapes: ["": [3, 512, 512]],
      shapes: CalculatedShapes())
    let analysis = Analyzer.analyze(try #require(compilation.network))
    #expect(analysis.inputs.first?.shape == [3, 512, 512])
    // conv1: 64 × 256 × 256 outputs, each 3 · 7 · 7 MACs.
    let conv1: Int = 64 * 256 * 256 * 3 * 49
    #expect(analysis.layers.first { $0.macs > 0 }?.macs == conv1)
    #expect(analysis.layers.last?.output.shape == [1000])
  }
}
