import CNNCalc
import CNNGraph

/// `cnncalc explain`: one layer's output extent and receptive field derived step by step, as text
/// or Markdown (for notes).
public enum ExplainReport {
  /// The symbols, as docs/conventions.md uses them.
  static let notation = [
    "i input extent, k kernel, s stride, d dilation, b and e padding before and after, dk = d·(k − 1) + 1;",
    "r field size, j jump, c start (centre of unit 0's field); ′ marks the layer's input (docs/conventions.md)",
  ]

  /// `vgg16, pool5: receptive field 212, jump 32, start 31/2` (or `whole`, `irregular`, …).
  static func headline(_ derivation: Derivation) -> String {
    let field = derivation.steps.last?.output.receptiveField ?? .irregular
    let cells = SummaryReport.fieldCells(field)
    let what =
      cells[1].isEmpty
      ? "receptive field \(cells[0])" : "receptive field \(cells[0]), jump \(cells[1]), start \(cells[2])"
    return "\(derivation.network), \(derivation.target): \(what)"
  }

  /// `along 18 layers from image (3x224x224); r: 1 → 3, 5, 6, …, 212`.
  static func path(_ derivation: Derivation) -> String {
    let inputs = derivation.inputs.map { "\($0.name) (\(ExtentText.of($0.shape)))" }.joined(separator: ", ")
    let count = derivation.steps.count
    var text = "along \(count) layer\(count == 1 ? "" : "s") from \(inputs)"
    let sizes = derivation.steps.compactMap { step -> String? in
      guard case .regular(let field) = step.output.receptiveField, !field.size.isEmpty else { return nil }
      return ExtentText.of(field.size)
    }
    var growth: [String] = []
    for size in sizes where growth.last != size { growth.append(size) }
    if !growth.isEmpty { text += "; r: 1 → " + growth.joined(separator: ", ") }
    return text
  }

  /// Rows of the closing table: each input, then each layer, with its output and field figures.
  static func fieldRows(_ derivation: Derivation) -> [[String]] {
    derivation.inputs.map { [$0.name, ExtentText.of($0.shape)] + SummaryReport.fieldCells($0.receptiveField) }
      + derivation.steps.filter { !$0.passesThrough }.map {
        [$0.layer, ExtentText.of($0.output.shape)] + SummaryReport.fieldCells($0.output.receptiveField)
      }
  }

  /// The closing table: the field along the way.
  static func fieldTable(_ derivation: Derivation) -> TextTable {
    var table = TextTable(
      headers: ["Layer", "Output", "RF", "Jump", "Start"], alignments: [.left, .left, .right, .right, .right])
    table.rows = fieldRows(derivation).map { Optional($0) }
    return table
  }

  /// `3x224x224 → 64x224x224` (`+` between a merge's inputs).
  static func shapes(_ step: Derivation.Step) -> String {
    step.inputs.map { ExtentText.of($0.shape) }.joined(separator: " + ") + " → \(ExtentText.of(step.output.shape))"
  }

  /// The derivation as text: headline, path, notation, one block per layer, the field table.
  public static func text(_ derivation: Derivation, style: Style = .plain) -> String {
    var lines = [headline(derivation), path(derivation), "notation: " + notation[0], "          " + notation[1], ""]
    for step in derivation.steps {
      if step.passesThrough {
        lines.append(
          "\(step.layer)  \(OperatorText.describe(step.op))  \(ExtentText.of(step.output.shape)): extent and field unchanged"
        )
        lines.append("")
        continue
      }
      lines.append("\(step.layer)  \(OperatorText.describe(step.op))  \(shapes(step))")
      for (index, line) in step.shape.enumerated() { lines.append((index == 0 ? "  extent  " : "          ") + line) }
      for (index, line) in step.field.enumerated() { lines.append((index == 0 ? "  field   " : "          ") + line) }
      lines.append("")
    }
    lines.append("the field along the way (layers that change neither extent nor field left out):")
    lines.append(fieldTable(derivation).render(box: style.boxDrawing))
    return lines.joined(separator: "\n") + "\n"
  }

  /// The derivation as Markdown: a heading, the path, a section per layer with the arithmetic in
  /// code spans, and the field table.
  public static func markdown(_ derivation: Derivation) -> String {
    let path = path(derivation)
    var lines = [
      "### " + headline(derivation), "", path.prefix(1).uppercased() + path.dropFirst() + ".",
      "", "Notation: " + notation.joined(separator: " ") + ".", "",
    ]
    for step in derivation.steps {
      if step.passesThrough {
        lines.append("**\(step.layer)** `\(OperatorText.describe(step.op))`: extent and field unchanged")
        lines.append("")
        continue
      }
      lines.append("**\(step.layer)** `\(OperatorText.describe(step.op))`: \(shapes(step))")
      lines.append("")
      for line in step.shape { lines.append("- extent: `\(line)`") }
      for line in step.field { lines.append("- field: `\(line.trimmingPrefix(while: { $0 == " " }))`") }
      lines.append("")
    }
    lines.append(fieldTable(derivation).markdown())
    return lines.joined(separator: "\n") + "\n"
  }
}
