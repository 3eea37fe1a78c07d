import CNNGraph

/// Writes an expanded network as a flat spec in the language (`export --format cnn`): one labelled
/// statement per layer, `from` where a layer does not read the one above, merges naming what they
/// merge. Names become labels the language accepts (`conv1/7x7_s2` → `conv1_7x7_s2`), kept unique.
/// Re-reading the text gives the same layers, shapes and counts.
public enum SpecTextExport {
  /// Words the language reserves at the start of a statement or as layer keywords: a label equal
  /// to one gets a trailing `_`.
  static let reserved = Set(["network", "input", "block", "end", "expect", "output", "from", "in"]).union(
    OperatorKind.allNames)

  public static func text(_ network: Network, source: String? = nil) -> String {
    var lines: [String] = []
    if let source { lines.append("# Exported by cnncalc from \(source).") }
    lines.append("network \(label(network.name))")
    var used = Set<String>()
    func unique(_ name: String) -> String {
      var candidate = label(name)
      if reserved.contains(candidate) { candidate += "_" }
      let base = candidate
      var suffix = 2
      while !used.insert(candidate).inserted {
        candidate = "\(base)_\(suffix)"
        suffix += 1
      }
      return candidate
    }
    var inputNames: [String] = []
    for input in network.inputs {
      let name = unique(input.name)
      inputNames.append(name)
      lines.append("input \(name) \(input.shape.map(String.init).joined(separator: "x"))")
    }
    var layerNames: [String] = []
    func name(_ tensor: TensorID) -> String {
      switch tensor {
      case .input(let index): inputNames[index]
      case .layer(let index): layerNames[index]
      }
    }
    lines.append("")
    var trunk: TensorID? = network.inputs.isEmpty ? nil : .input(0)
    for (index, layer) in network.layers.enumerated() {
      let label = unique(layer.name)
      layerNames.append(label)
      let op = layer.op.specText
      if layer.op.kind.declaration.isMerge {
        lines.append("\(label): \(op) \(layer.inputs.map(name).joined(separator: " "))")
      } else if layer.inputs.count == 1, layer.inputs.first == trunk {
        lines.append("\(label): \(op)")
      } else {
        lines.append("\(label): from \(layer.inputs.map(name).joined(separator: " ")) | \(op)")
      }
      trunk = .layer(index)
    }
    if network.outputs != [trunk].compactMap({ $0 }) {
      lines.append("output \(network.outputs.map(name).joined(separator: " "))")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A label the language reads: letters, digits and `_`, not starting with a digit.
  static func label(_ name: String) -> String {
    var result = String(
      name.unicodeScalars.map { scalar -> Character in
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? Character(scalar) : "_"
      })
    while result.hasPrefix("_") && result.count > 1 { result.removeFirst() }
    if result.isEmpty || result.first!.isNumber { result = "l" + result }
    return result
  }
}
