import CNNSpec

/// Turns the alignment of merging paths into diagnostics (docs/conventions.md, "Where paths merge").
enum FieldReporter {
  static func describe(_ alignment: FieldAlignment, layer: Layer, inputs: [TensorFacts]) -> [Diagnostic] {
    let paths = inputs.map { "'\($0.name)' \(FindingReporter.fieldText($0.receptiveField))" }.joined(separator: ", ")
    switch alignment {
    case .aligned:
      return []
    case .misaligned(let axis, let detail):
      return [
        Diagnostic(
          .rfMisaligned,
          "\(layer.name) merges paths that look at different places on axis \(axis + 1) (\(detail)): \(paths)",
          at: layer.range, layer: layer.name,
          hint: "the merged units do not see the same pixels; check the padding or cropping of each path")
      ]
    case .subpixel(let axis, let offsets):
      let text = offsets.map(\.description).joined(separator: ", ")
      return [
        Diagnostic(
          .rfSubpixelOffset,
          "\(layer.name) merges a resampled path whose units sit off the others' by \(text) pixels "
            + "on axis \(axis + 1), repeating: inherent to the resampling", at: layer.range, layer: layer.name)
      ]
    }
  }
}
