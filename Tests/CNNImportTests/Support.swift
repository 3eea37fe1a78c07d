import CNNCaffe
import CNNCalc
import CNNGraph
import CNNONNX
import CNNSpec
import CNNZoo
import Foundation
import Testing

/// The folder of committed model files (provenance in each folder's SOURCES.md).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A prototxt's text, as a source named like the file.
func caffeSource(_ text: String, path: String = "test.prototxt") -> SourceFile { SourceFile(path: path, text: text) }

/// Imports a prototxt from text.
func importCaffe(_ text: String, inputShapes: [String: [Int]] = [:]) -> Compilation {
  CaffeImporter.compile(caffeSource(text), inputShapes: inputShapes, shapes: CalculatedShapes())
}

/// Imports and analyses a committed Caffe fixture, failing the test on any error.
func analyzeCaffeFixture(_ file: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Analysis {
  let data = try Data(contentsOf: fixtures.appendingPathComponent("caffe/\(file)"))
  let compilation = CaffeImporter.compile(
    SourceFile(path: file, bytes: Array(data)), shapes: CalculatedShapes())
  let errors = compilation.diagnostics.filter { $0.severity == .error }
  #expect(errors.isEmpty, "\(errors.map(\.message))", sourceLocation: sourceLocation)
  let network = try #require(compilation.network, sourceLocation: sourceLocation)
  return Analyzer.analyze(network)
}

/// Compiles and analyses a zoo spec.
func analyzeZoo(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Analysis {
  let text = try #require(Zoo.text(named: name), sourceLocation: sourceLocation)
  let compilation = SpecCompiler.compile(SourceFile(path: "\(name).cnn", text: text), shapes: CalculatedShapes())
  return Analyzer.analyze(try #require(compilation.network, sourceLocation: sourceLocation))
}

/// The layers that carry weights or change the spatial extent, as (operator, shape, params, MACs):
/// what two descriptions of one architecture must agree on layer by layer, whatever they call
/// their layers and wherever they put activations.
func weightedAndResampling(_ analysis: Analysis) -> [String] {
  analysis.layers.filter { $0.params > 0 || $0.macs > 0 || $0.op.hasSuffix("pool") }.map {
    "\($0.op) \($0.output.shape.map(String.init).joined(separator: "x")) params \($0.params) macs \($0.macs)"
  }
}

extension Analysis {
  /// The facts of the layer called `name`.
  func layer(_ name: String) -> LayerFacts? { layers.first { $0.name == name } }
}

/// Imports a hand-built ONNX model.
func importONNX(_ model: TestModel, inputShapes: [String: [Int]] = [:]) -> Compilation {
  ONNXImporter.compile(
    model.data, source: SourceFile(binaryPath: "test.onnx"), inputShapes: inputShapes, shapes: CalculatedShapes())
}

/// Imports and analyses a committed ONNX fixture, failing the test on any error.
func analyzeONNXFixture(_ file: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Analysis {
  let compilation = ONNXImporter.compile(
    path: fixtures.appendingPathComponent("onnx/\(file)").path, shapes: CalculatedShapes())
  let errors = compilation.diagnostics.filter { $0.severity == .error }
  #expect(errors.isEmpty, "\(errors.map(\.message))", sourceLocation: sourceLocation)
  return Analyzer.analyze(try #require(compilation.network, sourceLocation: sourceLocation))
}

/// PyTorch's own figures for a fixture model (scripts/make-onnx-fixtures.py).
struct PyTorchFigures {
  struct Row: Equatable, CustomStringConvertible {
    var shape: [Int]
    var params: Int
    var macs: Int
    var description: String { "\(shape) params \(params) macs \(macs)" }
  }
  var input: [Int]
  /// The model's output shape (without batch), when the script recorded it.
  var output: [Int]?
  var params: Int
  /// Conv2d, ConvTranspose2d and Linear modules in forward order.
  var layers: [(module: String, type: String, row: Row)]

  init(_ model: String) throws {
    let data = try Data(contentsOf: fixtures.appendingPathComponent("onnx/\(model).expected.json"))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    input = try #require(object["input"] as? [Int])
    output = object["output"] as? [Int]
    params = try #require(object["params"] as? Int)
    let rows = try #require(object["layers"] as? [[String: Any]])
    layers = try rows.map { row in
      (
        try #require(row["module"] as? String), try #require(row["type"] as? String),
        Row(
          shape: try #require(row["shape"] as? [Int]), params: try #require(row["params"] as? Int),
          macs: try #require(row["macs"] as? Int))
      )
    }
  }
}
