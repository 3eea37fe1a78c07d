import CNNGraph

/// Turns the alignment of merging paths into diagnostics (docs/conventions.md, "Where paths merge").
enum FieldReporter {
  /// `L` for 1-D, `H`/`W` for 2-D, `D`/`H`/`W` for 3-D tensors.
  static func axisName(_ axis: Int, of inputs: [TensorFacts]) -> String {
    let rank = inputs.first?.spatialRank ?? 0
    let names = ["D", "H", "W"].suffix(rank)
    return rank == 1 ? "L" : (axis < names.count ? Array(names)[axis] : "axis \(axis + 1)")
  }

  static func describe(_ alignment: FieldAlignment, layer: Layer, inputs: [TensorFacts]) -> [Diagnostic] {
    let paths = inputs.map { "'\($0.name)' \(FindingReporter.fieldText($0.receptiveField))" }.joined(separator: ", ")
    switch alignment {
    case .aligned:
      return []
    case .misaligned(let axis, let detail):
      return [
        Diagnostic(
          .rfMisaligned,
          "\(layer.name) merges paths that look at different places along \(axisName(axis, of: inputs)) "
            + "(\(detail)): \(paths)",
          at: layer.range, layer: layer.name,
          hint: "the merged units do not see the same pixels; check the padding or cropping of each path")
      ]
    case .subpixel(let axis, let offsets, let resampled):
      let magnitudes = Set(offsets.map { $0 < .zero ? ((try? -$0) ?? $0) : $0 }).sorted()
      let text = magnitudes.map(\.description).joined(separator: " or ")
      return [
        Diagnostic(
          .rfSubpixelOffset,
          "\(layer.name) merges paths whose corresponding units are offset by \(text) pixels along "
            + "\(axisName(axis, of: inputs)), "
            + (resampled
              ? "within one unit of the resampled path, as resampling places them" : "less than half their spacing")
            + ": inherent to the design",
          at: layer.range, layer: layer.name)
      ]
    }
  }
}
