import CNNGraph

/// The calculator's shape rules for the spec language's shape reads (`in.c`): the same
/// `LayerCalculator` the analysis uses, with fields skipped.
public struct CalculatedShapes: ShapeOracle {
  public init() {}

  public func outputShape(of op: Operator, inputs: [[Int]]) -> Result<[Int], ShapeFailure> {
    guard !inputs.isEmpty, inputs.allSatisfy({ !$0.isEmpty }) else {
      return .failure(ShapeFailure("the layer has no input with a shape"))
    }
    let facts = inputs.map { TensorFacts(name: "its input", shape: $0, receptiveField: .whole) }
    do {
      return .success(try LayerCalculator.compute(op, inputs: facts).shape)
    } catch {
      return .failure(ShapeFailure(error.message))
    }
  }
}
