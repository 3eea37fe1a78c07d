import CNNCalc
import CNNGraph
import Foundation

/// Builds the summary table's rows: one per input, then one per layer in execution order, or one
/// per folded group under `--depth`.
struct SummaryRows {
  let analysis: Analysis
  let exact: Bool
  /// The computed layers by their index in the network.
  private let facts: [Int: LayerFacts]

  init(analysis: Analysis, exact: Bool) {
    self.analysis = analysis
    self.exact = exact
    facts = Dictionary(uniqueKeysWithValues: analysis.layers.map { ($0.index, $0) })
  }

  /// Rows as cells by column. `depth` nil: every layer; 0: the network as one row; N: groups at
  /// level N folded, layers in no such group shown as themselves.
  func rows(depth: Int?) -> [[SummaryColumn: String]] {
    var rows: [[SummaryColumn: String]] = []
    for input in analysis.inputs {
      let size = SummaryReport.inputBytes(input, analysis).map(bytes) ?? "beyond 2^63"
      rows.append(
        cells(
          name: input.name, type: "input", from: "", shape: input.shape, params: 0, macs: 0, memory: size,
          field: input.receptiveField))
    }
    var above: TensorID? = analysis.inputs.isEmpty ? nil : .input(analysis.inputs.count - 1)
    let network = analysis.network
    let groups = LayerGroups(network)
    if depth == 0 {
      let whole = LayerGroups.Node(name: network.name, block: "network", layers: 0..<network.layers.count, level: 0)
      if let row = groupRow(whole, above: above) { return rows + [row] }
    }
    var index = 0
    while index < network.layers.count {
      if let depth, depth > 0, let group = groups.group(holding: index, atLevel: depth),
        let row = groupRow(group, above: above)
      {
        rows.append(row)
        above = .layer(group.layers.upperBound - 1)
        index = group.layers.upperBound
        continue
      }
      if let layer = facts[index] {
        rows.append(layerRow(layer, above: above))
        above = .layer(index)
      }
      index += 1
    }
    return rows
  }

  private func layerRow(_ layer: LayerFacts, above: TensorID?) -> [SummaryColumn: String] {
    let op = analysis.network.layers[layer.index].op
    let reads = analysis.network.layers[layer.index].inputs
    let memory = layer.storage == .allocated ? bytes(layer.activationBytes) : layer.storage.rawValue
    return cells(
      name: String(repeating: "  ", count: layer.depth) + layer.name, type: OperatorText.describe(op),
      from: connection(reads, above: above), shape: layer.output.shape, params: layer.params, macs: layer.macs,
      memory: memory,
      field: layer.output.receptiveField)
  }

  /// A folded group: its sums, its last layer's output, and what it reads from outside; nil when
  /// one of its layers was not computed (its members are then shown one by one).
  private func groupRow(_ group: LayerGroups.Node, above: TensorID?) -> [SummaryColumn: String]? {
    let members = group.layers.compactMap { facts[$0] }
    guard members.count == group.layers.count, let last = members.last else { return nil }
    var reads: [TensorID] = []
    for index in group.layers {
      for tensor in analysis.network.layers[index].inputs where !reads.contains(tensor) {
        if case .layer(let source) = tensor, group.layers.contains(source) { continue }
        reads.append(tensor)
      }
    }
    let allocated = members.filter { $0.storage == .allocated }.reduce(0) { $0 &+ $1.activationBytes }
    let kind = group.block.map { "\($0), " } ?? ""
    return cells(
      name: String(repeating: "  ", count: max(group.level - 1, 0)) + group.name,
      type: "\(kind)\(members.count) layers",
      from: connection(reads, above: above), shape: last.output.shape, params: members.reduce(0) { $0 &+ $1.params },
      macs: members.reduce(0) { $0 &+ $1.macs }, memory: bytes(allocated), field: last.output.receptiveField)
  }

  /// The From cell: the tensors a row reads, or nothing when it reads just the row above.
  private func connection(_ reads: [TensorID], above: TensorID?) -> String {
    reads == [above].compactMap({ $0 }) ? "" : reads.map(analysis.network.name(of:)).joined(separator: ", ")
  }

  private func cells(
    name: String, type: String, from: String, shape: [Int], params: Int, macs: Int, memory: String,
    field: ReceptiveField
  ) -> [SummaryColumn: String] {
    let fieldCells = SummaryReport.fieldCells(field)
    return [
      .layer: name, .type: type, .from: from, .output: ExtentText.of(shape),
      .params: params == 0 ? "" : count(params), .paramShare: share(params, of: analysis.totals.params),
      .macs: macs == 0 ? "" : count(macs), .macShare: share(macs, of: analysis.totals.macs), .memory: memory,
      .rf: fieldCells[0], .jump: fieldCells[1], .start: fieldCells[2],
    ]
  }

  private func count(_ value: Int) -> String { exact ? Grouping.integer(value) : Humanize.count(value) }
  private func bytes(_ value: Int) -> String { exact ? Grouping.integer(value) : Humanize.bytes(value) }

  /// A part's share of a total; blank for nothing, and when the totals were not computed (a share
  /// of an unknown total would be made up).
  private func share(_ part: Int, of total: Int) -> String {
    guard part > 0, total > 0, analysis.totalsComplete else { return "" }
    return SummaryReport.percent(part, of: total)
  }
}
