import CNNCalc
import CNNSpec

/// Writes an expanded network as a JSON spec (schema `cnncalc-spec/1`, docs/json-spec.md): one
/// object per layer with its unique name, operator, inputs and arguments. Reading it back gives the
/// same network.
public enum SpecExport {
  public static func json(_ network: Network) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("schema", .string(JSONSpecImporter.schema)), ("network", .string(network.name)),
      (
        "inputs",
        .array(
          network.inputs.map {
            .object([("name", .string($0.name)), ("shape", .array($0.shape.map(JSONValue.integer)))])
          })
      ),
      ("layers", .array(network.layers.map { layer(network, $0) })),
      ("outputs", .array(network.outputs.map { .string(network.name(of: $0)) })),
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

  static func axes(_ values: AxisValues) -> JSONValue {
    values.values.count == 1 ? .integer(values.values[0]) : .array(values.values.map(JSONValue.integer))
  }

  static func padding(_ padding: Padding) -> JSONValue {
    switch padding {
    case .same: return .string("same")
    case .valid: return .string("valid")
    case .explicit(let begin, let end):
      if begin == end { return axes(begin) }
      return .string(ExtentText.sides(begin: begin, end: end))
    }
  }

  static func window(_ window: Window, dilation: Bool = true) -> [(String, JSONValue)] {
    var args: [(String, JSONValue)] = [
      ("k", axes(window.kernel)), ("s", axes(window.stride)), ("p", padding(window.padding)),
    ]
    if dilation { args.append(("d", axes(window.dilation))) }
    return args
  }

  /// The operator's arguments under the names the spec language reads (docs/spec-format.md).
  static func arguments(_ op: Operator) -> [(String, JSONValue)] {
    switch op {
    case .convolution(let conv), .transposedConvolution(let conv):
      var args: [(String, JSONValue)] =
        conv.outputs.map { [("out", .integer($0))] } ?? [("mult", .integer(conv.depthMultiplier))]
      args += window(conv.window)
      if let groups = conv.groups { args.append(("g", .integer(groups))) }
      if case .transposedConvolution = op { args.append(("op", axes(conv.outputPadding))) }
      args.append(("bias", .bool(conv.bias)))
      return args
    case .pooling(let pool):
      return window(pool.window, dilation: pool.kind == .max) + [("ceil", .bool(pool.ceilMode))]
    case .adaptivePooling(_, let size): return [("size", axes(size))]
    case .fullyConnected(let outputs, let bias): return [("out", .integer(outputs)), ("bias", .bool(bias))]
    case .reshape(let shape): return [("shape", .array(shape.map(JSONValue.integer)))]
    case .batchNorm(let affine): return [("affine", .bool(affine))]
    case .localResponseNorm(let size): return [("size", .integer(size))]
    case .activation(.leakyRelu(let slope)): return [("slope", .raw(decimal(slope)))]
    case .activation(.prelu(let shared)): return [("shared", .bool(shared))]
    case .channelShuffle(let groups): return [("g", .integer(groups))]
    case .upsample(let upsample):
      switch upsample.target {
      case .scale(let values): return [("scale", axes(values)), ("mode", .string(upsample.mode.rawValue))]
      case .size(let values): return [("size", axes(values)), ("mode", .string(upsample.mode.rawValue))]
      }
    case .pad(let amounts), .crop(let amounts): return [("p", padding(amounts))]
    default: return []
    }
  }

  /// A rational as an exact decimal (`0.01`); values read from specs always have one.
  static func decimal(_ value: Rational) -> String {
    if value.isInteger { return String(value.numerator) }
    var scale = 1
    for places in 1...18 {
      scale *= 10
      if scale % value.denominator == 0 { return Grouping.decimal(value, places: places) }
    }
    return value.description
  }

  /// The `expect` line (without the keyword) of an expectation.
  static func expectText(_ expectation: Expectation) -> String? {
    let subject = expectation.layer.map { $0 + " " } ?? ""
    switch expectation.claim {
    case .shape(let shape):
      return subject + ExtentText.of(shape)
    case .receptiveField(let size, let jump, let start):
      func list(_ values: [Rational]) -> String { values.map(decimal).joined(separator: "x") }
      var text = subject + "rf " + list(size)
      if let jump { text += " jump " + list(jump) }
      if let start { text += " start " + list(start) }
      return text
    case .value(let comparison, let value, let tolerance):
      guard let metric = expectation.metric else { return nil }
      var text =
        subject + metric.rawValue + " " + (comparison == .equal ? "" : comparison.rawValue + " ") + decimal(value)
      switch tolerance {
      case .absolute(let amount): text += " ± " + decimal(amount)
      case .percent(let amount): text += " ± " + decimal(amount) + "%"
      case nil: break
      }
      return text
    }
  }
}
