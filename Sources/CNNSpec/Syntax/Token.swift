import CNNGraph

/// The kinds of token in the spec language.
public enum TokenKind: Sendable, Equatable {
  /// A name: a letter or `_`, then letters, digits, `_` and `.` (`conv1`, `i3a.b`, `k3x3`).
  case word
  /// A literal starting with a digit: `224`, `3x224x224`, `1:2`, `4.2G`, `200MiB`.
  case number
  case newline, endOfFile
  case leftParen, rightParen, leftBracket, rightBracket, comma, equals, colon, pipe
  case plus, minus, star, slash, percent, plusMinus
  case less, lessEqual, greater, greaterEqual, equalEqual, notEqual
}

/// One token: its kind and where it is. Its text is read back from the source.
public struct Token: Sendable, Equatable {
  /// What kind of token.
  public var kind: TokenKind
  /// Where it is in the source.
  public var range: SourceRange
}
