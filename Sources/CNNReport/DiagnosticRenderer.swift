import CNNGraph
import Foundation

/// Terminal styling, decided once per run: colour only on a terminal and never with `NO_COLOR`.
public struct Style: Sendable {
  /// Whether to emit ANSI colour codes.
  public var colour: Bool
  /// Whether to draw tables with box-drawing characters (else ASCII).
  public var boxDrawing: Bool

  /// Plain ASCII, no colour: what files and pipes get.
  public static let plain = Style(colour: false, boxDrawing: false)

  /// Creates a style.
  public init(colour: Bool, boxDrawing: Bool) {
    self.colour = colour
    self.boxDrawing = boxDrawing
  }

  func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
}

/// Renders diagnostics as text, GitHub workflow commands or JSON.
public enum DiagnosticRenderer {
  /// `file:line:col: severity: message [code]`, the source line, a caret under the spot, and the hint.
  public static func text(_ diagnostic: Diagnostic, source: SourceFile?, style: Style = .plain) -> String {
    guard let source, let range = diagnostic.range, !source.isBinary else {
      return headline(diagnostic, source: source, style: style) + (diagnostic.hint.map { "\n  hint: \($0)" } ?? "")
    }
    let (line, column) = source.lineAndColumn(of: range.start)
    var lines = [headline(diagnostic, source: source, style: style)]
    let end = source.lineAndColumn(of: max(range.start, range.end - 1))
    let full = Array(source.lineText(line).unicodeScalars)
    var width = end.line == line ? max(1, end.column - column + 1) : max(1, full.count - column + 1)
    // A very long line shows a window around the spot, marked with '…' at the cut ends.
    var first = 0
    var last = full.count
    if full.count > maximumLineWidth {
      first = max(0, min(column - 1 - 20, full.count - maximumLineWidth))
      last = min(full.count, first + maximumLineWidth)
    }
    // Tabs become spaces so the caret lines up; other control characters (binary junk) become '?'
    // so that they cannot drive the terminal.
    var shown = String.UnicodeScalarView(
      full[first..<last].map { scalar in
        scalar == "\t" ? " " : (scalar.value < 0x20 || scalar.value == 0x7F) ? "?" : scalar
      })
    var offset = column - 1 - first
    if first > 0 {
      shown.insert("…", at: shown.startIndex)
      offset += 1
    }
    if last < full.count { shown.append("…") }
    width = min(width, shown.count - offset)
    let text = String(shown)
    let gutter = "\(line)"
    lines.append("\(gutter) | \(text)")
    let caret =
      String(repeating: " ", count: max(0, offset)) + "^" + String(repeating: "~", count: max(0, width - 1))
    lines.append(String(repeating: " ", count: gutter.count) + " | " + style.paint(caret, "32"))
    if let hint = diagnostic.hint { lines.append(String(repeating: " ", count: gutter.count) + " = hint: \(hint)") }
    for step in expansionLines(diagnostic.expansion, source: source) {
      lines.append(String(repeating: " ", count: gutter.count) + " = " + step)
    }
    return lines.joined(separator: "\n")
  }

  /// The first line of the text form: `file:line:col: severity: message [code]` (`file: byte N: …`
  /// for a model file, `file: …` without a spot).
  public static func headline(_ diagnostic: Diagnostic, source: SourceFile?, style: Style = .plain) -> String {
    let severity = style.paint(diagnostic.severity.rawValue, colourCode(diagnostic.severity))
    return "\(location(diagnostic, source: source)): \(severity): \(shortened(diagnostic.message)) "
      + "[\(diagnostic.code.rawValue)]"
  }

  /// Where a diagnostic points: `file:line:col`, `file: byte N` for a model file, `file` without
  /// a spot, `cnncalc` without a file.
  public static func location(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
    guard let source, let range = diagnostic.range else { return source?.path ?? "cnncalc" }
    if source.isBinary { return "\(source.path): byte \(range.start)" }
    let (line, column) = source.lineAndColumn(of: range.start)
    return "\(source.path):\(line):\(column)"
  }

  /// A message quoting a huge name keeps its start and end: the text form is for people.
  static func shortened(_ message: String) -> String {
    let scalars = Array(message.unicodeScalars)
    guard scalars.count > 400 else { return message }
    return String(String.UnicodeScalarView(scalars[..<200])) + " … "
      + String(String.UnicodeScalarView(scalars[(scalars.count - 100)...]))
  }

  /// Source lines longer than this (in characters) are shown as a window around the spot.
  public static let maximumLineWidth = 160

  /// A GitHub Actions workflow command (`::error file=…,line=…,col=…,title=…::message`).
  public static func github(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
    let command = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
    var properties: [String] = []
    if let source {
      properties.append("file=\(escapeProperty(source.path))")
      if let range = diagnostic.range, !source.isBinary {
        let (line, column) = source.lineAndColumn(of: range.start)
        properties.append("line=\(line)")
        properties.append("col=\(column)")
      }
    }
    properties.append("title=\(escapeProperty("cnncalc " + diagnostic.code.rawValue))")
    var message = diagnostic.message + (diagnostic.hint.map { "\nhint: \($0)" } ?? "")
    if let source {
      for step in expansionLines(diagnostic.expansion, source: source) { message += "\n" + step }
    }
    return "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))"
  }

  /// The JSON object of a diagnostic, as in the `cnncalc/1` report.
  /// One line counting `diagnostics` by severity (`2 errors, 1 warning, 3 notes`), or nil when
  /// there are none: printed after a long table so that the reason for an exit code is in sight.
  public static func tally(_ diagnostics: [Diagnostic]) -> String? {
    guard !diagnostics.isEmpty else { return nil }
    let counts: [(Severity, String)] = [(.error, "error"), (.warning, "warning"), (.note, "note")]
    return counts.compactMap { severity, word in
      let count = diagnostics.filter { $0.severity == severity }.count
      return count == 0 ? nil : "\(count) \(word)\(count == 1 ? "" : "s")"
    }.joined(separator: ", ")
  }

  public static func json(_ diagnostic: Diagnostic, source: SourceFile?) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("severity", .string(diagnostic.severity.rawValue)), ("code", .string(diagnostic.code.rawValue)),
    ]
    members.append(("layer", diagnostic.layer.map(JSONValue.string) ?? .null))
    members.append(("file", source.map { .string($0.path) } ?? .null))
    if let source, let range = diagnostic.range, !source.isBinary {
      let (line, column) = source.lineAndColumn(of: range.start)
      members.append(("line", .integer(line)))
      members.append(("column", .integer(column)))
    } else {
      members.append(("line", .null))
      members.append(("column", .null))
    }
    if let source, source.isBinary {
      members.append(("byte", diagnostic.range.map { .integer($0.start) } ?? .null))
    }
    members.append(("message", .string(diagnostic.message)))
    members.append(("hint", diagnostic.hint.map(JSONValue.string) ?? .null))
    if !diagnostic.expansion.isEmpty {
      let frames: [JSONValue] = diagnostic.expansion.reversed().map { frame in
        var object: [(String, JSONValue)] = [("block", .string(frame.block)), ("instance", .string(frame.instance))]
        if let source {
          let (line, column) = source.lineAndColumn(of: frame.call.start)
          object += [("line", .integer(line)), ("column", .integer(column))]
        }
        return .object(object)
      }
      members.append(("expansion", .array(frames)))
    }
    return .object(members)
  }

  /// The chain of calls, innermost first; past six, the three innermost, `… N more calls`, and the
  /// two outermost: a block that calls itself can nest 64 deep.
  static func expansionLines(_ frames: [ExpansionFrame], source: SourceFile) -> [String] {
    let lines = frames.reversed().map { expansionLine($0, source: source) }
    guard lines.count > 6 else { return lines }
    return Array(lines.prefix(3)) + ["… \(lines.count - 5) more calls"] + Array(lines.suffix(2))
  }

  /// `in block 'bottleneck' as 'layer1.0', called at resnet.cnn:17:5`: one step of the chain of
  /// block calls that made the layer a diagnostic is about.
  static func expansionLine(_ frame: ExpansionFrame, source: SourceFile) -> String {
    let (line, column) = source.lineAndColumn(of: frame.call.start)
    return "in block '\(frame.block)' as '\(frame.instance)', called at \(source.path):\(line):\(column)"
  }

  private static func colourCode(_ severity: Severity) -> String {
    switch severity {
    case .error: "1;31"
    case .warning: "1;33"
    case .note: "1;36"
    }
  }

  private static func escapeData(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  private static func escapeProperty(_ text: String) -> String {
    escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }
}
