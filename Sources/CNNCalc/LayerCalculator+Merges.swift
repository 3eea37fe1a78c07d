import CNNGraph

/// Layers that read several tensors: concat, add, mul.
extension LayerCalculator {
  static func concat(_ inputs: [TensorFacts]) throws -> LayerResult {
    let first = inputs[0]
    var channels = 0
    for input in inputs {
      guard input.shape.count == first.shape.count, input.shape.dropFirst() == first.shape.dropFirst() else {
        throw LayerProblem(
          .mergeMismatch, "cannot concatenate \(describe(inputs)): spatial extents differ",
          hint: "concat joins channels; every input needs the same extents")
      }
      channels = try Checked.add(channels, input.shape[0])
    }
    var result = LayerResult(shape: [channels] + first.shape.dropFirst(), receptiveField: .irregular)
    (result.receptiveField, result.alignment) = mergeFields(inputs, output: result.shape)
    return result
  }

  static func elementwise(_ inputs: [TensorFacts], broadcast: Bool) throws -> LayerResult {
    let rank = inputs[0].shape.count
    var shape = inputs[0].shape
    for input in inputs where input.shape.count != rank {
      throw LayerProblem(.mergeMismatch, "cannot combine \(describe(inputs)): different numbers of axes")
    }
    for axis in 0..<rank {
      for input in inputs {
        let (have, next) = (shape[axis], input.shape[axis])
        if have == next { continue }
        if broadcast, have == 1 || next == 1 {
          shape[axis] = max(have, next)
          continue
        }
        let code: DiagnosticCode = axis == 0 ? .channelMismatch : .mergeMismatch
        throw LayerProblem(
          code,
          "cannot \(broadcast ? "multiply" : "add") \(describe(inputs)): "
            + (axis == 0 ? "channel counts differ" : "spatial extents differ"),
          hint: broadcast
            ? "mul broadcasts only extents of 1" : "project one branch (e.g. a 1x1 conv with stride) to match")
      }
    }
    let elements = try Checked.product(shape)
    var result = LayerResult(
      shape: shape, receptiveField: .irregular,
      otherOps: try Checked.multiply(inputs.count - 1, elements))
    (result.receptiveField, result.alignment) = mergeFields(inputs, output: shape)
    return result
  }

  /// The field after a merge (FieldMerge); a field cnncalc cannot follow becomes unknown and never
  /// stops the analysis.
  static func mergeFields(_ inputs: [TensorFacts], output: [Int]) -> (ReceptiveField, FieldAlignment) {
    guard output.count > 1 else {
      return (inputs.contains { $0.receptiveField == .whole } ? .whole : .irregular, .aligned)
    }
    do {
      return try FieldMerge.merge(
        inputs.map(\.receptiveField), extents: inputs.map { Array($0.shape.dropFirst()) },
        output: Array(output.dropFirst()))
    } catch let problem as FieldTooComplex {
      return (.unknown(problem.reason), .aligned)
    } catch {
      return (.unknown(unrepresentableField), .aligned)
    }
  }

  static func describe(_ inputs: [TensorFacts]) -> String {
    inputs.map { "'\($0.name)' (\(ExtentText.of($0.shape)))" }.joined(separator: " and ")
  }
}
