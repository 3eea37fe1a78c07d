import CNNGraph

/// Reads the JSON form of a spec (schema `cnncalc-spec/1`, docs/json-spec.md) into the same
/// `Network` the spec language expands to. `JSONGraphBuilder` builds it from the JSON structure;
/// nothing is translated into spec text.
public enum JSONSpecImporter {
  /// The schema identifier of JSON specs.
  public static let schema = JSONSpecSchema.identifier

  /// Compiles a JSON spec.
  public static func compile(
    _ source: SourceFile, inputShapes: [String: [Int]] = [:], limits: ExpansionLimits = ExpansionLimits()
  ) -> Compilation {
    let root: JSONNode
    do {
      root = try JSONReader.parse(source)
    } catch {
      return Compilation(
        source: source, network: nil, diagnostics: [Diagnostic(.syntax, error.message, at: error.range)])
    }
    var builder = JSONGraphBuilder(source: source, limits: limits)
    let network = builder.build(root, overrides: inputShapes)
    var diagnostics = builder.diagnostics
    diagnostics.sort { ($0.range?.start ?? -1) < ($1.range?.start ?? -1) }
    let errors = diagnostics.filter { $0.severity == .error }.count
    let keepsNetwork = network != nil && errors == builder.unreadableExpectations
    return Compilation(source: source, network: keepsNetwork ? network : nil, diagnostics: diagnostics)
  }
}
