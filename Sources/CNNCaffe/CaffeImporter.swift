import CNNGraph

/// Reads a Caffe network definition (`deploy.prototxt`, protobuf text format) into the same
/// `Network` every front end builds (docs/import.md, "Caffe"). Diagnostics point into the file.
public enum CaffeImporter {
  /// Compiles a prototxt. `inputShapes` overrides declared input shapes by name (or, with the key
  /// `""`, the first input's); `shapes` computes layer shapes (pass CNNCalc's `CalculatedShapes`).
  /// A layer cnncalc cannot translate is an error, and the layers that do not depend on it are
  /// still built, so the network comes back (with the errors) for analysis.
  public static func compile(
    _ source: SourceFile, inputShapes: [String: [Int]] = [:], limits: ExpansionLimits = ExpansionLimits(),
    shapes: (any ShapeOracle)?
  ) -> Compilation {
    let root: TextMessage
    do {
      root = try TextFormatParser.parse(source)
    } catch {
      return Compilation(source: source, network: nil, diagnostics: [error.diagnostic])
    }
    var builder = CaffeGraphBuilder(source: source, assembler: NetworkAssembler(limits: limits, shapes: shapes))
    let network = builder.build(root, overrides: inputShapes)
    var diagnostics = builder.assembler.diagnostics
    diagnostics.sort { ($0.range?.start ?? -1) < ($1.range?.start ?? -1) }
    return Compilation(source: source, network: network, diagnostics: diagnostics)
  }

  /// Whether a file is a Caffe prototxt, by its name.
  public static func handles(path: String) -> Bool { path.hasSuffix(".prototxt") }
}
