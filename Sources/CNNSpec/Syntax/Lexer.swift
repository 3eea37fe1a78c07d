import CNNGraph

/// Turns a spec's bytes into tokens. Comments (`#` to end of line) and blanks are skipped; a
/// backslash before a line break joins the lines. Bad bytes become diagnostics, never traps.
struct Lexer {
  private let bytes: [UInt8]
  private var position = 0
  private(set) var diagnostics: [Diagnostic] = []
  private var invalidCount = 0
  /// How many bad bytes are reported before the rest of a (probably binary) file is passed over.
  static let maximumInvalidReported = 10

  init(_ source: SourceFile) {
    bytes = source.bytes
  }

  /// All tokens, ending with one `endOfFile`.
  mutating func tokenize() -> [Token] {
    var tokens: [Token] = []
    while true {
      let token = next()
      tokens.append(token)
      if token.kind == .endOfFile { return tokens }
    }
  }

  private func peek(_ ahead: Int = 0) -> UInt8? {
    position + ahead < bytes.count ? bytes[position + ahead] : nil
  }

  private mutating func next() -> Token {
    while true {
      if let token = scanOne() { return token }
    }
  }

  /// Scans one token, or returns nil after reporting a byte that starts no token.
  private mutating func scanOne() -> Token? {
    skipBlanksAndComments()
    let start = position
    guard let byte = peek() else { return Token(kind: .endOfFile, range: SourceRange(start, start)) }
    position += 1
    func make(_ kind: TokenKind) -> Token { Token(kind: kind, range: SourceRange(start, position)) }
    switch byte {
    case UInt8(ascii: "\n"): return make(.newline)
    case UInt8(ascii: "("): return make(.leftParen)
    case UInt8(ascii: ")"): return make(.rightParen)
    case UInt8(ascii: "["): return make(.leftBracket)
    case UInt8(ascii: "]"): return make(.rightBracket)
    case UInt8(ascii: ","): return make(.comma)
    case UInt8(ascii: "="):
      if peek() == UInt8(ascii: "=") {
        position += 1
        return make(.equalEqual)
      }
      return make(.equals)
    case UInt8(ascii: "!") where peek() == UInt8(ascii: "="):
      position += 1
      return make(.notEqual)
    case UInt8(ascii: ":"): return make(.colon)
    case UInt8(ascii: "|"): return make(.pipe)
    case UInt8(ascii: "-"): return make(.minus)
    case UInt8(ascii: "*"): return make(.star)
    case UInt8(ascii: "/"): return make(.slash)
    case UInt8(ascii: "%"): return make(.percent)
    case UInt8(ascii: "+"):
      if peek() == UInt8(ascii: "-") {
        position += 1
        return make(.plusMinus)
      }
      return make(.plus)
    case UInt8(ascii: "<"):
      if peek() == UInt8(ascii: "=") {
        position += 1
        return make(.lessEqual)
      }
      return make(.less)
    case UInt8(ascii: ">"):
      if peek() == UInt8(ascii: "=") {
        position += 1
        return make(.greaterEqual)
      }
      return make(.greater)
    case 0xC2 where peek() == 0xB1:  // U+00B1 PLUS-MINUS SIGN
      position += 1
      return make(.plusMinus)
    default:
      if Self.isDigit(byte) {
        while let next = peek(), Self.isNumberByte(next) {
          position += 1
          // An exponent's sign (`1e-5`, `2.5E+3`) belongs to the number.
          if next | 0x20 == UInt8(ascii: "e"), let sign = peek(),
            sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+"),
            position + 1 < bytes.count, Self.isDigit(bytes[position + 1])
          {
            position += 1
          }
        }
        return make(.number)
      }
      if Self.isWordStart(byte) {
        while let next = peek(), Self.isWordByte(next) { position += 1 }
        return make(.word)
      }
      return invalidCharacter(startingWith: byte, at: start)
    }
  }

  private mutating func invalidCharacter(startingWith byte: UInt8, at start: Int) -> Token? {
    // Swallow the rest of a multi-byte UTF-8 sequence so the caret and message name one character.
    while let next = peek(), next & 0xC0 == 0x80, byte >= 0xC0 { position += 1 }
    invalidCount += 1
    guard invalidCount <= Self.maximumInvalidReported else { return nil }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    let shown = byte < 0x20 || byte == 0x7F ? "byte 0x\(String(byte, radix: 16))" : "'\(text)'"
    diagnostics.append(
      Diagnostic(
        .invalidCharacter, "unexpected character \(shown)", at: SourceRange(start, position),
        hint: invalidCount == Self.maximumInvalidReported
          ? "further unexpected characters in this file are not reported; is it a spec?"
          : "names are letters, digits, '_' and '.'; comments start with '#'"))
    return nil
  }

  private mutating func skipBlanksAndComments() {
    while let byte = peek() {
      if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
        position += 1
      } else if byte == UInt8(ascii: "#") {
        while let next = peek(), next != UInt8(ascii: "\n") { position += 1 }
      } else if byte == UInt8(ascii: "\\"), continuesLine() {
        while let next = peek(), next != UInt8(ascii: "\n") { position += 1 }
        position += 1
      } else {
        return
      }
    }
  }

  /// Whether a backslash at the current position is followed only by blanks or a comment before
  /// the line break.
  private func continuesLine() -> Bool {
    var index = position + 1
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
      case UInt8(ascii: "\n"), UInt8(ascii: "#"): return true
      default: return false
      }
    }
    return true
  }

  static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
  static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
  /// Whether all of `text` is one `WORD` token: a name the spec language can write.
  static func isWord(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard let first = bytes.first else { return false }
    return isWordStart(first) && bytes.allSatisfy(isWordByte)
  }

  static func isWordStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == UInt8(ascii: "_") }
  static func isWordByte(_ byte: UInt8) -> Bool {
    isWordStart(byte) || isDigit(byte) || byte == UInt8(ascii: ".")
  }
  static func isNumberByte(_ byte: UInt8) -> Bool {
    isWordByte(byte) || byte == UInt8(ascii: ":")
  }
}
