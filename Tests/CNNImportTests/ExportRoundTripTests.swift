import CNNCaffe
import CNNCalc
import CNNGraph
import CNNONNX
import CNNSpec
import Foundation
import Testing

@testable import CNNReport

/// `export --format cnn` of an imported model is a spec that analyses to the same numbers.
@Suite struct ExportRoundTripTests {
  static let files =
    ONNXFixtureTests.models.flatMap { ["onnx/\($0).torchscript.onnx", "onnx/\($0).dynamo.onnx"] }
    + ["onnx/resnet18.folded.onnx", "onnx/resampling.opset11.onnx", "onnx/resampling.opset22.onnx"]
    + [
      "bvlc_alexnet", "bvlc_reference_caffenet", "bvlc_googlenet", "VGG_ILSVRC_16_layers", "ResNet-50", "ResNet-101",
      "ResNet-152",
    ].map { "caffe/\($0).deploy.prototxt" }

  @Test(arguments: files)
  func exportedSpecAnalysesTheSame(file: String) throws {
    let path = fixtures.appendingPathComponent(file).path
    let imported: Compilation
    if file.hasSuffix(".onnx") {
      imported = ONNXImporter.compile(path: path, shapes: CalculatedShapes())
    } else {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      imported = CaffeImporter.compile(SourceFile(path: path, bytes: Array(data)), shapes: CalculatedShapes())
    }
    let network = try #require(imported.network)
    let text = SpecTextExport.text(network, source: file)
    let reread = SpecCompiler.compile(SourceFile(path: "exported.cnn", text: text), shapes: CalculatedShapes())
    #expect(reread.diagnostics.filter { $0.severity == .error }.isEmpty, "\(reread.diagnostics.map(\.message))")
    let original = Analyzer.analyze(network)
    let copy = Analyzer.analyze(try #require(reread.network))
    #expect(copy.totals.params == original.totals.params)
    #expect(copy.totals.buffers == original.totals.buffers)
    #expect(copy.totals.macs == original.totals.macs)
    #expect(copy.totals.peakActivationBytes == original.totals.peakActivationBytes)
    #expect(copy.layers.map(\.output.shape) == original.layers.map(\.output.shape))
    #expect(copy.layers.map(\.output.receptiveField) == original.layers.map(\.output.receptiveField))
  }

  @Test func labelsAreWordsOfTheLanguage() {
    #expect(SpecTextExport.label("conv1/7x7_s2") == "conv1_7x7_s2")
    #expect(SpecTextExport.label("/layer1/Relu") == "layer1_Relu")
    #expect(SpecTextExport.label("3x3") == "l3x3")
    #expect(SpecTextExport.label("layer1.0.conv1") == "layer1_0_conv1")
  }
}
