import CNNGraph

/// Reading tensor shapes in expressions: `in.c`, `in.h`, `stem.w` (docs/spec-format.md, "Shapes in
/// expressions"). Before an expression is evaluated, every such name in it is looked up and its
/// value added to the parameters the evaluator sees.
extension Expander {
  /// The attribute letters and the axis each reads, by spatial rank: `c` channels; `w` the last
  /// spatial axis, `h` the one before, `d` the one before that.
  static let attributeLetters: Set<Character> = ["c", "h", "w", "d"]

  /// `parameters` plus the value of every `TENSOR.c/h/w/d` in `expressions`. `stageInput` is
  /// what `in` means at top level (the input of the stage being expanded); inside a block, `in`
  /// is the block's input.
  mutating func parameters(
    with expressions: [Expression], scope: Scope, stageInput: TensorID?
  ) throws(Stop) -> [String: ArgumentValue] {
    var parameters = scope.parameters
    for name in Self.names(in: expressions) where parameters[name.value] == nil {
      guard let dot = name.value.lastIndex(of: "."), name.value.index(after: dot) < name.value.endIndex,
        name.value[name.value.index(after: dot)...].count == 1,
        let letter = name.value.last, Self.attributeLetters.contains(letter),
        lookup(name.value, scope: scope) == nil
      else { continue }
      let prefix = String(name.value[..<dot])
      let tensor: TensorID
      if prefix == "in" {
        guard let input = scope.frames.isEmpty ? stageInput : scope.names["in"] else {
          throw Stop(diagnostic: Diagnostic(.missingInput, "'in' has no tensor here", at: name.range))
        }
        tensor = input
      } else {
        guard let found = lookup(prefix, scope: scope) else { continue }
        tensor = found
      }
      parameters[name.value] = .integer(try attribute(letter, of: tensor, named: prefix, at: name.range))
    }
    return parameters
  }

  private func lookup(_ name: String, scope: Scope) -> TensorID? {
    if let tensor = scope.names[name] { return tensor }
    if scope.frames.isEmpty, let index = layerIndex[name] { return .layer(index) }
    return nil
  }

  private mutating func attribute(_ letter: Character, of tensor: TensorID, named name: String, at range: SourceRange)
    throws(Stop) -> Int
  {
    let shape: [Int]
    switch shapeOf(tensor) {
    case .success(let known): shape = known
    case .failure(let failure):
      throw Stop(
        diagnostic: Diagnostic(
          .unknownName, "the shape of '\(name)' is not known: \(failure.message)", at: range,
          hint: "fix the error reported for it first"))
    }
    let spatial = Array(shape.dropFirst())
    let axes: [Character] = Array(["d", "h", "w"].suffix(spatial.count))
    if letter == "c" { return shape[0] }
    guard let axis = axes.firstIndex(of: letter) else {
      throw Stop(
        diagnostic: Diagnostic(
          .rankMismatch,
          "'\(name)' is \(ExtentText.of(shape)): it has no '\(letter)' axis",
          at: range,
          hint: spatial.isEmpty
            ? "a flat tensor has only c" : "its axes are c, " + axes.map(String.init).joined(separator: ", ")))
    }
    return spatial[axis]
  }

  /// The shape of a tensor, computing the shapes of layers in order as far as needed.
  mutating func shapeOf(_ tensor: TensorID) -> Result<[Int], ShapeFailure> {
    switch tensor {
    case .input(let index):
      // An input whose declared shape was refused has an empty shape; its error is reported.
      let input = networkInputs[index]
      return input.shape.isEmpty
        ? .failure(ShapeFailure("input '\(input.name)' has no usable shape")) : .success(input.shape)
    case .layer(let index):
      guard let oracle = shapeOracle else {
        return .failure(ShapeFailure("shapes are not computed here (no shape calculator was given)"))
      }
      while layerShapes.count <= index {
        let layer = layers[layerShapes.count]
        // Every input is a network input or an earlier layer, whose shape is already known.
        var inputs: [[Int]] = []
        var failure: ShapeFailure?
        for input in layer.inputs {
          switch shapeOf(input) {
          case .success(let shape): inputs.append(shape)
          case .failure(let reason):
            if case .layer(let i) = input {
              failure = ShapeFailure("layer '\(layers[i].name)' has no shape")
            } else {
              failure = reason
            }
          }
        }
        layerShapes.append(failure.map { .failure($0) } ?? oracle.outputShape(of: layer.op, inputs: inputs))
      }
      return layerShapes[index]
    }
  }

  /// Every name in `expressions`, in order.
  static func names(in expressions: [Expression]) -> [Located<String>] {
    var found: [Located<String>] = []
    func visit(_ expression: Expression) {
      switch expression {
      case .literal: break
      case .name(let name): found.append(name)
      case .negate(let inner, _), .not(let inner, _): visit(inner)
      case .binary(_, let lhs, let rhs), .sides(let lhs, let rhs):
        visit(lhs)
        visit(rhs)
      case .call(_, let arguments, _): arguments.forEach(visit)
      }
    }
    expressions.forEach(visit)
    return found
  }
}
