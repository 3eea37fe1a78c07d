import CNNGraph

/// A parsed JSON value that remembers where it was written, so that errors in JSON specs point at
/// the offending value.
public indirect enum JSONNode: Sendable {
  case null(SourceRange)
  case bool(Bool, SourceRange)
  /// A number kept as its text (integers are read exactly by `Literals`).
  case number(String, SourceRange)
  case string(String, SourceRange)
  case array([JSONNode], SourceRange)
  /// Members in document order.
  case object([(key: String, keyRange: SourceRange, value: JSONNode)], SourceRange)

  /// Where the value was written.
  public var range: SourceRange {
    switch self {
    case .null(let r), .bool(_, let r), .number(_, let r), .string(_, let r), .array(_, let r), .object(_, let r): r
    }
  }

  /// The member `key` of an object.
  public subscript(key: String) -> JSONNode? {
    guard case .object(let members, _) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// A short name of the value's type for messages.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// An RFC 8259 JSON parser over a `SourceFile`'s bytes, with nesting limited so hostile input
/// cannot exhaust the stack.
public struct JSONReader {
  private let bytes: [UInt8]
  private var position = 0
  private var depth = 0

  /// The deepest nesting accepted.
  public static let maximumDepth = 64

  /// A syntax error at `range`.
  public struct Failure: Error, Sendable {
    public var message: String
    public var range: SourceRange
  }

  /// Parses the whole file as one JSON value.
  public static func parse(_ source: SourceFile) throws(Failure) -> JSONNode {
    var reader = JSONReader(bytes: source.bytes)
    reader.skipWhitespace()
    let value = try reader.value()
    reader.skipWhitespace()
    guard reader.position == reader.bytes.count else {
      throw Failure(
        message: "unexpected text after the JSON value", range: SourceRange(reader.position, reader.position + 1))
    }
    return value
  }

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  private func fail(_ message: String) -> Failure {
    Failure(message: message, range: SourceRange(position, min(position + 1, bytes.count)))
  }

  private mutating func skipWhitespace() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  private mutating func value() throws(Failure) -> JSONNode {
    guard position < bytes.count else { throw fail("unexpected end of the JSON text") }
    let start = position
    switch bytes[position] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""):
      let text = try string()
      return .string(text, SourceRange(start, position))
    case UInt8(ascii: "t"): return try literal("true", .bool(true, SourceRange(start, start + 4)))
    case UInt8(ascii: "f"): return try literal("false", .bool(false, SourceRange(start, start + 5)))
    case UInt8(ascii: "n"): return try literal("null", .null(SourceRange(start, start + 4)))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      while position < bytes.count, "+-.eE0123456789".utf8.contains(bytes[position]) { position += 1 }
      return .number(String(decoding: bytes[start..<position], as: UTF8.self), SourceRange(start, position))
    default:
      throw fail("expected a JSON value")
    }
  }

  private mutating func literal(_ word: String, _ node: JSONNode) throws(Failure) -> JSONNode {
    let end = position + word.utf8.count
    guard end <= bytes.count, Array(bytes[position..<end]) == Array(word.utf8) else {
      throw fail("expected a JSON value")
    }
    position = end
    return node
  }

  private mutating func nest() throws(Failure) {
    depth += 1
    if depth > Self.maximumDepth { throw fail("JSON nested deeper than \(Self.maximumDepth) levels") }
  }

  private mutating func object() throws(Failure) -> JSONNode {
    let start = position
    try nest()
    defer { depth -= 1 }
    position += 1
    var members: [(key: String, keyRange: SourceRange, value: JSONNode)] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object(members, SourceRange(start, position))
    }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw fail("expected a member name in quotes")
      }
      let keyStart = position
      let key = try string()
      let keyRange = SourceRange(keyStart, position)
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw fail("expected ':' after the member name")
      }
      position += 1
      skipWhitespace()
      members.append((key, keyRange, try value()))
      skipWhitespace()
      guard position < bytes.count else { throw fail("unterminated object") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in the object") }
      position += 1
      return .object(members, SourceRange(start, position))
    }
  }

  private mutating func array() throws(Failure) -> JSONNode {
    let start = position
    try nest()
    defer { depth -= 1 }
    position += 1
    var elements: [JSONNode] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array(elements, SourceRange(start, position))
    }
    while true {
      skipWhitespace()
      elements.append(try value())
      skipWhitespace()
      guard position < bytes.count else { throw fail("unterminated array") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in the array") }
      position += 1
      return .array(elements, SourceRange(start, position))
    }
  }

  private mutating func string() throws(Failure) -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var raw: [UInt8] = []
    func flush() {
      scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
      raw.removeAll(keepingCapacity: true)
    }
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        flush()
        return String(scalars)
      }
      if byte < 0x20 { throw fail("control character in a string") }
      if byte == UInt8(ascii: "\\") {
        flush()
        position += 1
        guard position < bytes.count else { break }
        switch bytes[position] {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          guard position + 4 < bytes.count,
            let code = UInt32(String(decoding: bytes[(position + 1)...(position + 4)], as: UTF8.self), radix: 16)
          else { throw fail("bad \\u escape") }
          scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
          position += 4
        default: throw fail("bad escape in a string")
        }
        position += 1
        continue
      }
      raw.append(byte)
      position += 1
    }
    throw fail("unterminated string")
  }
}
