import CNNGraph

/// Reading the current node's attributes and inputs, with ONNX's defaults and located errors.
extension ONNXGraphBuilder {
  func attributeInt(_ name: String, default value: Int) throws(NodeProblem) -> Int {
    switch node.attributes[name] {
    case nil: return value
    case .int(let number)?: return Int(truncatingIfNeeded: number)
    default: throw NodeProblem(.badArgument, "attribute '\(name)' should be an integer")
    }
  }

  func attributeInts(_ name: String) throws(NodeProblem) -> [Int]? {
    switch node.attributes[name] {
    case nil: return nil
    case .ints(let numbers)?: return numbers.map { Int(truncatingIfNeeded: $0) }
    case .int(let number)?: return [Int(truncatingIfNeeded: number)]
    default: throw NodeProblem(.badArgument, "attribute '\(name)' should be a list of integers")
    }
  }

  func attributeFloat(_ name: String, default value: Float) throws(NodeProblem) -> Float {
    switch node.attributes[name] {
    case nil: return value
    case .float(let number)?: return number
    case .int(let number)?: return Float(number)
    default: throw NodeProblem(.badArgument, "attribute '\(name)' should be a number")
    }
  }

  func attributeString(_ name: String, default value: String) throws(NodeProblem) -> String {
    switch node.attributes[name] {
    case nil: return value
    case .string(let text)?: return text
    default: throw NodeProblem(.badArgument, "attribute '\(name)' should be a string")
    }
  }

  /// The value of input `index`, or nil when it is omitted (absent or named "").
  func input(_ index: Int) -> ONNXValue? {
    guard index < node.inputs.count, !node.inputs[index].isEmpty else { return nil }
    return values[node.inputs[index]]
  }

  /// Input `index` as an activation of the network.
  func activation(_ index: Int) throws(NodeProblem) -> TensorID {
    guard case .activation(let tensor)? = input(index) else {
      throw NodeProblem.unsupported(
        index < node.inputs.count
          ? "input '\(node.inputs[index])' is not an activation of the network here (a constant or a rearranged view)"
          : "input \(index + 1) is missing")
    }
    return tensor
  }

  /// The per-sample shape of an activation; throws `Refused` when an upstream layer has none (the
  /// analysis reports that layer).
  func shape(_ tensor: TensorID) throws -> [Int] {
    guard let shape = assembler.shape(of: tensor) else { throw Refused() }
    return shape
  }

  /// Input `index` as known integers (a constant, a folded shape, a small initializer); nil when
  /// the input is omitted.
  func constantIntegers(_ index: Int) throws(NodeProblem) -> [Int]? {
    switch input(index) {
    case nil: return nil
    case .constant(_, let values)?:
      guard let integers = values.integers else {
        throw NodeProblem(.badArgument, "input \(index + 1) should be integers")
      }
      return integers
    default:
      throw NodeProblem.unsupported(
        "input '\(node.inputs[index])' must be a constant that cnncalc can compute from the model")
    }
  }

  /// Input `index` as known numbers; nil when omitted.
  func constantReals(_ index: Int) throws(NodeProblem) -> [Double]? {
    switch input(index) {
    case nil: return nil
    case .constant(_, let values)?: return values.reals
    default:
      throw NodeProblem.unsupported(
        "input '\(node.inputs[index])' must be a constant that cnncalc can compute from the model")
    }
  }

  /// The dims of a weight or constant input.
  func dims(_ index: Int) throws(NodeProblem) -> [Int] {
    switch input(index) {
    case .weight(let tensor)?: return tensor.dims
    case .constant(let dims, _)?: return dims
    default: throw NodeProblem.unsupported("input \(index + 1) must be an initializer (a weight) of the model")
    }
  }

  /// Whether input `index` is a weight or constant (a learned tensor, a bias).
  func isParameter(_ index: Int) -> Bool {
    switch input(index) {
    case .weight?, .constant?: true
    default: false
    }
  }

  /// A float attribute as the exact decimal its shortest spelling gives (`1e-05`, not
  /// 9.99999974738e-06): what the model's author wrote.
  static func exact(_ value: Float) -> Rational? {
    var text = Substring(value.description)
    let negative = text.hasPrefix("-")
    if negative { text = text.dropFirst() }
    guard let magnitude = Literals.decimal(text) else { return nil }
    return negative ? try? Rational.zero - magnitude : magnitude
  }

  /// An axis in [0, rank), from ONNX's possibly negative form.
  static func axis(_ axis: Int, rank: Int) throws(NodeProblem) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0, resolved < rank else {
      throw NodeProblem(.badArgument, "axis \(axis) is outside a tensor of rank \(rank)")
    }
    return resolved
  }
}
