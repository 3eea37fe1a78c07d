import CNNCalc
import CNNGraph
import CNNReport

extension Charts {
  /// Parameters and MACs per layer, or per top-level group when there are more than 40 layers:
  /// two bar panels sharing the rows, each bar labelled with its share of the total.
  public static func cost(_ analysis: Analysis) -> String {
    let groups = LayerGroups(analysis.network)
    let byGroup = analysis.layers.count > 40
    var rows: [(name: String, params: Int, macs: Int)] =
      groups.runs(count: analysis.layers.count, foldingAt: byGroup ? 1 : nil).map { range, group in
        let members = analysis.layers[range]
        return (
          group?.name ?? members.first!.name, members.reduce(0) { $0 &+ $1.params }, members.reduce(0) { $0 &+ $1.macs }
        )
      }
    rows = rows.filter { $0.params > 0 || $0.macs > 0 }
    let totals = analysis.totals
    let rowHeight = 18.0
    let nameWidth = Double(min(40, rows.map(\.name.count).max() ?? 8)) * 7.2 + 16
    let panel = 300.0
    let width = nameWidth + 2 * panel + 120
    let height = 70 + rowHeight * Double(rows.count) + 20
    let title = "\(analysis.network.name): parameters and MACs\(byGroup ? " per top-level group" : " per layer")"
    var out = open(Frame(width: width, height: height), title: title)
    let heads = [
      ("parameters \(Humanize.count(totals.params))", nameWidth),
      ("MACs \(Humanize.count(totals.macs))", nameWidth + panel + 60),
    ]
    for (text, x) in heads {
      out += "<text class=\"label\" x=\"\(SVG.number(x))\" y=\"52\">\(SVG.escaped(text))</text>\n"
    }
    let maxParams = Double(rows.map(\.params).max() ?? 1)
    let maxMACs = Double(rows.map(\.macs).max() ?? 1)
    for (position, row) in rows.enumerated() {
      let y = 62 + rowHeight * Double(position)
      let shown = row.name.count > 40 ? String(row.name.prefix(39)) + "…" : row.name
      out += "<g class=\"cost-row\" data-layer=\"\(SVG.escaped(row.name))\">"
      out +=
        "<text class=\"label\" x=\"\(SVG.number(nameWidth - 8))\" y=\"\(SVG.number(y + 12))\" text-anchor=\"end\">\(SVG.escaped(shown))</text>"
      for (value, total, largest, x, className) in [
        (row.params, totals.params, maxParams, nameWidth, "bar-params"),
        (row.macs, totals.macs, maxMACs, nameWidth + panel + 60, "bar-macs"),
      ] {
        let length = largest > 0 ? Double(value) / largest * panel : 0
        let share = total > 0 ? SummaryReport.percent(value, of: total) : ""
        out +=
          "<rect class=\"\(className)\" x=\"\(SVG.number(x))\" y=\"\(SVG.number(y + 3))\" width=\"\(SVG.number(max(length, value > 0 ? 1 : 0)))\" height=\"\(SVG.number(rowHeight - 6))\"/>"
        out +=
          "<text class=\"legend\" x=\"\(SVG.number(x + length + 4))\" y=\"\(SVG.number(y + 12))\">\(SVG.escaped(value > 0 ? share : ""))</text>"
      }
      out += "</g>\n"
    }
    return out + "</svg>\n"
  }
}
