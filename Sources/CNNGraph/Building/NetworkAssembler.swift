/// Builds a `Network` one layer at a time for the front ends that translate a model file (ONNX,
/// Caffe prototxt): validates each operator as the spec language would, keeps layer names unique,
/// knows every tensor's shape as it goes (through a `ShapeOracle`, for the decisions a format
/// leaves to shapes: a Reshape that is a flatten, a MatMul that is a fully connected layer), and
/// enforces the layer limit.
public struct NetworkAssembler {
  /// Every problem found so far, in the order found.
  public private(set) var diagnostics: [Diagnostic] = []
  public private(set) var inputs: [NetworkInput] = []
  public private(set) var layers: [Layer] = []
  private let limits: ExpansionLimits
  private let oracle: (any ShapeOracle)?
  /// Output shapes of the inputs and layers whose shape is known.
  private var shapes: [TensorID: [Int]] = [:]
  private var names = Set<String>()

  /// The network has more layers than `ExpansionLimits.maximumLayers`: building stops.
  public struct TooManyLayers: Error {
    public var diagnostic: Diagnostic
  }

  /// Starts an empty network; `shapes` computes output shapes (pass CNNCalc's `CalculatedShapes`).
  public init(limits: ExpansionLimits = ExpansionLimits(), shapes: (any ShapeOracle)?) {
    self.limits = limits
    self.oracle = shapes
  }

  /// Binds the declared inputs under `--input` overrides (the rule every front end shares) and
  /// returns their tensors, in order.
  public mutating func bindInputs(_ declared: [DeclaredInput], overrides: [String: [Int]]) -> [TensorID] {
    inputs = InputBinding.bind(declared, overrides: overrides, diagnostics: &diagnostics)
    for (index, input) in inputs.enumerated() {
      names.insert(input.name)
      if !input.shape.isEmpty { shapes[.input(index)] = input.shape }
    }
    return inputs.indices.map(TensorID.input)
  }

  /// The output shape of a tensor (channels first, without batch), or nil when it is unknown (an
  /// upstream error, or no oracle).
  public func shape(of tensor: TensorID) -> [Int]? { shapes[tensor] }

  /// Appends a layer and returns its output tensor; nil when `op` has an invalid argument or the
  /// wrong number of inputs (then reported at `range`, naming the layer). A layer whose shape cannot be computed is still added:
  /// the analysis reports why, and `shape(of:)` says nil.
  public mutating func add(
    _ name: String, _ op: Operator, inputs: [TensorID], at range: SourceRange?
  ) throws(TooManyLayers) -> TensorID? {
    guard layers.count < limits.maximumLayers else {
      throw TooManyLayers(
        diagnostic: Diagnostic(.tooLarge, "the network has more than \(limits.maximumLayers) layers", at: range))
    }
    if let problem = op.argumentProblem {
      report(Diagnostic(problem.code, "'\(name)' (\(op.keyword)): \(problem.message)", at: range, layer: name))
      return nil
    }
    if let problem = op.kind.declaration.inputCountProblem(inputs.count) {
      report(Diagnostic(.wrongArity, "'\(name)' (\(op.keyword)) \(problem)", at: range, layer: name))
      return nil
    }
    let unique = uniqueName(name)
    let tensor = TensorID.layer(layers.count)
    layers.append(Layer(name: unique, op: op, inputs: inputs, range: range))
    computeShape(ofLayer: layers.count - 1)
    return tensor
  }

  /// Records the output shape of layer `index` when the oracle can compute it from known inputs.
  private mutating func computeShape(ofLayer index: Int) {
    let layer = layers[index]
    let inputShapes = layer.inputs.compactMap { shapes[$0] }
    shapes[.layer(index)] = nil
    guard let oracle, inputShapes.count == layer.inputs.count,
      case .success(let shape) = oracle.outputShape(of: layer.op, inputs: inputShapes)
    else { return }
    shapes[.layer(index)] = shape
  }

  /// Replaces the operator of the last layer added (Caffe's Scale folds into the BatchNorm before it).
  public mutating func replaceLastOperator(with op: Operator) {
    guard let last = layers.indices.last else { return }
    layers[last].op = op
    computeShape(ofLayer: last)
  }

  /// Renames the last layer added, when `name` is free (an ONNX MatMul whose weight had lost its
  /// module name takes its bias's).
  public mutating func renameLastLayer(to name: String) {
    guard let last = layers.indices.last, !names.contains(name) else { return }
    names.remove(layers[last].name)
    names.insert(name)
    layers[last].name = name
  }

  /// Records a problem.
  public mutating func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

  /// The network built so far. With no outputs given, the last layer's tensor is the output.
  public func network(name: String, outputs: [TensorID]) -> Network {
    let fallback = Network.defaultOutputs(inputCount: inputs.count, layerCount: layers.count)
    return Network(name: name, inputs: inputs, layers: layers, outputs: outputs.isEmpty ? fallback : outputs)
  }

  /// `name`, or `name_2`, `name_3`, … when taken (models may repeat names; reports need them unique).
  private mutating func uniqueName(_ name: String) -> String {
    let base = name.isEmpty ? "layer\(layers.count)" : name
    var candidate = base
    var suffix = 2
    while names.contains(candidate) {
      candidate = "\(base)_\(suffix)"
      suffix += 1
    }
    names.insert(candidate)
    return candidate
  }
}
