import CNNGraph

/// How one layer's output extent and receptive field follow from the layers before it, with the
/// numbers filled into the formulas of docs/conventions.md (`cnncalc explain`). Every figure it
/// states is the calculator's own; the formulas are shown where they reproduce it exactly, and the
/// rule in words where the field is a pattern of phases (resampling, transposed convolution, merges).
public struct Derivation: Sendable {
  /// One layer on the way: its extent arithmetic and its field recurrence.
  public struct Step: Sendable {
    /// The layer's unique name.
    public var layer: String
    /// What it computes.
    public var op: Operator
    /// The tensors it reads.
    public var inputs: [TensorFacts]
    /// The tensor it writes.
    public var output: TensorFacts
    /// The output extent derived, one line per statement (axis-prefixed when the axes differ).
    public var shape: [String]
    /// The receptive field derived, one line per statement (axis-prefixed when the axes differ).
    public var field: [String]

    /// Whether the layer changes neither the extents nor the field (activations, batch norm, …):
    /// reports give it one line.
    public var passesThrough: Bool {
      inputs.count == 1 && inputs[0].shape == output.shape && inputs[0].receptiveField == output.receptiveField
    }
  }

  /// The network's name.
  public var network: String
  /// The layer explained.
  public var target: String
  /// The network inputs the layer depends on.
  public var inputs: [TensorFacts]
  /// Every layer the target depends on, and the target, in execution order.
  public var steps: [Step]

  /// The derivation for the layer named `name` (or a group's, block instance's, output layer), or
  /// nil when there is no such layer (or the analysis stopped before it).
  public static func of(_ analysis: Analysis, layer name: String) -> Derivation? {
    let network = analysis.network
    let group = network.groups.first { $0.name == name }?.layers.last
    guard let target = network.layers.firstIndex(where: { $0.name == name }) ?? group,
      target < analysis.layers.count
    else { return nil }
    var needed = Set([target])
    var inputs = Set<Int>()
    for index in stride(from: target, through: 0, by: -1) where needed.contains(index) {
      for input in network.layers[index].inputs {
        switch input {
        case .layer(let producer): needed.insert(producer)
        case .input(let position): inputs.insert(position)
        }
      }
    }
    func facts(_ id: TensorID) -> TensorFacts {
      switch id {
      case .layer(let index): analysis.layers[index].output
      case .input(let position): analysis.inputs[position]
      }
    }
    let steps = needed.sorted().map { index in
      let layer = network.layers[index]
      let reads = layer.inputs.map(facts)
      let output = analysis.layers[index].output
      let notes = analysis.diagnostics.filter {
        $0.layer == layer.name && [.rfMisaligned, .rfSubpixelOffset].contains($0.code)
      }
      // The window as the calculator placed it: its padding and findings are the ones explained.
      let placement = layer.op.slidingWindow.flatMap { window in
        try? LayerCalculator.place(window, ceilMode: layer.op.isCeilModePooling, reads[0])
      }
      return Step(
        layer: layer.name, op: layer.op, inputs: reads, output: output,
        shape: ShapeDerivation.lines(layer.op, inputs: reads, output: output, placement: placement),
        field: FieldDerivation.lines(
          layer.op, inputs: reads, output: output, placement: placement,
          layers: layer.inputs.map { facts($0).name })
          + notes.map { "\($0.code.rawValue): \($0.message)" })
    }
    let layer = network.layers[target].name
    return Derivation(
      network: network.name, target: layer == name ? name : "\(name) (its output \(layer))",
      inputs: inputs.sorted().map { analysis.inputs[$0] }, steps: steps)
  }

  /// Per-axis statements, written once when every axis says the same and prefixed with the axis
  /// name (`row:`, `column:`) otherwise.
  static func collapsed(_ perAxis: [[String]]) -> [String] {
    guard let first = perAxis.first else { return [] }
    if perAxis.allSatisfy({ $0 == first }) { return first }
    return perAxis.enumerated().flatMap { axis, lines in
      lines.map { "\(FindingReporter.axisNoun(axis, rank: perAxis.count)): \($0)" }
    }
  }
}
