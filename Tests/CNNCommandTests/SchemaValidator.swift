import CNNGraph
import CNNSpec
import Foundation

/// A JSON Schema validator for the subset of draft 2020-12 that cnncalc's schema files use:
/// `type` (one or several), `properties`, `required`, `additionalProperties` (false or a schema),
/// `items`, `enum`, `oneOf`, `anyOf`, `minimum`, `pattern` and local `$ref`s to `#/$defs/…`.
struct SchemaValidator {
  let root: JSONNode
  let source: SourceFile

  init(schemaFile: URL) throws {
    source = SourceFile(path: schemaFile.path, text: try String(contentsOf: schemaFile, encoding: .utf8))
    root = try JSONReader.parse(source)
  }

  /// Every violation, as "path: problem".
  func validate(_ value: JSONNode, against schema: JSONNode? = nil, path: String = "$") -> [String] {
    let schema = schema ?? root
    if case .string(let reference, _)? = schema["$ref"] {
      let name = String(reference.dropFirst("#/$defs/".count))
      guard let definition = root["$defs"]?[name] else { return ["\(path): unknown $ref \(reference)"] }
      return validate(value, against: definition, path: path)
    }
    var problems: [String] = []
    if let types = schema["type"] {
      let allowed: [String]
      switch types {
      case .string(let one, _): allowed = [one]
      case .array(let many, _): allowed = many.compactMap { if case .string(let t, _) = $0 { t } else { nil } }
      default: allowed = []
      }
      if !allowed.contains(where: { matches(value, type: $0) }) {
        return ["\(path): expected \(allowed.joined(separator: " or ")), found \(value.typeName)"]
      }
    }
    if case .array(let options, _)? = schema["enum"] {
      if !options.contains(where: { same($0, value) }) { problems.append("\(path): not one of the allowed values") }
    }
    if case .array(let alternatives, _)? = schema["oneOf"] {
      let passing = alternatives.filter { validate(value, against: $0, path: path).isEmpty }.count
      if passing != 1 { problems.append("\(path): matches \(passing) of the oneOf alternatives, not exactly one") }
    }
    if case .array(let alternatives, _)? = schema["anyOf"],
      !alternatives.contains(where: { validate(value, against: $0, path: path).isEmpty })
    {
      problems.append("\(path): matches none of the anyOf alternatives")
    }
    if case .number(let text, _) = value, case .number(let minimum, _)? = schema["minimum"],
      let number = Double(text), let bound = Double(minimum), number < bound
    {
      problems.append("\(path): \(text) is below the minimum \(minimum)")
    }
    if case .string(let text, _) = value, case .string(let pattern, _)? = schema["pattern"],
      text.range(of: pattern, options: .regularExpression) == nil
    {
      problems.append("\(path): '\(text)' does not match \(pattern)")
    }
    if case .object(let members, _) = value {
      if case .array(let required, _)? = schema["required"] {
        for case .string(let key, _) in required where !members.contains(where: { $0.key == key }) {
          problems.append("\(path): missing \(key)")
        }
      }
      for member in members {
        if let property = schema["properties"]?[member.key] {
          problems += validate(member.value, against: property, path: "\(path).\(member.key)")
        } else if let additional = schema["additionalProperties"] {
          if case .bool(false, _) = additional {
            problems.append("\(path): unexpected member \(member.key)")
          } else if case .object = additional {
            problems += validate(member.value, against: additional, path: "\(path).\(member.key)")
          }
        }
      }
    }
    if case .array(let elements, _) = value, let items = schema["items"] {
      for (index, element) in elements.enumerated() {
        problems += validate(element, against: items, path: "\(path)[\(index)]")
      }
    }
    return problems
  }

  func matches(_ value: JSONNode, type: String) -> Bool {
    switch (type, value) {
    case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): return true
    case ("number", .number): return true
    case ("integer", .number(let text, _)): return !text.contains(".") && !text.contains("e") && !text.contains("E")
    default: return false
    }
  }

  func same(_ a: JSONNode, _ b: JSONNode) -> Bool {
    switch (a, b) {
    case (.string(let x, _), .string(let y, _)): x == y
    case (.number(let x, _), .number(let y, _)): x == y
    case (.bool(let x, _), .bool(let y, _)): x == y
    case (.null, .null): true
    default: false
    }
  }
}
