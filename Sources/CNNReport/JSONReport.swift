import CNNCalc
import CNNSpec

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
    let totals: JSONValue = .object([
      ("params", .integer(t.params)), ("trainable_params", .integer(t.trainableParams)),
      ("buffers", .integer(t.buffers)),
      ("macs", .integer(t.macs)), ("flops", .integer(t.flops)), ("other_ops", .integer(t.otherOps)),
      ("input_bytes", .integer(t.inputBytes)), ("activation_bytes", .integer(t.activationBytes)),
      ("peak_activation_bytes", .integer(t.peakActivationBytes)), ("param_bytes", .integer(t.paramBytes)),
      ("training_bytes", .integer(t.trainingBytes)),
    ])
    return .object([
      ("schema", .string(schema)), ("network", .string(analysis.network.name)), ("batch", .integer(batch)),
      ("dtype", .string(analysis.options.dtype.rawValue)), ("inputs", .array(inputs)), ("layers", .array(layers)),
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
