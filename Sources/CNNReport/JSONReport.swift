import CNNCalc
import CNNGraph

/// The `cnncalc/1` JSON report (schema in docs/json-report.md and PRODUCT.md).
public enum JSONReport {
  /// The schema identifier written in every report.
  public static let schema = "cnncalc/1"

  /// The report of one analysis; `diagnostics` are all findings for the spec (syntax and analysis).
  public static func report(_ analysis: Analysis, diagnostics: [Diagnostic], source: SourceFile?) -> JSONValue {
    let batch = analysis.options.batch
    let inputs: [JSONValue] = analysis.inputs.map {
      .object([("name", .string($0.name)), ("shape", .array(([batch] + $0.shape).map(JSONValue.integer)))])
    }
    let layers: [JSONValue] = analysis.layers.map { layer in
      .object([
        ("name", .string(layer.name)), ("op", .string(layer.op)),
        ("inputs", .array(layer.inputs.map(JSONValue.string))),
        ("output_shape", .array(([batch] + layer.output.shape).map(JSONValue.integer))),
        ("params", .integer(layer.params)), ("buffers", .integer(layer.buffers)), ("macs", .integer(layer.macs)),
        ("other_ops", .integer(layer.otherOps)), ("activation_bytes", .integer(layer.activationBytes)),
        ("storage", .string(layer.storage.rawValue)), ("depth", .integer(layer.depth)),
        ("rf", field(layer.output.receptiveField)),
      ])
    }
    let t = analysis.totals
    // A total that was not computed is null, never 0.
    func total(_ value: Int) -> JSONValue { analysis.totalsComplete ? .integer(value) : .null }
    let totals: JSONValue = .object([
      ("params", total(t.params)), ("trainable_params", total(t.trainableParams)),
      ("buffers", total(t.buffers)),
      ("macs", total(t.macs)), ("flops", total(t.flops)), ("other_ops", total(t.otherOps)),
      ("input_bytes", total(t.inputBytes)), ("activation_bytes", total(t.activationBytes)),
      ("peak_activation_bytes", total(t.peakActivationBytes)), ("param_bytes", total(t.paramBytes)),
      ("training_bytes", total(t.trainingBytes)),
    ])
    let unevaluated: [JSONValue] = analysis.diagnostics.filter { $0.code == .expectNotEvaluated }.map { diagnostic in
      let line = diagnostic.range.flatMap { range in source.map { $0.lineAndColumn(of: range.start).line } }
      let text = diagnostic.range.flatMap { range in source.map { $0.lineText($0.lineAndColumn(of: range.start).line) }
      }
      return .object([("line", line.map(JSONValue.integer) ?? .null), ("text", text.map(JSONValue.string) ?? .null)])
    }
    return .object([
      ("schema", .string(schema)), ("network", .string(analysis.network.name)), ("batch", .integer(batch)),
      ("dtype", .string(analysis.options.dtype.rawValue)), ("complete", .bool(analysis.totalsComplete)),
      ("stopped_at", analysis.stoppedAt.map(JSONValue.string) ?? .null),
      ("unevaluated_expect", .array(unevaluated)), ("inputs", .array(inputs)), ("layers", .array(layers)),
      ("totals", totals), ("diagnostics", .array(diagnostics.map { DiagnosticRenderer.json($0, source: source) })),
    ])
  }

  /// `{"size": …, "jump": …, "start": …}` (plus `min_size` where merging paths differ and
  /// `padding`), or `{"coverage": "whole" | "irregular"}`.
  public static func field(_ field: ReceptiveField) -> JSONValue {
    switch field {
    case .whole: return .object([("coverage", .string("whole"))])
    case .irregular: return .object([("coverage", .string("irregular"))])
    case .unknown(let reason): return .object([("coverage", .string("unknown")), ("reason", .string(reason))])
    case .regular(let regular):
      func list(_ values: [Rational]) -> JSONValue { .array(values.map(JSONValue.rational)) }
      var members: [(String, JSONValue)] = [
        ("size", list(regular.size)), ("jump", list(regular.jump)), ("start", list(regular.start)),
      ]
      if regular.minSize != regular.size { members.append(("min_size", list(regular.minSize))) }
      if let padding = try? regular.effectivePadding() { members.append(("padding", list(padding))) }
      return .object(members)
    }
  }
}
