import CNNGraph

/// Builds a `Network` straight from the structure of a JSON spec (docs/json-spec.md).
///
/// Each layer's arguments become evaluated values for the same `OperatorBuilder` the spec language
/// uses, so both forms accept and refuse the same things; each `expect` entry is parsed as exactly
/// one claim. No JSON value is ever read as spec syntax beyond that one claim, so no string can add
/// a layer. Every diagnostic points into the JSON file.
struct JSONGraphBuilder {
  let source: SourceFile
  let limits: ExpansionLimits
  private(set) var diagnostics: [Diagnostic] = []
  /// `expect` entries that could not be read: they do not drop the network (as in spec text).
  private(set) var unreadableExpectations = 0
  private var inputs: [NetworkInput] = []
  private var layers: [Layer] = []
  /// Inputs and layers by name.
  private var names: [String: TensorID] = [:]
  /// Groups from "groups": labels over several layers.
  private var groups: [LayerGroup] = []
  /// Layers whose entry had an error: readers of them are skipped without a second error.
  private var failed = Set<String>()

  /// A problem with the document's structure: reported, and building stops.
  struct Problem: Error {
    var diagnostic: Diagnostic
  }

  init(source: SourceFile, limits: ExpansionLimits) {
    self.source = source
    self.limits = limits
  }

  static let rootMembers = ["schema", "network", "inputs", "layers", "groups", "outputs", "expect"]
  static let layerMembers = ["name", "op", "inputs", "args", "depth"]
  static let inputMembers = ["name", "shape"]

  /// The network, or nil after a structural problem (in `diagnostics`).
  mutating func build(_ root: JSONNode, overrides: [String: [Int]]) -> Network? {
    do {
      return try buildNetwork(root, overrides: overrides)
    } catch {
      diagnostics.append(error.diagnostic)
      return nil
    }
  }

  private mutating func buildNetwork(_ root: JSONNode, overrides: [String: [Int]]) throws(Problem) -> Network {
    guard case .object = root else { throw problem("a JSON spec is an object", root) }
    try checkMembers(root, allowed: Self.rootMembers, what: "a JSON spec")
    if let schema = root["schema"] {
      let text = try string(schema, "schema", in: root)
      guard text == JSONSpecImporter.schema else {
        throw problem("unknown schema '\(text)'", schema, hint: "this version reads \(JSONSpecImporter.schema)")
      }
    }
    var networkName = source.defaultNetworkName
    if let network = root["network"] { networkName = try string(network, "network", in: root) }
    var declared: [DeclaredInput] = []
    for input in try array(root["inputs"], "inputs", in: root) {
      guard case .object = input else { throw problem("an input is an object with a name and a shape", input) }
      try checkMembers(input, allowed: Self.inputMembers, what: "an input")
      let name = try self.name(input["name"], "input name", in: input)
      let shapeNode = try present(input["shape"], "input shape", in: input)
      let shape = try array(shapeNode, "input shape", in: input).map { node throws(Problem) in try integer(node) }
      declared.append(DeclaredInput(name: name, shape: shape, shapeRange: shapeNode.range))
    }
    inputs = InputBinding.bind(declared, overrides: overrides, diagnostics: &diagnostics)
    for (index, input) in inputs.enumerated() where names[input.name] == nil { names[input.name] = .input(index) }
    for layer in try array(root["layers"], "layers", in: root) { try addLayer(layer) }
    var outputs = Network.defaultOutputs(inputCount: inputs.count, layerCount: layers.count)
    if let list = root["outputs"] {
      var named: [TensorID] = []
      for node in try array(list, "outputs", in: root) {
        let name = try self.name(node, "output name", in: list)
        if let tensor = resolve(name) { named.append(tensor) }
      }
      if !named.isEmpty { outputs = named }
    }
    if let list = root["groups"] {
      for node in try array(list, "groups", in: root) { try addGroup(node) }
    }
    var expectations: [Expectation] = []
    if let list = root["expect"] {
      for claim in try array(list, "expect", in: root) {
        if let expectation = try expectation(claim, in: list) { expectations.append(expectation) }
      }
    }
    var network = Network(
      name: networkName, inputs: inputs, layers: layers, outputs: outputs, expectations: expectations)
    network.groups = groups
    return network
  }

  // MARK: - Layers

  private mutating func addLayer(_ node: JSONNode) throws(Problem) {
    guard case .object = node else { throw problem("a layer is an object", node) }
    try checkMembers(node, allowed: Self.layerMembers, what: "a layer")
    let name = try self.name(node["name"], "layer name", in: node)
    let opNode = try present(node["op"], "layer op", in: node)
    let opText = try string(opNode, "layer op", in: node)
    guard layers.count < limits.maximumLayers else {
      throw problem(
        "the network has more than \(limits.maximumLayers) layers", node["name"] ?? node, code: .tooLarge)
    }
    if names[name.value] != nil {
      report(Diagnostic(.duplicateName, "'\(name.value)' is already the name of an input or layer", at: name.range))
      return
    }
    var depth = 0
    if let depthNode = node["depth"] { depth = min(try integer(depthNode), 64) }
    guard let kind = OperatorKind.named(opText) else {
      var hint = Suggestions.didYouMean(opText, in: OperatorKind.allNames)
      if opText == "from" { hint = "a JSON layer names what it reads in \"inputs\"; 'from' is spec-language syntax" }
      fail(
        name,
        Diagnostic(
          .unknownLayer, "unknown layer type '\(opText)'", at: opNode.range,
          hint: hint ?? "see docs/spec-format.md for the layer catalogue"))
      return
    }
    let keyword = kind.rawValue
    var reader = ArgumentReader(op: keyword, positional: [], keyed: [], whole: opNode.range)
    if let args = node["args"] {
      guard case .object(let members, _) = args else { throw problem("args must be an object", args) }
      for member in members {
        switch member.value {
        case .bool(let on, let range) where kind.declaration.parameter(member.key)?.type == .flag:
          if on { reader.positional.append((.word(member.key), range)) }
        case .bool(let on, let range):
          reader.keyed.append(
            .init(key: member.key, keyRange: member.keyRange, value: .word(on ? "on" : "off"), range: range))
        default:
          guard let value = argumentValue(member.value) else {
            fail(
              name,
              Diagnostic(
                .badArgument, "'\(member.key)' cannot be \(member.value.typeName) here", at: member.value.range,
                hint: "numbers (16, 0.5), per-axis lists ([3, 5]), strings for sides and modes (\"0:1\", \"same\") "
                  + "and booleans for switches"))
            return
          }
          reader.keyed.append(
            .init(key: member.key, keyRange: member.keyRange, value: value, range: member.value.range))
        }
      }
    }
    let op: Operator
    do {
      op = try OperatorBuilder.make(kind, &reader)
      if kind.declaration.isMerge { try reader.finish(known: []) }
    } catch {
      fail(name, error.diagnostic)
      return
    }
    var readsFrom: [TensorID] = []
    if let list = node["inputs"] {
      for operand in try array(list, "inputs", in: node) {
        let operandName = try self.name(operand, "input name", in: list)
        guard let tensor = resolve(operandName) else {
          failed.insert(name.value)
          return
        }
        readsFrom.append(tensor)
      }
    } else if let previous = layers.indices.last.map(TensorID.layer) ?? (inputs.isEmpty ? nil : .input(0)) {
      readsFrom = [previous]
    }
    let isMerge = kind.declaration.isMerge
    if isMerge, readsFrom.count < 2 {
      fail(
        name,
        Diagnostic(
          .missingArgument, "'\(keyword)' needs at least two inputs", at: node["inputs"]?.range ?? name.range,
          hint: "list them: \"inputs\": [\"a\", \"b\"]"))
      return
    }
    if !isMerge, readsFrom.count != 1 {
      fail(
        name,
        Diagnostic(
          .badArgument, "'\(keyword)' reads one input; \(readsFrom.count) are listed",
          at: node["inputs"]?.range ?? name.range))
      return
    }
    names[name.value] = .layer(layers.count)
    layers.append(Layer(name: name.value, op: op, inputs: readsFrom, range: name.range, depth: depth))
  }

  /// An evaluated argument from a JSON value: numbers (negative too: validated by the reader, as
  /// evaluated expressions are), lists of integers, and strings holding a literal or a word.
  private func argumentValue(_ node: JSONNode) -> ArgumentValue? {
    switch node {
    case .number(let text, _):
      return number(text)
    case .array(let elements, _):
      var values: [Int] = []
      for element in elements {
        guard case .number(let text, _) = element, case .integer(let value)? = number(text) else { return nil }
        values.append(value)
      }
      return values.isEmpty ? nil : values.count == 1 ? .integer(values[0]) : .dimensions(values)
    case .string(let text, _):
      if Lexer.isWord(text) { return .word(text) }
      // An exact fraction with no finite decimal, as export writes it: "1/170".
      let parts = text.split(separator: "/", omittingEmptySubsequences: false)
      if parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), d > 0, let value = try? Rational(n, d) {
        return .decimal(value)
      }
      return ArgumentValue.literal(Substring(text))
    default:
      return nil
    }
  }

  /// A JSON number as an integer or an exact decimal; nil for exponents or beyond 64 bits.
  private func number(_ text: String) -> ArgumentValue? {
    let negative = text.hasPrefix("-")
    let digits = Substring(text.dropFirst(negative ? 1 : 0))
    if let value = Literals.integer(digits), digits.allSatisfy(\.isNumber) {
      return .integer(negative ? -value : value)
    }
    if digits.allSatisfy({ $0.isNumber || $0 == "." }), let value = Literals.decimal(digits) {
      return .decimal(negative ? ((try? -value) ?? value) : value)
    }
    return nil
  }

  // MARK: - Expectations

  /// One `expect` entry: exactly one claim, located in the JSON string it came from.
  private mutating func expectation(_ node: JSONNode, in list: JSONNode) throws(Problem) -> Expectation? {
    let text = try string(node, "expect entry", in: list)
    if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0 == "#" }) {
      report(
        Diagnostic(
          .syntax,
          "an expect entry is one claim on one line; found \(bad == "#" ? "'#'" : "a control character")",
          at: node.range, hint: "write one entry per claim, e.g. \"params 61100840\""))
      unreadableExpectations += 1
      return nil
    }
    let claim = SourceFile(path: source.path, text: text)
    // Offsets inside the string map to the JSON file when the string has no escapes; otherwise
    // diagnostics point at the whole string.
    let raw = source.text(node.range)
    let verbatim = raw == "\"" + text + "\""
    func located(_ range: SourceRange) -> SourceRange {
      verbatim ? SourceRange(node.range.start + 1 + range.start, node.range.start + 1 + range.end) : node.range
    }
    let (syntax, problems) = Parser.parseExpectation(claim)
    var scope = Expander.Scope(prefix: "")
    scope.names = names
    var result: Expectation?
    var errors = problems
    if let syntax {
      do {
        result = try ExpectationReader(source: claim).read(
          syntax, scope: scope, inputs: inputs, layers: layers,
          layerIndex: Dictionary(layers.indices.map { (layers[$0].name, $0) }, uniquingKeysWith: { a, _ in a }),
          groups: groups)
        result?.range = node.range
      } catch {
        if let diagnostic = error.diagnostic { errors.append(diagnostic) }
      }
    }
    for var diagnostic in errors {
      diagnostic.range = diagnostic.range.map(located)
      report(diagnostic)
    }
    if result == nil { unreadableExpectations += 1 }
    return result
  }

  /// One group: a name and the consecutive layers it spans, named in order.
  private mutating func addGroup(_ node: JSONNode) throws(Problem) {
    guard case .object = node else { throw problem("a group is an object with a name and its layers", node) }
    try checkMembers(node, allowed: ["name", "layers"], what: "a group")
    let name = try self.name(node["name"], "group name", in: node)
    let list = try present(node["layers"], "group layers", in: node)
    var indices: [Int] = []
    for member in try array(list, "group layers", in: node) {
      let memberName = try self.name(member, "layer name", in: list)
      guard case .layer(let index)? = names[memberName.value] else {
        throw problem("'\(memberName.value)' is not a layer", member, code: .unknownName)
      }
      indices.append(index)
    }
    guard let first = indices.first, indices.count > 1, indices == Array(first..<first + indices.count) else {
      throw problem(
        "a group lists two or more consecutive layers, in order", list,
        hint: "groups are what a labelled chain made; export writes them")
    }
    guard !groups.contains(where: { $0.name == name.value }) else {
      throw problem("group '\(name.value)' is given twice", node["name"]!, code: .duplicateName)
    }
    groups.append(LayerGroup(name: name.value, layers: first..<first + indices.count))
  }

  // MARK: - Names and values

  /// The tensor `name` names; nil (reported, unless it names a layer that already failed) if none.
  private mutating func resolve(_ name: Located<String>) -> TensorID? {
    if let tensor = names[name.value] { return tensor }
    if failed.contains(name.value) { return nil }
    report(
      Diagnostic(
        .unknownName, "unknown layer or input '\(name.value)'", at: name.range,
        hint: Suggestions.didYouMean(name.value, in: names.keys) ?? "a layer can only read inputs and layers above it"))
    return nil
  }

  private mutating func fail(_ layer: Located<String>, _ diagnostic: Diagnostic) {
    failed.insert(layer.value)
    report(diagnostic)
  }

  private mutating func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

  private func problem(
    _ message: String, _ node: JSONNode, hint: String? = nil, code: DiagnosticCode = .syntax
  ) -> Problem {
    problem(message, at: node.range, code: code, hint: hint)
  }

  private func problem(_ message: String, at range: SourceRange, code: DiagnosticCode, hint: String? = nil) -> Problem {
    Problem(diagnostic: Diagnostic(code, message, at: range, hint: hint))
  }

  private func checkMembers(_ node: JSONNode, allowed: [String], what: String) throws(Problem) {
    guard case .object(let members, _) = node else { return }
    var seen = Set<String>()
    for member in members {
      guard allowed.contains(member.key) else {
        throw problem(
          "\(what) has no member '\(member.key)'", at: member.keyRange, code: .unknownArgument,
          hint: Suggestions.didYouMean(member.key, in: allowed) ?? "members: \(allowed.joined(separator: ", "))")
      }
      guard seen.insert(member.key).inserted else {
        throw problem("'\(member.key)' is given twice", at: member.keyRange, code: .unknownArgument)
      }
    }
  }

  private func present(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> JSONNode {
    guard let node else { throw problem("missing \(what)", parent) }
    return node
  }

  private func string(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> String {
    let node = try present(node, what, in: parent)
    guard case .string(let text, _) = node else {
      throw problem("\(what) must be a string, found \(node.typeName)", node)
    }
    return text
  }

  /// A name as the spec language writes them, so that `expect` entries and exports can name it.
  private func name(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> Located<String> {
    let text = try string(node, what, in: parent)
    guard Lexer.isWord(text) else {
      throw problem(
        "'\(text)' is not a valid name", node!, hint: "names are a letter or '_', then letters, digits, '_' and '.'")
    }
    return Located(value: text, range: node!.range)
  }

  private func array(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> [JSONNode] {
    let node = try present(node, what, in: parent)
    guard case .array(let elements, _) = node else {
      throw problem("\(what) must be an array, found \(node.typeName)", node)
    }
    return elements
  }

  private func integer(_ node: JSONNode) throws(Problem) -> Int {
    guard case .number(let text, _) = node, text.allSatisfy(\.isNumber), let value = Literals.integer(Substring(text))
    else {
      throw problem(
        "expected a non-negative integer, found \(node.typeName == "a number" ? "'\(source.text(node.range))'" : node.typeName)",
        node)
    }
    return value
  }
}
