import CNNGraph
import CNNSpec
import Foundation

/// What a command may touch: its output streams, the file system, and facts about the terminal.
/// Tests pass an in-memory environment; `live` is the real process.
public struct Environment: Sendable {
  /// Writes to standard output.
  public var writeOut: @Sendable (String) -> Void
  /// Writes to standard error.
  public var writeError: @Sendable (String) -> Void
  /// Whether standard output is a terminal (box drawing, colour).
  public var outputIsTerminal: Bool
  /// Whether standard error is a terminal (colour in diagnostics).
  public var errorIsTerminal: Bool
  /// Whether `NO_COLOR` is set to a non-empty value.
  public var noColor: Bool
  /// The terminal's width in characters when standard output is one (tables fit it); nil otherwise.
  public var terminalWidth: Int?

  /// Creates an environment.
  public init(
    writeOut: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void,
    outputIsTerminal: Bool = false, errorIsTerminal: Bool = false, noColor: Bool = false, terminalWidth: Int? = nil
  ) {
    self.terminalWidth = terminalWidth
    self.writeOut = writeOut
    self.writeError = writeError
    self.outputIsTerminal = outputIsTerminal
    self.errorIsTerminal = errorIsTerminal
    self.noColor = noColor
  }

  /// The running process's streams and terminal.
  public static var live: Environment {
    Environment(
      writeOut: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
      writeError: { text in FileHandle.standardError.write(Data(text.utf8)) },
      outputIsTerminal: isatty(STDOUT_FILENO) == 1, errorIsTerminal: isatty(STDERR_FILENO) == 1,
      noColor: !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty,
      terminalWidth: isatty(STDOUT_FILENO) == 1 ? liveTerminalWidth() : nil)
  }

  /// The width of the terminal on standard output: the window size the kernel reports, else
  /// `COLUMNS`, else 80.
  static func liveTerminalWidth() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
    return 80
  }
}

extension Environment {
  /// Loads a spec (a file or a zoo name), or reports why not on standard error and returns nil
  /// (the command then exits with code 2).
  func loadSpec(_ operand: String) -> SourceFile? {
    do {
      return try SpecLoader.load(operand)
    } catch {
      writeError("cnncalc: \(error.message)\n")
      return nil
    }
  }
}
