/// The reshape rule ONNX (`allowzero` 0) and Caffe share: in the target, a 0 copies the input's
/// extent on that axis and one −1 takes whatever the element count leaves.
public enum ReshapeTarget {
  /// Why a target does not apply to an input.
  public enum Problem: Error, Equatable {
    /// A 0 at `axis`, where the input has no such axis.
    case copiesMissingAxis(Int)
    /// The target does not hold the input's elements (or has a second −1, or a negative extent).
    case doesNotFit
  }

  /// The target with its 0s and −1 resolved against an input of extents `dims` holding `count`
  /// elements.
  public static func resolve(_ dims: [Int], to target: [Int], count: Int) -> Result<[Int], Problem> {
    var result: [Int] = []
    for (index, value) in target.enumerated() {
      if value == 0 {
        guard index < dims.count else { return .failure(.copiesMissingAxis(index)) }
        result.append(dims[index])
      } else {
        result.append(value)
      }
    }
    if let hole = result.firstIndex(of: -1) {
      let known = result.enumerated().filter { $0.offset != hole }.map(\.element)
      guard let product = product(known), product > 0, count % product == 0 else { return .failure(.doesNotFit) }
      result[hole] = count / product
    }
    guard product(result) == count, result.allSatisfy({ $0 >= 0 }) else { return .failure(.doesNotFit) }
    return .success(result)
  }

  /// The product of `values`, or nil on overflow or a negative factor.
  public static func product(_ values: [Int]) -> Int? {
    var result = 1
    for value in values {
      guard value >= 0 else { return nil }
      let (next, overflow) = result.multipliedReportingOverflow(by: value)
      if overflow { return nil }
      result = next
    }
    return result
  }
}
