import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec

/// The `cnncalc` command line as a library: arguments in, exit code out. Nothing else exits.
public struct Tool: Sendable {
  /// The version printed by `--version`.
  public static let version = "0.1.0"

  /// Exit codes (docs/cli.md): success, spec errors or failed expectations, usage or file errors.
  public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 2
  }

  let environment: Environment

  /// A tool writing to `environment`.
  public init(environment: Environment = .live) {
    self.environment = environment
  }

  /// Runs one command line (without the program name) and returns the exit code.
  public func run(_ arguments: [String]) -> Int32 {
    do {
      return try dispatch(arguments).rawValue
    } catch {
      environment.writeError("cnncalc: \(error.message)\n")
      return ExitCode.usage.rawValue
    }
  }

  static let commands = [
    "summary", "check", "fit", "zoo", "verify", "diff", "export", "bench", "explain", "graph", "chart", "report",
    "help",
  ]

  private func dispatch(_ arguments: [String]) throws(UsageError) -> ExitCode {
    guard let first = arguments.first else {
      environment.writeError(Help.overview)
      return .usage
    }
    if first == "--version" {
      environment.writeOut("cnncalc \(Self.version)\n")
      return .success
    }
    if first == "--help" || first == "-h" || first == "help" {
      environment.writeOut(arguments.count > 1 ? Help.text(for: arguments[1]) : Help.overview)
      return .success
    }
    var command = first
    var rest = Array(arguments.dropFirst())
    if !Self.commands.contains(first) {
      command = "summary"
      rest = arguments
    }
    let options = try Options(rest)
    if options.help {
      environment.writeOut(Help.text(for: command))
      return .success
    }
    try Self.checkFlags(options.given, for: command)
    switch command {
    case "summary": return try SummaryCommand(environment: environment, options: options).run()
    case "check": return try CheckCommand(environment: environment, options: options).run()
    case "fit": return try FitCommand(environment: environment, options: options).run()
    case "zoo": return try ZooCommand(environment: environment, options: options).run()
    case "verify": return try VerifyCommand(environment: environment, options: options).run()
    case "bench": return try BenchCommand(environment: environment, options: options).run()
    case "export": return try ExportCommand(environment: environment, options: options).run()
    case "diff": return try DiffCommand(environment: environment, options: options).run()
    case "explain": return try ExplainCommand(environment: environment, options: options).run()
    case "graph": return try GraphCommand(environment: environment, options: options).run()
    case "chart": return try ChartCommand(environment: environment, options: options).run()
    case "report": return try ReportCommand(environment: environment, options: options).run()
    default:
      throw UsageError(message: "unknown command '\(command)'")
    }
  }

  /// The flags each command takes (besides `--help`); any other is a usage error, so that a flag
  /// that would change nothing is never silently accepted.
  static let flags: [String: Set<String>] = [
    "summary": ["--format", "--input", "--batch", "--dtype", "--exact", "--columns", "--width", "--depth"],
    "check": ["--format", "--input", "--batch", "--dtype", "--strict", "--verbose", "--junit"],
    "fit": ["--input", "--radius"],
    "zoo": [],
    "verify": ["--input", "--batch", "--threads", "--seed", "--max-memory", "--timings", "--width"],
    "bench": [
      "--format", "--input", "--batch", "--threads", "--seed", "--runs", "--verbose", "--unfused", "--no-winograd",
    ],
    "export": ["--format", "--input"],
    "diff": ["--format", "--input", "--batch", "--dtype"],
    "explain": ["--format", "--input"],
    "graph": ["--format", "--input", "--depth", "--output"],
    "chart": ["--kind", "--format", "--input", "--batch", "--dtype", "--output"],
    "report": ["--format", "--input", "--batch", "--dtype", "--output"],
  ]

  static func checkFlags(_ given: [String], for command: String) throws(UsageError) {
    let accepted = flags[command] ?? []
    for flag in given where flag != "--help" && !accepted.contains(flag) {
      if flag == "--dtype", command == "verify" || command == "bench" {
        throw UsageError(
          message: "\(command) runs the network in f32, the engine's only type; --dtype applies to summary, check "
            + "and diff")
      }
      let takers = commands.filter { flags[$0]?.contains(flag) ?? false }
      throw UsageError(
        message: "\(command) does not take \(flag)"
          + (takers.isEmpty ? "" : "; it is for \(takers.joined(separator: ", "))"))
    }
  }

  /// Table style for standard output.
  var outputStyle: Style {
    Style(colour: environment.outputIsTerminal && !environment.noColor, boxDrawing: environment.outputIsTerminal)
  }

  /// Diagnostic style for standard error.
  var errorStyle: Style {
    Style(colour: environment.errorIsTerminal && !environment.noColor, boxDrawing: false)
  }
}

extension Error {
  /// The user-facing text of a command-line error.
  var message: String {
    switch self {
    case let usage as UsageError: usage.message
    case let file as FileError: "\(file.path): \(file.reason)"
    default: "\(self)"
    }
  }
}
