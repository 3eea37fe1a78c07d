import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec

/// A mistake on the command line; reported as `cnncalc: message` and exit code 2.
struct UsageError: Error {
  var message: String
}

/// The parsed command line: positional operands and flags.
struct Options {
  var operands: [String] = []
  var format: String?
  var inputShapes: [String: [Int]] = [:]
  var batch = 1
  var dtype = DType.f32
  var exact = false
  var strict = false
  var verbose = false
  var timings = false
  /// `--unfused` (bench): every layer runs on its own, none inside another, and a batch runs
  /// whole, layer by layer.
  var unfused = false
  /// `--no-winograd` (bench): 3 × 3 convolutions run as direct sums, never as Winograd
  /// F(2 × 2, 3 × 3).
  var noWinograd = false
  var help = false
  var radius = Fit.defaultRadius
  var threads: Int?
  var seed: UInt64 = 1
  var maxMemory: Int?
  var runs: Int?
  var junit: String?
  /// `--kind`: which chart (`rf`, `memory`, `cost`).
  var kind: String?
  /// `--output` / `-o`: write the picture or report to this file instead of standard output.
  var output: String?
  /// `--columns`: the summary columns to show.
  var columns: [SummaryColumn]?
  /// `--width`: fit tables into this many characters (default: the terminal's width).
  var width: Int?
  /// `--depth`: fold groups nested deeper than this.
  var depth: Int?
  /// The flags given, in their long spelling (`--format` for `-f`), for checking that the command
  /// takes them.
  var given: [String] = []

  /// Flags that take a value.
  static let valued: Set<String> = [
    "--format", "-f", "--input", "--batch", "--dtype", "--radius", "--threads", "--seed", "--max-memory", "--runs",
    "--junit", "--columns", "--width", "--depth", "--output", "-o", "--kind",
  ]

  init(_ arguments: some Collection<String>) throws(UsageError) {
    var iterator = Array(arguments).makeIterator()
    var onlyOperands = false
    while let argument = iterator.next() {
      if onlyOperands || !argument.hasPrefix("-") || argument == "-" {
        operands.append(argument)
        continue
      }
      var flag = argument
      var value: String?
      if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
        flag = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
      }
      if Self.valued.contains(flag), value == nil {
        guard let next = iterator.next() else { throw UsageError(message: "\(flag) needs a value") }
        value = next
      }
      if flag != "--" {
        given.append(["-f": "--format", "-v": "--verbose", "-h": "--help"][flag] ?? (flag == "-o" ? "--output" : flag))
      }
      switch flag {
      case "--": onlyOperands = true
      case "--format", "-f": format = value
      case "--input": try parseInput(value!)
      case "--batch": batch = try positive(value!, flag)
      case "--radius": radius = try positive(value!, flag)
      case "--threads": threads = try positive(value!, flag)
      case "--runs": runs = try positive(value!, flag)
      case "--junit": junit = value
      case "--output", "-o": output = value
      case "--kind": kind = value
      case "--width": width = try positive(value!, flag)
      case "--depth":
        guard let level = Literals.integer(Substring(value!)), level >= 0, level <= 64 else {
          throw UsageError(message: "--depth takes a whole number from 0 (the network) to 64, not '\(value!)'")
        }
        depth = level
      case "--columns":
        switch SummaryColumn.parse(value!) {
        case .success(let parsed): columns = parsed
        case .failure(let unknown):
          let names = SummaryColumn.allCases.map(\.rawValue).joined(separator: ", ")
          let what =
            unknown.names.isEmpty
            ? "no column"
            : "unknown column\(unknown.names.count == 1 ? "" : "s") "
              + unknown.names.map { "'\($0)'" }.joined(separator: ", ")
          throw UsageError(message: "--columns: \(what); the columns are \(names), or all")
        }
      case "--seed": seed = UInt64(try positive(value!, flag))
      case "--max-memory":
        guard let amount = Literals.quantity(Substring(value!)), amount.isInteger, amount.numerator > 0 else {
          throw UsageError(message: "--max-memory takes a size such as 8GiB or 500MB, not '\(value!)'")
        }
        maxMemory = amount.numerator
      case "--dtype":
        guard let parsed = DType(rawValue: value!) else {
          throw UsageError(
            message: "--dtype takes \(DType.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value!)'")
        }
        dtype = parsed
      case "--exact": exact = true
      case "--strict": strict = true
      case "--verbose", "-v": verbose = true
      case "--timings": timings = true
      case "--unfused": unfused = true
      case "--no-winograd": noWinograd = true
      case "--help", "-h": help = true
      default:
        throw UsageError(message: "unknown option '\(argument)'")
      }
    }
  }

  private func positive(_ text: String, _ flag: String) throws(UsageError) -> Int {
    guard let value = Literals.integer(Substring(text)), value >= 1, value <= 1 << 20 else {
      throw UsageError(message: "\(flag) takes a whole number from 1 to \(1 << 20), not '\(text)'")
    }
    return value
  }

  /// `--input 3x227x227` (the first input) or `--input image=3x227x227`.
  private mutating func parseInput(_ text: String) throws(UsageError) {
    var name = ""
    var shapeText = Substring(text)
    if let equals = text.firstIndex(of: "=") {
      name = String(text[..<equals])
      shapeText = text[text.index(after: equals)...]
    }
    guard let shape = Literals.dimensions(shapeText), shape.allSatisfy({ $0 >= 1 }) else {
      throw UsageError(message: "--input takes a shape such as 3x227x227 or image=3x227x227, not '\(text)'")
    }
    inputShapes[name] = shape
  }

  /// The one format among `allowed`, defaulting to the first.
  func format(among allowed: [String]) throws(UsageError) -> String {
    guard let format else { return allowed[0] }
    guard allowed.contains(format) else {
      throw UsageError(message: "--format takes \(allowed.joined(separator: ", ")) here, not '\(format)'")
    }
    return format
  }

  var analysisOptions: AnalysisOptions { AnalysisOptions(batch: batch, dtype: dtype) }
}
