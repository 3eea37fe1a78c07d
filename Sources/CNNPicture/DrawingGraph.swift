import CNNCalc
import CNNGraph
import CNNReport

/// The network as boxes and arrows, before layout: one box per input and per layer, or per group
/// where groups are folded, and one arrow per distinct producer→reader pair between boxes.
public struct DrawingGraph: Sendable {
  /// What a box stands for.
  public enum Kind: Sendable, Equatable {
    case input
    case layer
    /// A folded group of `count` layers (a block instance or labelled statement).
    case group(count: Int)
  }

  /// One box.
  public struct Node: Sendable, Equatable {
    /// The layer's, group's or input's name (unique in the drawing).
    public var name: String
    /// The operator (`conv k3 p1`), the block (`bottleneck ×10 layers`) or `input`.
    public var operation: String
    /// The output shape, `64x56x56`.
    public var shape: String
    public var kind: Kind
    /// The layers it stands for (indices into `Network.layers`); empty for an input.
    public var layers: Range<Int>
    /// The most severe diagnostic on any of its layers.
    public var severity: Severity?

    /// Creates a box.
    public init(
      name: String, operation: String, shape: String, kind: Kind, layers: Range<Int>, severity: Severity? = nil
    ) {
      self.name = name
      self.operation = operation
      self.shape = shape
      self.kind = kind
      self.layers = layers
      self.severity = severity
    }
  }

  /// An arrow between two boxes (indices into `nodes`), from producer to reader.
  public struct Edge: Sendable, Hashable {
    public var from: Int
    public var to: Int

    /// Creates an arrow.
    public init(from: Int, to: Int) {
      self.from = from
      self.to = to
    }
  }

  /// Boxes in execution order (inputs first): every edge goes from a lower to a higher index.
  public var nodes: [Node]
  /// Distinct arrows, in the order they were first met.
  public var edges: [Edge]

  /// The drawing of `analysis`, with the groups at `depth` (1: the top-level blocks and labelled
  /// statements) folded into one box each; nil draws every layer.
  public init(_ analysis: Analysis, foldingAt depth: Int? = nil) {
    let network = analysis.network
    let groups = LayerGroups(network)
    var nodes: [Node] = analysis.inputs.map {
      Node(name: $0.name, operation: "input", shape: ExtentText.of($0.shape), kind: .input, layers: 0..<0)
    }
    var severities: [String: Severity] = [:]
    for diagnostic in analysis.diagnostics {
      guard let layer = diagnostic.layer else { continue }
      if severities[layer].map({ Self.rank($0) < Self.rank(diagnostic.severity) }) ?? true {
        severities[layer] = diagnostic.severity
      }
    }
    var boxOfLayer: [Int] = []
    for (range, group) in groups.runs(count: analysis.layers.count, foldingAt: depth) {
      let last = analysis.layers[range.upperBound - 1]
      let severity = range.compactMap { severities[network.layers[$0].name] }.max { Self.rank($0) < Self.rank($1) }
      if let group {
        // A block instance says which block; a labelled chain of up to three layers lists them.
        let operations = range.map { OperatorText.describe(network.layers[$0].op) }
        let listed = operations.joined(separator: " · ")
        let operation =
          group.block.map { "\($0) · \(range.count) layers" }
          ?? (range.count <= 3 && listed.count <= 40 ? listed : "\(operations[0]) … · \(range.count) layers")
        nodes.append(
          Node(
            name: group.name, operation: operation, shape: ExtentText.of(last.output.shape),
            kind: .group(count: range.count), layers: range, severity: severity))
      } else {
        nodes.append(
          Node(
            name: last.name, operation: OperatorText.describe(network.layers[range.lowerBound].op),
            shape: ExtentText.of(last.output.shape), kind: .layer, layers: range, severity: severity))
      }
      boxOfLayer += Array(repeating: nodes.count - 1, count: range.count)
    }
    var edges: [Edge] = []
    var seen = Set<Edge>()
    for (position, layer) in network.layers.prefix(analysis.layers.count).enumerated() {
      for input in layer.inputs {
        let from: Int
        switch input {
        case .input(let number): from = number
        case .layer(let producer): from = boxOfLayer[producer]
        }
        let edge = Edge(from: from, to: boxOfLayer[position])
        if edge.from != edge.to, seen.insert(edge).inserted { edges.append(edge) }
      }
    }
    self.nodes = nodes
    self.edges = edges
  }

  /// Creates a drawing from its parts (tests, synthetic graphs).
  public init(nodes: [Node], edges: [Edge]) {
    self.nodes = nodes
    self.edges = edges
  }

  /// Networks with more layers than this are drawn with their top-level groups folded unless
  /// asked otherwise: ResNet-152's 500 boxes do not read; its 50 blocks do.
  public static let foldAbove = 60

  /// A folded drawing with at most this many boxes still reads on a screen or two.
  public static let readableBoxes = 80

  /// The level drawn folded by default: nil (every layer) up to `foldAbove` layers; above, the
  /// deepest level whose drawing still has at most `readableBoxes` boxes (ResNet-152: its 50
  /// bottleneck blocks, not its 4 stages; GoogLeNet: the branches of its inception modules), or
  /// 1 when even the top-level groups are more.
  public static func defaultFoldLevel(_ analysis: Analysis) -> Int? {
    guard analysis.layers.count > foldAbove else { return nil }
    var chosen = 1
    for level in Set(LayerGroups(analysis.network).nodes.map(\.level)).sorted() where level > 1 {
      guard DrawingGraph(analysis, foldingAt: level).nodes.count <= readableBoxes else { break }
      chosen = level
    }
    return chosen
  }

  static func rank(_ severity: Severity) -> Int {
    switch severity {
    case .note: 0
    case .warning: 1
    case .error: 2
    }
  }
}
