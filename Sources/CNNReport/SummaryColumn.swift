import Foundation

/// The columns of the summary table, in table order. `--columns` names them; on a terminal the
/// table drops them in `dropOrder` to fit the width.
public enum SummaryColumn: String, CaseIterable, Sendable {
  case layer, type, from, output, params
  case paramShare = "param%"
  case macs
  case macShare = "mac%"
  case memory, rf, jump, start

  /// The header drawn above the column.
  public var header: String {
    switch self {
    case .layer: "Layer"
    case .type: "Type"
    case .from: "From"
    case .output: "Output"
    case .params: "Params"
    case .paramShare: "Param %"
    case .macs: "MACs"
    case .macShare: "MAC %"
    case .memory: "Memory"
    case .rf: "RF"
    case .jump: "Jump"
    case .start: "Start"
    }
  }

  var alignment: TextTable.Alignment {
    switch self {
    case .layer, .type, .from, .output: .left
    default: .right
    }
  }

  /// The order in which a table too wide for the terminal loses columns: the start and jump of
  /// the field first (the size stays), then the shares. Then long names, types and input lists
  /// are shortened, and only then do `lastResort` go. Layer, type, output, params and MACs stay.
  static let dropOrder: [SummaryColumn] = [.start, .jump, .macShare, .paramShare]
  static let lastResort: [SummaryColumn] = [.from, .memory, .rf]

  /// Columns whose long cells may be shortened around '…' when dropping is not enough.
  static let shortenable: [SummaryColumn] = [.layer, .type, .from]

  /// The columns of a `--columns` list (names separated by commas; `all` for every column), or the
  /// names it does not know.
  public static func parse(_ list: String) -> Result<[SummaryColumn], UnknownColumns> {
    var columns: [SummaryColumn] = []
    var unknown: [String] = []
    for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
      if name == "all" {
        columns += allCases
      } else if let column = SummaryColumn(rawValue: name) ?? aliases[name] {
        columns.append(column)
      } else {
        unknown.append(name)
      }
    }
    if !unknown.isEmpty || columns.isEmpty { return .failure(UnknownColumns(names: unknown)) }
    // Table order, each once.
    return .success(allCases.filter(columns.contains))
  }

  static let aliases: [String: SummaryColumn] = [
    "name": .layer, "op": .type, "inputs": .from, "shape": .output, "param": .params, "params%": .paramShare,
    "mac": .macs, "macs%": .macShare, "bytes": .memory, "field": .rf,
  ]

  /// Names `--columns` did not recognise.
  public struct UnknownColumns: Error, Sendable {
    public var names: [String]
  }
}
