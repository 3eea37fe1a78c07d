/// A network after expansion: every block call and repetition unrolled into plain layers.
///
/// Layers are in execution order: every layer reads only network inputs and earlier layers, so the
/// graph is acyclic by construction. Shapes exclude the batch axis and are channels-first
/// (`[C, H, W]`, `[C, L]`, `[C, D, H, W]`; a flattened tensor is `[N]`).
public struct Network: Sendable {
  /// The network's name (`network NAME`, else the file's base name).
  public var name: String
  /// Declared inputs, in order.
  public var inputs: [NetworkInput]
  /// Every layer, in execution order.
  public var layers: [Layer]
  /// The tensors the network produces: declared with `output`, else the last trunk tensor.
  public var outputs: [TensorID]
  /// Labelled statements that made more than one layer, each named by its label: `expect` on the
  /// label sums the members' counts (docs/spec-format.md, "Layer names").
  public var groups: [LayerGroup] = []
  /// The `expect` lines, in order.
  public var expectations: [Expectation]

  /// Creates a network.
  public init(
    name: String, inputs: [NetworkInput], layers: [Layer], outputs: [TensorID], expectations: [Expectation] = []
  ) {
    self.name = name
    self.inputs = inputs
    self.layers = layers
    self.outputs = outputs
    self.expectations = expectations
  }

  /// The output of a network that names none: its last layer's, else its first input.
  public static func defaultOutputs(inputCount: Int, layerCount: Int) -> [TensorID] {
    layerCount > 0 ? [.layer(layerCount - 1)] : inputCount > 0 ? [.input(0)] : []
  }

  /// The display name of a tensor: the input's or the producing layer's name.
  public func name(of tensor: TensorID) -> String {
    switch tensor {
    case .input(let index): inputs[index].name
    case .layer(let index): layers[index].name
    }
  }
}

/// The layers one labelled statement made (a chain, or a block call with everything in it).
public struct LayerGroup: Sendable, Equatable {
  /// The label with its block-instance prefix (`conv1`, `layer1.0.conv1`).
  public var name: String
  /// Indices into `Network.layers`, in order; the last is the group's output.
  public var layers: Range<Int>
  /// The block whose instance the group is, when it is one (for reports).
  public var block: String?

  public init(name: String, layers: Range<Int>, block: String? = nil) {
    self.name = name
    self.layers = layers
    self.block = block
  }
}

/// A declared network input.
public struct NetworkInput: Sendable {
  /// The input's name, used with `from` and in reports.
  public var name: String
  /// Channels first, without batch: `[3, 224, 224]`.
  public var shape: [Int]
  /// Where it was declared.
  public var range: SourceRange?

  /// Creates an input.
  public init(name: String, shape: [Int], range: SourceRange? = nil) {
    self.name = name
    self.shape = shape
    self.range = range
  }
}

/// Identifies a tensor: a network input or the output of a layer, by index.
public enum TensorID: Sendable, Hashable {
  case input(Int)
  case layer(Int)
}

/// One layer of the expanded network.
public struct Layer: Sendable {
  /// Unique name; a block's layers are `instance.layer` (`layer1.0.conv1`).
  public var name: String
  /// What the layer computes, with its hyper-parameters.
  public var op: Operator
  /// The tensors it reads, in order.
  public var inputs: [TensorID]
  /// Where the layer was written (for a block's layer, inside the block body).
  public var range: SourceRange?
  /// The block calls that made it, outermost first (empty at top level).
  public var expansion: [ExpansionFrame]
  /// How many block or group instances enclose it (0 at top level); reports indent by it.
  public var depth: Int

  /// Creates a layer.
  public init(
    name: String, op: Operator, inputs: [TensorID], range: SourceRange? = nil,
    expansion: [ExpansionFrame] = [], depth: Int = 0
  ) {
    self.name = name
    self.op = op
    self.inputs = inputs
    self.range = range
    self.expansion = expansion
    self.depth = depth
  }
}
