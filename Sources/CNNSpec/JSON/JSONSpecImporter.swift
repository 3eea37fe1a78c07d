/// Reads the JSON form of a spec (schema `cnncalc-spec/1`, docs/json-spec.md).
///
/// The JSON is translated line by line into the spec language and compiled by the same compiler,
/// so both forms mean exactly the same; every diagnostic and every layer location is mapped back to
/// the JSON value it came from.
public enum JSONSpecImporter {
  /// The schema identifier of JSON specs.
  public static let schema = "cnncalc-spec/1"

  /// Compiles a JSON spec.
  public static func compile(
    _ source: SourceFile, inputShapes: [String: [Int]] = [:], limits: ExpansionLimits = ExpansionLimits()
  ) -> Compilation {
    var translation = Translation()
    do {
      let root = try JSONReader.parse(source)
      try translation.translate(root)
    } catch let failure as JSONReader.Failure {
      return Compilation(
        source: source, network: nil, diagnostics: [Diagnostic(.syntax, failure.message, at: failure.range)])
    } catch let problem as Translation.Problem {
      return Compilation(source: source, network: nil, diagnostics: [problem.diagnostic])
    } catch {
      return Compilation(source: source, network: nil, diagnostics: [Diagnostic(.syntax, "\(error)", at: nil)])
    }
    let generated = SourceFile(path: source.path, text: translation.lines.joined(separator: "\n") + "\n")
    var compilation = SpecCompiler.compile(generated, inputShapes: inputShapes, limits: limits)
    let map = LocationMap(generated: generated, origins: translation.origins)
    compilation.source = source
    compilation.diagnostics = compilation.diagnostics.map { diagnostic in
      var mapped = diagnostic
      mapped.range = diagnostic.range.map(map.origin)
      return mapped
    }
    if var network = compilation.network {
      for index in network.layers.indices {
        network.layers[index].range = network.layers[index].range.map(map.origin)
      }
      for index in network.inputs.indices { network.inputs[index].range = network.inputs[index].range.map(map.origin) }
      for index in network.layers.indices {
        if let depth = translation.depths[network.layers[index].name] { network.layers[index].depth = depth }
      }
      for index in network.expectations.indices {
        network.expectations[index].range = network.expectations[index].range.map(map.origin)
      }
      compilation.network = network
    }
    return compilation
  }

  /// Maps a range in the generated text to the JSON value its line came from.
  struct LocationMap {
    let generated: SourceFile
    let origins: [SourceRange]

    func origin(_ range: SourceRange) -> SourceRange {
      let line = generated.lineAndColumn(of: range.start).line - 1
      return line < origins.count ? origins[line] : SourceRange(0, 0)
    }
  }

  /// The spec-language lines generated from the JSON, with the JSON range of each.
  struct Translation {
    var lines: [String] = []
    var origins: [SourceRange] = []
    /// Display depths given in the JSON (`"depth"`), by layer name.
    var depths: [String: Int] = [:]

    struct Problem: Error {
      var diagnostic: Diagnostic
    }

    mutating func emit(_ line: String, _ origin: SourceRange) {
      lines.append(line)
      origins.append(origin)
    }

    func problem(_ message: String, _ node: JSONNode, hint: String? = nil) -> Problem {
      Problem(diagnostic: Diagnostic(.syntax, message, at: node.range, hint: hint))
    }

    func string(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> String {
      guard let node else { throw problem("missing \(what)", parent) }
      guard case .string(let text, _) = node else {
        throw problem("\(what) must be a string, found \(node.typeName)", node)
      }
      return text
    }

    /// A name usable in the spec language.
    func name(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> String {
      let text = try string(node, what, in: parent)
      let bytes = Array(text.utf8)
      guard let first = bytes.first, Lexer.isWordStart(first), bytes.allSatisfy(Lexer.isWordByte) else {
        throw problem(
          "'\(text)' is not a valid name", node!, hint: "names are a letter or '_', then letters, digits, '_' and '.'")
      }
      return text
    }

    func array(_ node: JSONNode?, _ what: String, in parent: JSONNode) throws(Problem) -> [JSONNode] {
      guard let node else { throw problem("missing \(what)", parent) }
      guard case .array(let elements, _) = node else {
        throw problem("\(what) must be an array, found \(node.typeName)", node)
      }
      return elements
    }

    func integer(_ node: JSONNode) throws(Problem) -> Int {
      guard case .number(let text, _) = node, let value = Literals.integer(Substring(text)) else {
        throw problem("expected a non-negative integer, found \(node.typeName)", node)
      }
      return value
    }

    mutating func translate(_ root: JSONNode) throws(Problem) {
      guard case .object = root else { throw problem("a JSON spec is an object", root) }
      if let schema = root["schema"] {
        let text = try string(schema, "schema", in: root)
        guard text == JSONSpecImporter.schema else {
          throw problem("unknown schema '\(text)'", schema, hint: "this version reads \(JSONSpecImporter.schema)")
        }
      }
      if let network = root["network"] {
        let text = try string(network, "network", in: root)
        emit("network \(text.filter { $0.isLetter || $0.isNumber || "_-.".contains($0) })", network.range)
      }
      for input in try array(root["inputs"], "inputs", in: root) {
        let inputName = try name(input["name"], "input name", in: input)
        let shape = try array(input["shape"], "input shape", in: input).map { node throws(Problem) in
          String(try integer(node))
        }
        emit("input \(inputName) \(shape.joined(separator: "x"))", input.range)
      }
      for layer in try array(root["layers"], "layers", in: root) {
        try translateLayer(layer)
      }
      if let outputs = root["outputs"] {
        let names = try array(outputs, "outputs", in: root).map { node throws(Problem) in
          try name(node, "output name", in: outputs)
        }
        if !names.isEmpty { emit("output " + names.joined(separator: " "), outputs.range) }
      }
      if let expectations = root["expect"] {
        for claim in try array(expectations, "expect", in: root) {
          emit("expect " + (try string(claim, "expect line", in: expectations)), claim.range)
        }
      }
    }

    mutating func translateLayer(_ layer: JSONNode) throws(Problem) {
      guard case .object = layer else { throw problem("a layer is an object", layer) }
      let layerName = try name(layer["name"], "layer name", in: layer)
      let op = try name(layer["op"], "layer op", in: layer)
      var inputs: [String] = []
      if let list = layer["inputs"] {
        inputs = try array(list, "inputs", in: layer).map { node throws(Problem) in
          try name(node, "input name", in: list)
        }
      }
      var arguments: [String] = []
      if let args = layer["args"] {
        guard case .object(let members, _) = args else { throw problem("args must be an object", args) }
        for member in members {
          let bytes = Array(member.key.utf8)
          guard let first = bytes.first, Lexer.isWordStart(first), bytes.allSatisfy(Lexer.isWordByte) else {
            throw problem("'\(member.key)' is not an argument name", args)
          }
          arguments.append(try argument(member.key, member.value))
        }
      }
      if let depth = layer["depth"] { depths[layerName] = min(try integer(depth), 64) }
      let origin = layer["name"]?.range ?? layer.range
      let isMerge = ["concat", "cat", "add", "sum", "mul"].contains(op)
      if isMerge {
        emit("\(layerName): \(op) \(inputs.joined(separator: " ")) \(arguments.joined(separator: " "))", origin)
      } else if inputs.count > 1 {
        throw problem("'\(op)' reads one input; \(inputs.count) are listed", layer["inputs"]!)
      } else {
        let from = inputs.first.map { "from \($0) | " } ?? ""
        emit("\(layerName): \(from)\(op) \(arguments.joined(separator: " "))", origin)
      }
    }

    /// One argument in spec syntax: `k=3`, `k=3x5`, `p=0:1`, `bias=off`, a bare flag for `true`.
    func argument(_ key: String, _ value: JSONNode) throws(Problem) -> String {
      switch value {
      case .number(let text, _):
        guard text.allSatisfy({ $0.isNumber || $0 == "." }), Literals.decimal(Substring(text)) != nil else {
          throw problem("'\(key)' must be a non-negative number", value)
        }
        return "\(key)=\(text)"
      case .array(let elements, _):
        return "\(key)="
          + (try elements.map { node throws(Problem) in String(try integer(node)) }).joined(separator: "x")
      case .string(let text, _):
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || ":._".contains($0) }) else {
          throw problem("'\(key)' has a value the spec language cannot express: '\(text)'", value)
        }
        return "\(key)=\(text)"
      case .bool(let flag, _):
        if key == "bias" || key == "affine" { return "\(key)=\(flag ? "on" : "off")" }
        return flag ? key : ""
      default:
        throw problem("'\(key)' cannot be \(value.typeName)", value)
      }
    }
  }
}
