import CNNGraph
import Foundation

/// Reads an ONNX model (`.onnx`, protobuf wire format) into the same `Network` every front end
/// builds (docs/import.md, "ONNX"). The file is mapped, not read: weight payloads are skipped by
/// length and never touched, so a model of hundreds of megabytes imports in milliseconds, and
/// weights in an external data file are described by their dims alone (the file need not exist).
public enum ONNXImporter {
  /// Whether a file is an ONNX model, by its name.
  public static func handles(path: String) -> Bool { path.hasSuffix(".onnx") }

  /// Compiles the ONNX model at `path`. `inputShapes` overrides input shapes by name (or, with
  /// the key `""`, the first input's), without the batch: `[3, 512, 512]`.
  public static func compile(
    path: String, inputShapes: [String: [Int]] = [:], limits: ExpansionLimits = ExpansionLimits(),
    shapes: (any ShapeOracle)?
  ) -> Compilation {
    let source = SourceFile(binaryPath: path)
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      return Compilation(
        source: source, network: nil,
        diagnostics: [Diagnostic(.malformedFile, "cannot be read: \(error.localizedDescription)", at: nil)])
    }
    return compile(data, source: source, inputShapes: inputShapes, limits: limits, shapes: shapes)
  }

  /// Compiles an ONNX model held in memory (`source` names it in diagnostics).
  public static func compile(
    _ data: Data, source: SourceFile, inputShapes: [String: [Int]] = [:], limits: ExpansionLimits = ExpansionLimits(),
    shapes: (any ShapeOracle)?
  ) -> Compilation {
    let parsed = data.withUnsafeBytes { bytes in
      Result { () throws(WireReader.Malformed) -> ONNXModel in try ONNXReader.model(bytes) }
    }
    let model: ONNXModel
    switch parsed {
    case .success(let value): model = value
    case .failure(let error):
      return Compilation(
        source: source, network: nil,
        diagnostics: [
          Diagnostic(
            .malformedFile, "not a readable ONNX model: \(error.message)",
            at: SourceRange(error.offset, error.offset + 1))
        ])
    }
    var builder = ONNXGraphBuilder(model: model, assembler: NetworkAssembler(limits: limits, shapes: shapes))
    let network = builder.build(name: source.defaultNetworkName, overrides: inputShapes)
    return Compilation(source: source, network: network, diagnostics: builder.assembler.diagnostics)
  }
}
