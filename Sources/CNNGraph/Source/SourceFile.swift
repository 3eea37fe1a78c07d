/// The text of one spec, with its path as the user named it.
///
/// Positions inside it are byte offsets into the UTF-8 text; lines and columns (both 1-based,
/// columns counted in characters) are computed only when a diagnostic is printed.
public struct SourceFile: Sendable {
  /// The path as given on the command line, or a pseudo-path such as `<zoo>/alexnet.cnn`.
  public let path: String
  /// The UTF-8 bytes of the file (empty for a binary file, which is not kept in memory).
  public let bytes: [UInt8]
  /// Whether the file is binary (ONNX): ranges are byte offsets, shown as `byte N`, never lines.
  public let isBinary: Bool
  private let lineStarts: [Int]

  /// Names a binary model file; its diagnostics give byte offsets and node names.
  public init(binaryPath path: String) {
    self.path = path
    self.bytes = []
    self.isBinary = true
    self.lineStarts = [0]
  }

  /// Wraps `text` read from `path`.
  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }

  /// Wraps raw bytes read from `path` (invalid UTF-8 is reported by the lexer, not here).
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
    self.isBinary = false
    var starts = [0]
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
      starts.append(index + 1)
    }
    lineStarts = starts
  }

  /// The 1-based line and column of a byte offset (clamped to the file).
  public func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
    let clamped = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
    }
    let prefix = bytes[lineStarts[low]..<clamped]
    let column = String(decoding: prefix, as: UTF8.self).count + 1
    return (low + 1, column)
  }

  /// The network name to use when the file names none: its base name without the last extension
  /// (`resnet18` for `models/resnet18.onnx`).
  public var defaultNetworkName: String {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    if let dot = file.lastIndex(of: "."), dot != file.startIndex { return String(file[..<dot]) }
    return file
  }

  /// The text of a 1-based line, without its line break.
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  /// The source text of a range.
  public func text(_ range: SourceRange) -> String {
    let start = max(0, min(range.start, bytes.count))
    let end = max(start, min(range.end, bytes.count))
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}

/// A half-open range of byte offsets into a `SourceFile`.
public struct SourceRange: Sendable, Hashable {
  /// Offset of the first byte.
  public var start: Int
  /// Offset one past the last byte.
  public var end: Int

  /// A range from `start` up to, not including, `end`.
  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The smallest range covering both.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(min(start, other.start), max(end, other.end))
  }
}

/// A value together with the source range it came from.
public struct Located<Value: Sendable>: Sendable {
  /// The value.
  public var value: Value
  /// Where it was written.
  public var range: SourceRange

  /// Pairs a value with where it was written.
  public init(value: Value, range: SourceRange) {
    self.value = value
    self.range = range
  }
}
