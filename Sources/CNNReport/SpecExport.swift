import CNNCalc
import CNNGraph

/// Writes an expanded network as a JSON spec (schema `cnncalc-spec/1`, docs/json-spec.md): one
/// object per layer with its unique name, operator, inputs and arguments. Reading it back gives the
/// same network.
public enum SpecExport {
  public static func json(_ network: Network) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("schema", .string(JSONSpecSchema.identifier)), ("network", .string(network.name)),
      (
        "inputs",
        .array(
          network.inputs.map {
            .object([("name", .string($0.name)), ("shape", .array($0.shape.map(JSONValue.integer)))])
          })
      ),
      ("layers", .array(network.layers.map { layer(network, $0) })),
    ]
    if !network.groups.isEmpty {
      members.append(
        (
          "groups",
          .array(
            network.groups.map { group in
              .object([
                ("name", .string(group.name)),
                ("layers", .array(group.layers.map { .string(network.layers[$0].name) })),
              ])
            })
        ))
    }
    members += [
      ("outputs", .array(network.outputs.map { .string(network.name(of: $0)) }))
    ]
    if !network.expectations.isEmpty {
      members.append(("expect", .array(network.expectations.compactMap { expectText($0).map(JSONValue.string) })))
    }
    return .object(members)
  }

  static func layer(_ network: Network, _ layer: Layer) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("name", .string(layer.name)), ("op", .string(layer.op.keyword)),
      ("inputs", .array(layer.inputs.map { .string(network.name(of: $0)) })),
    ]
    if layer.depth > 0 { members.append(("depth", .integer(layer.depth))) }
    let args = arguments(layer.op)
    if !args.isEmpty { members.append(("args", .object(args))) }
    return .object(members)
  }

  /// The operator's arguments under the names the spec language reads (docs/spec-format.md).
  static func arguments(_ op: Operator) -> [(String, JSONValue)] {
    op.arguments.map { ($0.name, json($0.value)) }
  }

  static func json(_ argument: OperatorArgument) -> JSONValue {
    switch argument {
    case .integer(let value): .integer(value)
    case .axes(let values):
      values.values.count == 1 ? .integer(values.values[0]) : .array(values.values.map(JSONValue.integer))
    case .padding(let padding):
      if case .explicit(let begin, let end) = padding, begin == end {
        json(.axes(begin))
      } else {
        .string(padding.specText)
      }
    case .decimal(let value): value.hasFiniteDecimal ? .raw(value.exactDecimal) : .string(value.description)
    case .boolean(let on), .flag(let on): .bool(on)
    case .word(let word): .string(word)
    }
  }

  /// The `expect` line (without the keyword) of an expectation.
  static func expectText(_ expectation: Expectation) -> String? {
    let subject = expectation.subject.map { $0 + " " } ?? ""
    switch expectation.claim {
    case .shape(let shape):
      return subject + ExtentText.of(shape)
    case .receptiveField(let size, let jump, let start):
      func list(_ values: [Rational]) -> String { values.map(\.exactDecimal).joined(separator: "x") }
      var text = subject + "rf " + list(size)
      if let jump { text += " jump " + list(jump) }
      if let start { text += " start " + list(start) }
      return text
    case .value(let comparison, let value, let tolerance):
      guard let metric = expectation.metric else { return nil }
      var text =
        subject + metric.rawValue + " " + (comparison == .equal ? "" : comparison.rawValue + " ") + value.exactDecimal
      switch tolerance {
      case .absolute(let amount): text += " ± " + amount.exactDecimal
      case .percent(let amount): text += " ± " + amount.exactDecimal + "%"
      case nil: break
      }
      return text
    }
  }
}
