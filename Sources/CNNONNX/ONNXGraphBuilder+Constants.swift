import CNNGraph

/// Shape arithmetic the exporters write (`Shape → Gather → Unsqueeze → Concat → Reshape`), and
/// other computations on constants, evaluated at import so that the layers reading them get
/// plain numbers.
extension ONNXGraphBuilder {
  /// Most elements a folded constant may have.
  static let maximumFoldedElements = 1 << 16

  /// Ops that are evaluated when every input is known.
  static let foldable: Set<String> = [
    "Identity", "Cast", "CastLike", "Unsqueeze", "Squeeze", "Concat", "Gather", "Reshape", "Add", "Sub", "Mul", "Div",
    "Expand", "ConstantOfShape", "Slice", "Flatten", "Floor", "Ceil", "Neg", "Range", "Sqrt", "Max", "Min",
  ]

  /// Whether every present input of the current node is a known constant.
  var inputsAreConstant: Bool {
    node.inputs.indices.allSatisfy { index in
      switch input(index) {
      case nil: node.inputs[index].isEmpty
      case .constant?: true
      default: false
      }
    }
  }

  /// A `Constant` node's value.
  func constantNode() throws(NodeProblem) -> ONNXValue {
    for (name, attribute) in node.attributes {
      switch (name, attribute) {
      case ("value", .tensor(let tensor)):
        guard let values = tensor.values else {
          // A large constant is a weight (its dims are what matter).
          return .weight(tensor)
        }
        return .constant(dims: tensor.dims, values: values)
      case ("value_int", .int(let value)):
        return .constant(dims: [], values: .integers([Int(truncatingIfNeeded: value)]))
      case ("value_ints", .ints(let values)):
        return .constant(dims: [values.count], values: .integers(values.map { Int(truncatingIfNeeded: $0) }))
      case ("value_float", .float(let value)): return .constant(dims: [], values: .reals([Double(value)]))
      case ("value_floats", .floats(let values)):
        return .constant(dims: [values.count], values: .reals(values.map(Double.init)))
      default: continue
      }
    }
    throw NodeProblem.unsupported("a Constant without a numeric value")
  }

  /// `Shape` of an activation or weight: the dims with the batch (1) in front; `start`/`end`
  /// (opset 15) select a range.
  func shapeNode() throws -> ONNXValue {
    var dims: [Int]
    switch input(0) {
    case .activation(let tensor)?: dims = [1] + (try shape(tensor))
    case .weight(let tensor)?: dims = tensor.dims
    case .constant(let shape, _)?: dims = shape
    case .channelsLast(let tensor)?:
      let shape = try shape(tensor)
      dims = [1] + shape.dropFirst() + [shape[0]]
    case .grouped(let tensor, let groups)?, .shuffled(let tensor, let groups)?:
      let shape = try shape(tensor)
      guard case .grouped? = input(0) else { dims = [1, shape[0] / groups, groups] + shape.dropFirst(); break }
      dims = [1, groups, shape[0] / groups] + shape.dropFirst()
    case .sequence?, .geluStep?, .flatWithBatch?, .pixelBlocks?:
      throw NodeProblem.unsupported("Shape of an intermediate value")
    case nil: throw NodeProblem(.missingArgument, "Shape needs an input")
    }
    let rank = dims.count
    var start = try attributeInt("start", default: 0)
    var end = try attributeInt("end", default: rank)
    start = min(max(start < 0 ? start + rank : start, 0), rank)
    end = min(max(end < 0 ? end + rank : end, 0), rank)
    let selected = start < end ? Array(dims[start..<end]) : []
    return .constant(dims: [selected.count], values: .integers(selected))
  }

  /// Evaluates the current node on constant inputs.
  func fold() throws -> [ONNXValue] {
    var operands: [(dims: [Int], values: ConstantValues)] = []
    for index in node.inputs.indices {
      if case .constant(let dims, let values)? = input(index) {
        operands.append((dims, values))
      } else {
        operands.append(([], .integers([])))
      }
    }
    guard let first = operands.first else { throw NodeProblem(.missingArgument, "\(node.opType) needs an input") }
    func result(_ dims: [Int], _ values: ConstantValues) throws -> [ONNXValue] {
      guard values.count <= Self.maximumFoldedElements else {
        throw NodeProblem.unsupported(
          "a computed constant of \(values.count) elements (cnncalc computes up to \(Self.maximumFoldedElements))")
      }
      return [.constant(dims: dims, values: values)]
    }
    switch node.opType {
    case "Identity", "Floor", "Ceil", "Neg", "Sqrt":
      switch (node.opType, first.values) {
      case ("Floor", .reals(let values)): return try result(first.dims, .reals(values.map { $0.rounded(.down) }))
      case ("Ceil", .reals(let values)): return try result(first.dims, .reals(values.map { $0.rounded(.up) }))
      case ("Sqrt", _): return try result(first.dims, .reals(first.values.reals.map { $0.squareRoot() }))
      case ("Neg", .integers(let values)): return try result(first.dims, .integers(values.map { 0 &- $0 }))
      case ("Neg", .reals(let values)): return try result(first.dims, .reals(values.map { -$0 }))
      default: return try result(first.dims, first.values)
      }
    case "Cast":
      // TensorProto types 1 (float), 10 (float16), 11 (double) are reals; the rest integers.
      let to = try attributeInt("to", default: 1)
      return try result(first.dims, Self.cast(first.values, toReal: [1, 10, 11, 16].contains(to)))
    case "CastLike":
      let real: Bool
      if operands.count > 1, case .reals = operands[1].values { real = true } else { real = false }
      return try result(first.dims, Self.cast(first.values, toReal: real))
    case "Unsqueeze", "Squeeze":
      let axes = try attributeInts("axes") ?? (try constantIntegers(1))
      var dims = first.dims
      if node.opType == "Squeeze" {
        let rank = dims.count
        let drop = try Set(
          (axes ?? dims.indices.filter { dims[$0] == 1 }).map { axis in try Self.axis(axis, rank: rank) })
        dims = dims.indices.filter { !drop.contains($0) }.map { dims[$0] }
      } else {
        let rank = dims.count + (axes?.count ?? 0)
        for axis in try (axes ?? []).map({ axis in try Self.axis(axis, rank: rank) }).sorted() {
          dims.insert(1, at: min(axis, dims.count))
        }
      }
      return try result(dims, first.values)
    case "Flatten":
      return try result([first.values.count == 0 ? 0 : 1, first.values.count], first.values)
    case "Reshape":
      let target = try constantIntegers(1) ?? []
      return try result(try Self.reshaped(first.dims, to: target, count: first.values.count), first.values)
    case "Concat":
      let parts = operands.filter { !$0.dims.isEmpty || $0.values.count == 1 }
      guard parts.allSatisfy({ $0.dims.count <= 1 }) else {
        throw NodeProblem.unsupported("Concat of constants with more than one axis")
      }
      if parts.allSatisfy({ if case .integers = $0.values { true } else { false } }) {
        let values = parts.flatMap { $0.values.integers ?? [] }
        return try result([values.count], .integers(values))
      }
      let values = parts.flatMap { $0.values.reals }
      return try result([values.count], .reals(values))
    case "Gather":
      guard operands.count > 1, first.dims.count <= 1 else {
        throw NodeProblem.unsupported("Gather from a constant of rank > 1")
      }
      let indices = operands[1].values.integers ?? []
      let count = first.values.count
      var picked: [Int] = []
      for index in indices {
        let resolved = index < 0 ? index + count : index
        guard resolved >= 0, resolved < count else {
          throw NodeProblem(.badArgument, "Gather index \(index) is out of range")
        }
        picked.append(resolved)
      }
      let dims = operands[1].dims
      switch first.values {
      case .integers(let values): return try result(dims, .integers(picked.map { values[$0] }))
      case .reals(let values): return try result(dims, .reals(picked.map { values[$0] }))
      }
    case "Slice":
      guard first.dims.count <= 1 else { throw NodeProblem.unsupported("Slice of a constant of rank > 1") }
      let count = first.values.count
      let starts = try attributeInts("starts") ?? (try constantIntegers(1)) ?? [0]
      let ends = try attributeInts("ends") ?? (try constantIntegers(2)) ?? [count]
      let steps = try constantIntegers(4) ?? [1]
      guard let start = starts.first, let end = ends.first, steps.first == 1 else {
        throw NodeProblem.unsupported("Slice of a constant with a step other than 1")
      }
      let (from, to) = Self.clampedRange(start: start, end: end, extent: count)
      let range = from..<max(from, to)
      switch first.values {
      case .integers(let values): return try result([range.count], .integers(Array(values[range])))
      case .reals(let values): return try result([range.count], .reals(Array(values[range])))
      }
    case "Add", "Sub", "Mul", "Div", "Max", "Min":
      guard operands.count == 2 else { throw NodeProblem(.missingArgument, "\(node.opType) needs two inputs") }
      guard let value = Self.elementwise(node.opType, operands[0], operands[1]) else {
        throw NodeProblem.unsupported("\(node.opType) of constants whose shapes do not broadcast simply")
      }
      return try result(value.dims, value.values)
    case "Expand":
      let target = try constantIntegers(1) ?? []
      guard first.values.count == 1 || target.isEmpty else {
        guard let count = ReshapeTarget.product(target), count == first.values.count else {
          throw NodeProblem.unsupported("Expand of a constant other than a scalar")
        }
        return try result(target, first.values)
      }
      guard let count = ReshapeTarget.product(target), count <= Self.maximumFoldedElements else {
        throw NodeProblem.unsupported("Expand to a shape beyond \(Self.maximumFoldedElements) elements")
      }
      switch first.values {
      case .integers(let values):
        return try result(target, .integers(Array(repeating: values.first ?? 0, count: count)))
      case .reals(let values): return try result(target, .reals(Array(repeating: values.first ?? 0, count: count)))
      }
    case "ConstantOfShape":
      let target = first.values.integers ?? []
      guard let count = ReshapeTarget.product(target), count <= Self.maximumFoldedElements else {
        throw NodeProblem.unsupported("ConstantOfShape beyond \(Self.maximumFoldedElements) elements")
      }
      var fill = ConstantValues.reals([0])
      if case .tensor(let tensor)? = node.attributes["value"], let values = tensor.values { fill = values }
      switch fill {
      case .integers(let values):
        return try result(target, .integers(Array(repeating: values.first ?? 0, count: count)))
      case .reals(let values): return try result(target, .reals(Array(repeating: values.first ?? 0, count: count)))
      }
    case "Range":
      guard let start = operands[0].values.reals.first, operands.count == 3, let limit = operands[1].values.reals.first,
        let delta = operands[2].values.reals.first, delta != 0
      else { throw NodeProblem(.badArgument, "Range needs start, limit and a non-zero delta") }
      let count = max(Int(((limit - start) / delta).rounded(.up)), 0)
      guard count <= Self.maximumFoldedElements else { throw NodeProblem.unsupported("a Range of \(count) elements") }
      let values = (0..<count).map { start + Double($0) * delta }
      if case .integers = operands[0].values { return try result([count], .integers(values.map { Int($0) })) }
      return try result([count], .reals(values))
    default:
      throw NodeProblem.unsupported("\(node.opType) of constants")
    }
  }

  static func cast(_ values: ConstantValues, toReal: Bool) -> ConstantValues {
    switch (values, toReal) {
    case (.integers(let numbers), true): .reals(numbers.map(Double.init))
    case (.reals(let numbers), false): .integers(numbers.map { $0.isFinite && abs($0) < 9e18 ? Int($0) : 0 })
    default: values
    }
  }

  /// Elementwise arithmetic where one side is a single value or both have the same count.
  static func elementwise(
    _ op: String, _ a: (dims: [Int], values: ConstantValues), _ b: (dims: [Int], values: ConstantValues)
  )
    -> (dims: [Int], values: ConstantValues)?
  {
    let count = max(a.values.count, b.values.count)
    guard a.values.count == count || a.values.count == 1, b.values.count == count || b.values.count == 1 else {
      return nil
    }
    let dims = a.values.count >= b.values.count ? a.dims : b.dims
    if case .integers(let x) = a.values, case .integers(let y) = b.values {
      var out: [Int] = []
      for index in 0..<count {
        let (p, q) = (x[x.count == 1 ? 0 : index], y[y.count == 1 ? 0 : index])
        switch op {
        case "Add": out.append(p &+ q)
        case "Sub": out.append(p &- q)
        case "Mul": out.append(p &* q)
        case "Div": out.append(q == 0 ? 0 : p / q)
        case "Max": out.append(max(p, q))
        default: out.append(min(p, q))
        }
      }
      return (dims, .integers(out))
    }
    let (x, y) = (a.values.reals, b.values.reals)
    var out: [Double] = []
    for index in 0..<count {
      let (p, q) = (x[x.count == 1 ? 0 : index], y[y.count == 1 ? 0 : index])
      switch op {
      case "Add": out.append(p + q)
      case "Sub": out.append(p - q)
      case "Mul": out.append(p * q)
      case "Div": out.append(p / q)
      case "Max": out.append(max(p, q))
      default: out.append(min(p, q))
      }
    }
    return (dims, .reals(out))
  }

  /// ONNX Reshape's target: 0 copies the input's dim, one -1 takes what remains.
  static func reshaped(_ dims: [Int], to target: [Int], count: Int) throws(NodeProblem) -> [Int] {
    switch ReshapeTarget.resolve(dims, to: target, count: count) {
    case .success(let result): return result
    case .failure(.copiesMissingAxis(let index)):
      throw NodeProblem(.badArgument, "Reshape copies dim \(index), which does not exist")
    case .failure(.doesNotFit):
      throw NodeProblem(
        .elementCountMismatch, "Reshape to \(target) does not fit \(count) elements", hint: fixedShapeHint)
    }
  }

  /// Exporters that trace at one input size write its shapes as constants.
  static let fixedShapeHint =
    "the file fixes this shape as a constant (traced at another input size?); export with dynamic axes or keep the input it was exported for"

  /// Start and end of a Slice along an axis of `extent`, clamped as ONNX clamps them (step 1).
  static func clampedRange(start: Int, end: Int, extent: Int) -> (Int, Int) {
    func clamp(_ value: Int) -> Int {
      let resolved = value < 0 ? (value < -extent ? 0 : value + extent) : value
      return min(max(resolved, 0), extent)
    }
    return (clamp(start), clamp(end))
  }
}
