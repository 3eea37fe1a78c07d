import CNNGraph

/// What a tensor name of the ONNX graph stands for while the graph is translated.
enum ONNXValue {
  /// A per-sample activation of the network (ONNX adds the batch axis in front of its shape).
  case activation(TensorID)
  /// Known values: constants, folded shape arithmetic, small initializers.
  case constant(dims: [Int], values: ConstantValues)
  /// An initializer whose values are not needed (a weight): only its dims.
  case weight(ONNXTensor)
  /// An activation [C, H, W] seen channels-last ([N, H, W, C], ConvNeXt's permute before its
  /// LayerNorm and Linear layers).
  case channelsLast(TensorID)
  /// An activation [C, H, W] reshaped to [N, g, C/g, H, W], the first step of a channel shuffle.
  case grouped(TensorID, groups: Int)
  /// The same after swapping the two group axes: reshaping it back is a channel shuffle.
  case shuffled(TensorID, groups: Int)
  /// A step of GELU spelled out as arithmetic before opset 20: x·½·(1 + erf(x/√2)), in the order
  /// the TorchScript exporter writes it (Div → Erf → Add → Mul → Mul). `stage` counts the steps
  /// seen; the last one makes a `gelu` layer.
  case geluStep(TensorID, channelsLast: Bool, stage: Int)
  /// An activation reshaped to one axis with its batch ([N·C·H·W]); a Gather of every element
  /// in order gives it back (the dynamo exporter's `as_strided` of a contiguous tensor).
  case flatWithBatch(TensorID)
  /// A sequence of channel chunks of an activation (`SplitToSequence`; `SequenceAt` takes one).
  case sequence(TensorID, sizes: [Int])
  /// An activation [C, H, W] part way through PyTorch's pixel shuffle or unshuffle spelled as
  /// Reshape → Transpose → Reshape (how both exporters write `PixelUnshuffle`, and the legacy one
  /// `PixelShuffle` before opset 11's CRD mode).
  case pixelBlocks(TensorID, factor: Int, stage: PixelBlockStage)
}

/// The steps of pixel shuffle and unshuffle by a factor r, as the exporters spell them
/// (with the batch axis N in front).
enum PixelBlockStage {
  /// Unshuffle's first reshape: [N, C, H/r, r, W/r, r].
  case unshuffleSplit
  /// Then transposed (perm 0 1 3 5 2 4): [N, C, r, r, H/r, W/r]; reshaping to [N, C·r², H/r, W/r]
  /// completes it.
  case unshuffleMoved
  /// Shuffle's first reshape: [N, C/r², r, r, H, W].
  case shuffleSplit
  /// Then transposed (perm 0 1 4 2 5 3): [N, C/r², H, r, W, r]; reshaping to [N, C/r², H·r, W·r]
  /// completes it.
  case shuffleMoved
}

/// A node that cannot be translated: the message is prefixed with the node's name and op type.
typealias NodeProblem = DiagnosticDraft

extension DiagnosticDraft {
  /// An operator or attribute value outside the catalogue.
  static func unsupported(_ message: String, hint: String? = nil) -> NodeProblem {
    NodeProblem(.unsupportedOperator, message, hint: hint)
  }
}

/// Translates the nodes of an ONNX graph into network layers, in topological order.
struct ONNXGraphBuilder {
  let model: ONNXModel
  var assembler: NetworkAssembler
  /// What each tensor name holds.
  var values: [String: ONNXValue] = [:]
  /// Names written by a node that failed: readers are skipped without a second error.
  var failed = Set<String>()
  /// Names that hold learned tensors: initializers and what `Identity` passes on of them. A bias
  /// that is learned counts as parameters even when its values are zero.
  var learned = Set<String>()
  /// For each learned name, the initializer it comes from (`Transpose` of `fc.weight` → `fc.weight`).
  var origin: [String: String] = [:]
  /// The node being translated, for names and locations.
  var node = ONNXNode()

  /// The building stops (too many layers).
  struct Stop: Error {}

  init(model: ONNXModel, assembler: NetworkAssembler) {
    self.model = model
    self.assembler = assembler
  }

  var opset: Int { model.opset }

  mutating func build(name: String, overrides: [String: [Int]]) -> Network? {
    for tensor in model.graph.initializers {
      learned.insert(tensor.name)
      origin[tensor.name] = tensor.name
      values[tensor.name] =
        tensor.values.map { .constant(dims: tensor.dims, values: $0) } ?? .weight(tensor)
    }
    bindInputs(overrides: overrides)
    guard !assembler.inputs.isEmpty else { return nil }
    do {
      for node in orderedNodes() { try translate(node) }
    } catch {
      return nil
    }
    var outputs: [TensorID] = []
    for output in model.graph.outputs {
      if case .activation(let tensor)? = values[output.name] { outputs.append(tensor) }
    }
    return assembler.network(name: name, outputs: outputs)
  }

  // MARK: - Inputs

  /// Graph inputs that are not initializers. The batch (first dim) is dropped; every other dim
  /// must be a number, or be set with `--input`.
  private mutating func bindInputs(overrides: [String: [Int]]) {
    var declared: [DeclaredInput] = []
    let initializers = Set(model.graph.initializers.map(\.name))
    for input in model.graph.inputs where !initializers.contains(input.name) {
      let range = SourceRange(input.offset, input.offset + 1)
      let located = Located(value: input.name, range: range)
      let override = overrides[input.name] ?? (declared.isEmpty ? overrides[""] : nil)
      guard let dims = input.dims, dims.count >= 2 else {
        if let override {
          declared.append(DeclaredInput(name: located, shape: override, shapeRange: range))
        } else {
          assembler.report(
            Diagnostic(
              .dynamicDimension, "input '\(input.name)' declares no shape with a batch and channels", at: range,
              hint: "set it: --input \(input.name)=3x224x224 (channels and spatial extents, without the batch)"))
          declared.append(DeclaredInput(name: located, shape: nil, shapeRange: range))
        }
        continue
      }
      var shape: [Int] = []
      var symbols: [String] = []
      for dim in dims.dropFirst() {
        switch dim {
        case .value(let value): shape.append(value)
        case .symbol(let symbol): symbols.append(symbol)
        case .unknown: symbols.append("?")
        }
      }
      if let override {
        declared.append(DeclaredInput(name: located, shape: override, shapeRange: range))
      } else if symbols.isEmpty {
        declared.append(DeclaredInput(name: located, shape: shape, shapeRange: range))
      } else {
        let written = dims.map { dim -> String in
          switch dim {
          case .value(let value): String(value)
          case .symbol(let symbol): symbol
          case .unknown: "?"
          }
        }
        assembler.report(
          Diagnostic(
            .dynamicDimension,
            "input '\(input.name)' has the dynamic extent\(symbols.count == 1 ? "" : "s") "
              + "\(symbols.map { "'\($0)'" }.joined(separator: ", ")) ([\(written.joined(separator: ", "))])",
            at: range, hint: "set it: --input \(input.name)=\(Self.example(dims)) (without the batch)"))
        declared.append(DeclaredInput(name: located, shape: nil, shapeRange: range))
      }
    }
    let tensors = assembler.bindInputs(declared, overrides: [:])
    for (input, tensor) in zip(declared, tensors) {
      if assembler.shape(of: tensor) != nil {
        values[input.name.value] = .activation(tensor)
      } else {
        failed.insert(input.name.value)
      }
    }
  }

  /// `3x224x224` with the known dims filled in.
  private static func example(_ dims: [ONNXDimension]) -> String {
    let fallback = [3, 224, 224, 224]
    return dims.dropFirst().enumerated().map { index, dim in
      if case .value(let value) = dim { return String(value) }
      return String(fallback[min(index, fallback.count - 1)])
    }.joined(separator: "x")
  }

  // MARK: - Order

  /// The nodes in an order where every input is produced first (file order when it already is).
  /// Nodes in a cycle, or reading a name nothing produces, are reported and left out.
  private mutating func orderedNodes() -> [ONNXNode] {
    let nodes = model.graph.nodes
    var producer: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where !output.isEmpty { producer[output] = index }
    }
    var known = Set(values.keys).union(failed)
    var pending = Array(nodes.indices)
    var order: [Int] = []
    var progress = true
    while !pending.isEmpty, progress {
      progress = false
      var next: [Int] = []
      for index in pending {
        let node = nodes[index]
        if node.inputs.allSatisfy({ $0.isEmpty || known.contains($0) }) {
          order.append(index)
          known.formUnion(node.outputs)
          progress = true
        } else {
          next.append(index)
        }
      }
      pending = next
    }
    for index in pending {
      let node = nodes[index]
      let missing = node.inputs.filter { !$0.isEmpty && !known.contains($0) }
      let cyclic = missing.contains { producer[$0] != nil }
      assembler.report(
        Diagnostic(
          .unknownName,
          "node '\(node.name)' (\(node.opType)) reads \(missing.map { "'\($0)'" }.joined(separator: ", ")), "
            + (cyclic
              ? "which depends on the node's own output (a cycle)" : "which no node, initializer or input produces"),
          at: SourceRange(node.offset, node.offset + 1), layer: node.name))
      failed.formUnion(node.outputs)
    }
    return order.map { nodes[$0] }
  }

  // MARK: - Nodes

  private mutating func translate(_ node: ONNXNode) throws(Stop) {
    self.node = node
    if node.inputs.contains(where: { failed.contains($0) }) {
      failed.formUnion(node.outputs)
      return
    }
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      report(.unsupported("operators of domain '\(node.domain)' are not in the catalogue"))
      failed.formUnion(node.outputs)
      return
    }
    do {
      let outputs = try outputs(of: node)
      for (name, value) in zip(node.outputs, outputs) where !name.isEmpty { values[name] = value }
      if node.opType == "Identity" || node.opType == "Transpose", node.inputs.first.map(learned.contains) == true {
        learned.formUnion(node.outputs)
        for output in node.outputs { origin[output] = node.inputs.first.flatMap { origin[$0] } }
      }
      for name in node.outputs.dropFirst(outputs.count) where !name.isEmpty { failed.insert(name) }
    } catch let problem as NodeProblem {
      report(problem)
      failed.formUnion(node.outputs)
    } catch is Stop {
      throw Stop()
    } catch {
      failed.formUnion(node.outputs)
    }
  }

  /// Reports a problem with the current node, naming it, its op type and its inputs.
  mutating func report(_ problem: NodeProblem) {
    let inputs = node.inputs.filter { !$0.isEmpty }.map { "'\($0)'" }.joined(separator: ", ")
    assembler.report(
      Diagnostic(
        problem.code,
        "node '\(node.name)' (\(node.opType)\(inputs.isEmpty ? "" : " of \(inputs)")): \(problem.message)",
        at: SourceRange(node.offset, node.offset + 1), layer: node.name, hint: problem.hint))
  }

  /// Adds a layer for the current node; the first layer of a node takes its name, later ones
  /// `name.keyword`. Throws when the operator is refused (reported by the assembler).
  mutating func emit(_ op: Operator, _ inputs: [TensorID], suffix: String? = nil) throws -> TensorID {
    let name = suffix.map { "\(layerName).\($0)" } ?? layerName
    do {
      guard
        let tensor = try assembler.add(name, op, inputs: inputs, at: SourceRange(node.offset, node.offset + 1))
      else { throw Refused() }
      return tensor
    } catch let stop as NetworkAssembler.TooManyLayers {
      assembler.report(stop.diagnostic)
      throw Stop()
    }
  }

  /// An operator the assembler refused (already reported).
  struct Refused: Error {}

  /// The layer name for the current node: the module path of its weight (`layer1.0.conv1` for
  /// `layer1.0.conv1.weight`), else the node's name as a path (`/layer1/relu/Relu` →
  /// `layer1.relu`), else its first output's name.
  var layerName: String {
    if node.inputs.count > 1, let weight = origin[node.inputs[1]], weight.hasSuffix(".weight") {
      return String(weight.dropLast(7))
    }
    if node.name.hasPrefix("/") {
      var parts = node.name.split(separator: "/").map(String.init)
      if parts.count > 1 { parts.removeLast() }
      // TorchScript names repeat the parent in the child (`layer1/layer1.0`): keep the longest path.
      var path: [String] = []
      for part in parts {
        if let last = path.last, part.hasPrefix(last + ".") { path[path.count - 1] = part } else { path.append(part) }
      }
      let joined = path.joined(separator: ".")
      if !joined.isEmpty { return joined }
    }
    return node.outputs.first.flatMap { $0.isEmpty ? nil : $0 } ?? (node.name.isEmpty ? node.opType : node.name)
  }
}
