import CNNGraph

/// Turns window findings into diagnostics with the arithmetic spelled out.
enum FindingReporter {
  /// Names of spatial axes in messages, by rank: 1-D positions; 2-D rows and columns; 3-D frames too.
  static func axisNoun(_ axis: Int, rank: Int) -> String {
    let names = rank == 1 ? ["position"] : rank == 2 ? ["row", "column"] : rank == 3 ? ["frame", "row", "column"] : []
    return axis < names.count ? names[axis] : "element on axis \(axis + 1)"
  }

  static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

  static func describe(_ findings: [WindowFinding], layer: Layer, inputs: [TensorFacts], output: [Int]) -> [Diagnostic]
  {
    let rank = max(inputs[0].shape.count - 1, 0)
    var diagnostics: [Diagnostic] = []
    var truncations: [(axis: Int, dropped: Int, input: Int, padding: Int, kernel: Int, stride: Int)] = []
    var partials: [(axis: Int, overhang: Int)] = []
    for finding in findings {
      switch finding {
      case .truncation(let axis, let dropped, let input, let padding, let kernel, let stride):
        truncations.append((axis, dropped, input, padding, kernel, stride))
      case .ceilWindowDropped(let axis):
        diagnostics.append(
          Diagnostic(
            .ceilWindowDropped,
            "\(layer.name) skips its last ceil-mode window along the \(axisNoun(axis, rank: rank)) "
              + "axis: it would start inside the end padding", at: layer.range, layer: layer.name,
            hint: "PyTorch and Caffe skip such windows too; reduce the padding to make it explicit"))
      case .partialWindow(let axis, let overhang):
        partials.append((axis, overhang))
      case .unevenPadding(let axis, let before, let after):
        diagnostics.append(
          Diagnostic(
            .partialWindow,
            "\(layer.name)'s same padding is uneven along the \(axisNoun(axis, rank: rank)) "
              + "axis: \(before) before, \(after) after", at: layer.range, layer: layer.name))
      }
    }
    for overhang in Set(partials.map(\.overhang)).sorted() {
      let axes = partials.filter { $0.overhang == overhang }.map { axisNoun($0.axis, rank: rank) }
      diagnostics.append(
        Diagnostic(
          .partialWindow,
          "\(layer.name)'s last ceil-mode window runs \(plural(overhang, "element")) past "
            + "the padded input along the \(axes.joined(separator: " and ")) ax\(axes.count == 1 ? "is" : "es"); "
            + "that edge is pooled over fewer elements", at: layer.range, layer: layer.name))
    }
    // One message for axes with the same arithmetic (the usual square case), one per axis otherwise.
    var groups: [[(axis: Int, dropped: Int, input: Int, padding: Int, kernel: Int, stride: Int)]] = []
    for truncation in truncations {
      if let index = groups.firstIndex(where: {
        $0[0].dropped == truncation.dropped && $0[0].input == truncation.input
          && $0[0].padding == truncation.padding && $0[0].kernel == truncation.kernel
          && $0[0].stride == truncation.stride
      }) {
        groups[index].append(truncation)
      } else {
        groups.append([truncation])
      }
    }
    for group in groups {
      let t = group[0]
      let what = group.map { "\(plural(t.dropped, "input " + axisNoun($0.axis, rank: rank)))" }.joined(
        separator: " and ")
      let padded = t.input + t.padding
      let sum = t.padding > 0 ? "\(t.input) + \(t.padding) − \(t.kernel)" : "\(t.input) − \(t.kernel)"
      let span = padded - t.kernel
      let remainder = span % t.stride
      let out = output[t.axis + 1]
      let smaller = t.input - remainder + t.padding > t.kernel ? "\(t.input - remainder)" : nil
      let larger = t.input + t.stride - remainder
      let hint =
        "here a layer input of \(larger)\(smaller.map { " or \($0)" } ?? "") fits exactly, and so does "
        + "\(t.stride - remainder) more padding at the end"
      diagnostics.append(
        Diagnostic(
          .truncation,
          "\(layer.name) drops \(what): \(sum) = \(span) is not a multiple of stride "
            + "\(t.stride), so floor mode gives \(out) output\(out == 1 ? "" : "s")", at: layer.range,
          layer: layer.name, hint: hint))
    }
    return diagnostics
  }

  /// A short text for a field in messages: `size 11 jump 4 start 5`, `whole`, `irregular`.
  static func fieldText(_ field: ReceptiveField) -> String {
    switch field {
    case .whole: return "whole input"
    case .irregular: return "irregular"
    case .unknown: return "not computed"
    case .regular(let regular):
      return
        "size \(ExtentText.of(regular.size)) jump \(ExtentText.of(regular.jump)) start \(ExtentText.of(regular.start))"
    }
  }
}
