/// Computes a layer's output shape from its inputs' shapes. The expander asks it when a spec reads
/// a tensor's shape (`in.c`, `stem.h`); CNNCalc provides the calculator's rules
/// (`CalculatedShapes`). Without an oracle such reads are errors that say so.
public protocol ShapeOracle: Sendable {
  /// The output shape (channels first, without batch), or why there is none.
  func outputShape(of op: Operator, inputs: [[Int]]) -> Result<[Int], ShapeFailure>
}

/// Why a layer has no output shape, in the words of the calculator's error.
public struct ShapeFailure: Error, Sendable {
  public var message: String

  public init(_ message: String) { self.message = message }
}
