import CNNGraph

/// Reads the protobuf text format (`field: value`, `field { … }`, `#` comments) into a
/// `TextMessage` tree, with a location for every field. The grammar is the text format's:
/// `:` is optional before a message, `<…>` may stand for `{…}`, `[a, b]` lists a repeated
/// scalar, and `,` or `;` may end a field.
struct TextFormatParser {
  /// Deepest nesting of messages read (deploy files nest three or four levels).
  static let maximumDepth = 100

  private let source: SourceFile
  private var bytes: [UInt8] { source.bytes }
  private var position = 0

  /// A problem that stops reading, with where it is.
  struct Failure: Error {
    var diagnostic: Diagnostic
  }

  private init(source: SourceFile) { self.source = source }

  /// The top-level message of `source`.
  static func parse(_ source: SourceFile) throws(Failure) -> TextMessage {
    var parser = TextFormatParser(source: source)
    return try parser.message(until: nil, depth: 0)
  }

  private mutating func message(until close: UInt8?, depth: Int) throws(Failure) -> TextMessage {
    var message = TextMessage()
    while true {
      skipSpaceAndComments()
      guard position < bytes.count else {
        if close != nil { throw failure("the file ends inside a message", at: position, hint: "a '}' is missing") }
        return message
      }
      if let close, bytes[position] == close {
        position += 1
        return message
      }
      message.fields += try fields(depth: depth)
    }
  }

  /// One field (or, for `name: [a, b]`, one field per listed value).
  private mutating func fields(depth: Int) throws(Failure) -> [TextField] {
    let start = position
    guard let name = identifier() else {
      throw failure("expected a field name, found '\(tokenText())'", at: start)
    }
    skipSpaceAndComments()
    var hasColon = false
    if peek() == UInt8(ascii: ":") {
      position += 1
      hasColon = true
      skipSpaceAndComments()
    }
    var result: [TextField] = []
    switch peek() {
    case UInt8(ascii: "{"), UInt8(ascii: "<"):
      let close = peek() == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ">")
      guard depth < Self.maximumDepth else {
        throw failure("messages nest more than \(Self.maximumDepth) levels deep", at: position)
      }
      position += 1
      let inner = try message(until: close, depth: depth + 1)
      result.append(TextField(name: name, value: .message(inner), range: SourceRange(start, position)))
    case UInt8(ascii: "[") where hasColon:
      position += 1
      while true {
        skipSpaceAndComments()
        if peek() == UInt8(ascii: "]") {
          position += 1
          break
        }
        let value = try scalar()
        result.append(TextField(name: name, value: value, range: SourceRange(start, position)))
        skipSpaceAndComments()
        if peek() == UInt8(ascii: ",") { position += 1 }
      }
    default:
      guard hasColon else {
        throw failure("expected ':' or '{' after '\(name.value)'", at: position)
      }
      let value = try scalar()
      result.append(TextField(name: name, value: value, range: SourceRange(start, position)))
    }
    skipSpaceAndComments()
    if peek() == UInt8(ascii: ",") || peek() == UInt8(ascii: ";") { position += 1 }
    return result
  }

  /// A quoted string (adjacent strings concatenate), a number or an enum word.
  private mutating func scalar() throws(Failure) -> TextValue {
    let start = position
    if peek() == UInt8(ascii: "\"") || peek() == UInt8(ascii: "'") {
      var text: [UInt8] = []
      while peek() == UInt8(ascii: "\"") || peek() == UInt8(ascii: "'") {
        text += try quoted()
        skipSpaceAndComments()
      }
      return .string(Located(value: String(decoding: text, as: UTF8.self), range: SourceRange(start, position)))
    }
    while position < bytes.count, Self.isScalarByte(bytes[position]) { position += 1 }
    guard position > start else {
      throw failure("expected a value, found '\(tokenText())'", at: start)
    }
    return .word(Located(value: source.text(SourceRange(start, position)), range: SourceRange(start, position)))
  }

  /// The bytes of one quoted string, with C escapes resolved.
  private mutating func quoted() throws(Failure) -> [UInt8] {
    let start = position
    let quote = bytes[position]
    position += 1
    var text: [UInt8] = []
    while position < bytes.count, bytes[position] != quote {
      if bytes[position] == UInt8(ascii: "\n") { break }
      if bytes[position] == UInt8(ascii: "\\"), position + 1 < bytes.count {
        position += 1
        switch bytes[position] {
        case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
        default: text.append(bytes[position])
        }
      } else {
        text.append(bytes[position])
      }
      position += 1
    }
    guard position < bytes.count, bytes[position] == quote else {
      throw failure(
        "a string is not closed on its line", at: start, hint: "end it with \(Character(UnicodeScalar(quote)))")
    }
    position += 1
    return text
  }

  private mutating func identifier() -> Located<String>? {
    let start = position
    guard position < bytes.count, Self.isIdentifierStart(bytes[position]) else { return nil }
    while position < bytes.count, Self.isIdentifierStart(bytes[position]) || Self.isDigit(bytes[position]) {
      position += 1
    }
    let range = SourceRange(start, position)
    return Located(value: source.text(range), range: range)
  }

  private mutating func skipSpaceAndComments() {
    while position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
        position += 1
      case UInt8(ascii: "#"):
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
      default:
        return
      }
    }
  }

  private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  /// The text at the current position up to the next space, for messages.
  private func tokenText() -> String {
    guard position < bytes.count else { return "end of file" }
    var end = position
    while end < bytes.count, end - position < 20, !Self.isSpace(bytes[end]) { end += 1 }
    return source.text(SourceRange(position, max(end, position + 1)))
  }

  private func failure(_ message: String, at offset: Int, hint: String? = nil) -> Failure {
    let end = min(offset + 1, bytes.count)
    return Failure(diagnostic: Diagnostic(.syntax, message, at: SourceRange(offset, max(offset, end)), hint: hint))
  }

  private static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || byte == UInt8(ascii: "_")
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
  }

  /// Bytes of a number or an enum word (`-1`, `1e-05`, `0x1F`, `MAX`, `inf`).
  private static func isScalarByte(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
      || byte == UInt8(ascii: ".")
  }
}
