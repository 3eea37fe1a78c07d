import CNNGraph

/// A JSON document with ordered object keys, so output is stable and follows the schema's order.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case integer(Int)
  /// A number written as given (an exact decimal such as `0.01`).
  case raw(String)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    lhs.serialized() == rhs.serialized()
  }

  /// A rational as the schema writes it: a number when whole, else a `"p/q"` string.
  public static func rational(_ value: Rational) -> JSONValue {
    value.isInteger ? .integer(value.numerator) : .string(value.description)
  }

  /// The text, pretty-printed with two-space indentation; short arrays of scalars stay on one line.
  public func serialized(indent: Int = 0) -> String {
    let pad = String(repeating: "  ", count: indent)
    let inner = String(repeating: "  ", count: indent + 1)
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .integer(let value): return String(value)
    case .raw(let text): return text
    case .string(let value): return Self.quote(value)
    case .array(let values):
      if values.isEmpty { return "[]" }
      if values.allSatisfy(\.isScalar) { return "[" + values.map { $0.serialized() }.joined(separator: ", ") + "]" }
      return "[\n" + values.map { inner + $0.serialized(indent: indent + 1) }.joined(separator: ",\n") + "\n\(pad)]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      if members.count <= 4, members.allSatisfy({ $0.1.isCompact }) {
        return "{ " + members.map { "\(Self.quote($0.0)): \($0.1.serialized())" }.joined(separator: ", ") + " }"
      }
      return "{\n"
        + members.map { "\(inner)\(Self.quote($0.0)): \($0.1.serialized(indent: indent + 1))" }.joined(separator: ",\n")
        + "\n\(pad)}"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: false
    default: true
    }
  }

  private var isCompact: Bool {
    switch self {
    case .array(let values): values.allSatisfy(\.isScalar) && values.count <= 5
    case .object: false
    default: true
    }
  }

  /// A JSON string literal with the escapes RFC 8259 requires.
  public static func quote(_ text: String) -> String {
    // Most strings need no escape: copy them whole (a name can be 100,000 characters long).
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      return "\"" + text + "\""
    }
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }
}
