import CNNGraph

/// Translates the layers of a Caffe `NetParameter` (text format) into network layers, in file
/// order. Blobs are tracked by name: an in-place layer (top == bottom) makes the blob name its
/// output from then on. docs/import.md lists every layer type and how it maps.
struct CaffeGraphBuilder {
  let source: SourceFile
  var assembler: NetworkAssembler
  /// The tensor each blob name holds now.
  private var blobs: [String: TensorID] = [:]
  /// Blobs written by a layer that failed: readers are skipped without a second error.
  private var failedBlobs = Set<String>()
  /// The BatchNorm layer just added, by its output blob: a Scale on that blob folds into it.
  private var lastBatchNorm: (blob: String, tensor: TensorID, norm: Normalization)?

  /// A problem that stops translation (too many layers).
  struct Stop: Error {}

  init(source: SourceFile, assembler: NetworkAssembler) {
    self.source = source
    self.assembler = assembler
  }

  /// The network, built from every layer that could be translated.
  mutating func build(_ root: TextMessage, overrides: [String: [Int]]) -> Network? {
    let name = root.last("name").flatMap { CaffeValues.string($0) } ?? source.defaultNetworkName
    for diagnostic in CaffeSchema.unknownFields(of: root, known: CaffeSchema.net, messageName: "NetParameter") {
      assembler.report(diagnostic)
    }
    var declared = legacyInputs(root)
    let layerFields = root.fields.filter { $0.name.value == "layer" || $0.name.value == "layers" }
    for field in layerFields {
      guard case .message(let layer) = field.value, CaffeValues.typeName(layer) == "Input" else { continue }
      declared += inputLayer(layer, field: field)
    }
    if declared.isEmpty {
      assembler.report(
        Diagnostic(
          .missingInput, "the network declares no input", at: SourceRange(0, 0),
          hint: "add `input: \"data\"` with `input_shape { dim: 1 dim: 3 dim: 224 dim: 224 }`, or an Input layer"))
      return nil
    }
    let tensors = assembler.bindInputs(declared, overrides: overrides)
    for (input, tensor) in zip(declared, tensors) { blobs[input.name.value] = tensor }
    do {
      for field in layerFields {
        guard case .message(let layer) = field.value else {
          assembler.report(Diagnostic(.syntax, "'\(field.name.value)' must be a message { … }", at: field.range))
          continue
        }
        try add(layer, field: field)
      }
    } catch {
      return nil
    }
    if assembler.layers.isEmpty && assembler.diagnostics.hasErrors { return nil }
    return assembler.network(name: name, outputs: [])
  }

  // MARK: - Inputs

  /// `input: "data"` with `input_dim: 1 … ` (four per input) or `input_shape { dim … }`.
  private mutating func legacyInputs(_ root: TextMessage) -> [DeclaredInput] {
    let names = root.all("input")
    let shapes = root.all("input_shape")
    let dims = root.all("input_dim")
    var declared: [DeclaredInput] = []
    for (index, field) in names.enumerated() {
      guard let name = CaffeValues.string(field) else { continue }
      let located = Located(value: name, range: field.range)
      if index < shapes.count, case .message(let shape) = shapes[index].value {
        declared.append(declaredInput(located, dims: shape.all("dim"), range: shapes[index].range))
      } else if dims.count >= 4 * (index + 1) {
        let own = Array(dims[4 * index..<4 * index + 4])
        declared.append(declaredInput(located, dims: own, range: own[0].range.union(own[3].range)))
      } else {
        assembler.report(
          Diagnostic(
            .missingInput, "input '\(name)' has no shape", at: field.range,
            hint: "give it `input_shape { dim: 1 dim: 3 dim: 224 dim: 224 }`"))
        declared.append(DeclaredInput(name: located, shape: nil, shapeRange: field.range))
      }
    }
    return declared
  }

  /// An `Input` layer: one input per top, shapes from `input_param { shape { dim … } }`.
  private mutating func inputLayer(_ layer: TextMessage, field: TextField) -> [DeclaredInput] {
    let shapes = layer.message("input_param")?.all("shape") ?? []
    var declared: [DeclaredInput] = []
    for (index, top) in layer.all("top").enumerated() {
      guard let name = CaffeValues.string(top) else { continue }
      let located = Located(value: name, range: top.range)
      let shapeField = index < shapes.count ? shapes[index] : shapes.last
      guard let shapeField, case .message(let shape) = shapeField.value else {
        assembler.report(Diagnostic(.missingInput, "input '\(name)' has no shape", at: top.range))
        declared.append(DeclaredInput(name: located, shape: nil, shapeRange: top.range))
        continue
      }
      declared.append(declaredInput(located, dims: shape.all("dim"), range: shapeField.range))
    }
    return declared
  }

  /// An input from its N×C×… dims: the batch (the first dim) is dropped, as cnncalc's shapes are
  /// per sample (`--batch` sets it).
  private mutating func declaredInput(_ name: Located<String>, dims: [TextField], range: SourceRange) -> DeclaredInput {
    var values: [Int] = []
    for dim in dims {
      guard let value = CaffeValues.integer(dim) else {
        assembler.report(Diagnostic(.badNumber, "a dim must be an integer", at: dim.range))
        return DeclaredInput(name: name, shape: nil, shapeRange: range)
      }
      values.append(value)
    }
    guard values.count >= 2 else {
      assembler.report(
        Diagnostic(
          .rankMismatch, "input '\(name.value)' needs a batch and at least a channel dim, found \(values.count) dim(s)",
          at: range))
      return DeclaredInput(name: name, shape: nil, shapeRange: range)
    }
    return DeclaredInput(name: name, shape: Array(values.dropFirst()), shapeRange: range)
  }

  // MARK: - Layers

  private mutating func add(_ layer: TextMessage, field: TextField) throws(Stop) {
    let type = CaffeValues.typeName(layer) ?? ""
    if type == "Input" || !CaffeValues.runsAtTest(layer) { return }
    let nameField = layer.last("name")
    let name = nameField.flatMap { CaffeValues.string($0) } ?? "\(type.lowercased())\(assembler.layers.count)"
    let range = nameField?.range ?? field.name.range
    let bottoms = layer.all("bottom").compactMap { CaffeValues.string($0) }
    let tops = layer.all("top").compactMap { CaffeValues.string($0) }
    if !checkFields(layer, name: name) {
      failedBlobs.formUnion(tops)
      return
    }
    var inputs: [TensorID] = []
    for (bottom, written) in zip(bottoms, layer.all("bottom")) {
      guard let tensor = blobs[bottom] else {
        if !failedBlobs.contains(bottom) {
          assembler.report(
            Diagnostic(
              .unknownName, "layer '\(name)' reads blob '\(bottom)', which no earlier layer or input writes",
              at: written.range, layer: name))
        }
        failedBlobs.formUnion(tops)
        return
      }
      inputs.append(tensor)
    }
    let translation: CaffeLayerTranslation.Result
    do {
      translation = try CaffeLayerTranslation.translate(
        type: type, layer: layer, inputShapes: inputs.map { assembler.shape(of: $0) })
    } catch {
      var diagnostic = error.diagnostic
      diagnostic.message = "layer '\(name)' (\(type)): " + diagnostic.message
      diagnostic.layer = name
      if diagnostic.range == nil { diagnostic.range = range }
      assembler.report(diagnostic)
      failedBlobs.formUnion(tops)
      return
    }
    switch translation {
    case .alias:
      for top in tops { blobs[top] = inputs.first }
    case .skip:
      return
    case .unknownInput:
      failedBlobs.formUnion(tops)
      return
    case .scale(let bias):
      try addScale(name: name, bias: bias, bottoms: bottoms, tops: tops, inputs: inputs, range: range)
    case .operators(let ops):
      var current = inputs
      for (index, op) in ops.enumerated() {
        let layerName = index == 0 ? name : "\(name).\(op.keyword)"
        guard let tensor = try add(layerName, op, inputs: current, range: range, tops: tops) else { return }
        current = [tensor]
      }
      if case .batchNorm(let norm) = ops.last, let top = tops.first {
        lastBatchNorm = (top, current[0], norm)
      } else {
        lastBatchNorm = nil
      }
      for top in tops { blobs[top] = current[0] }
      checkCaffeCeil(name: name, inputs: inputs, range: range)
    }
  }

  /// Reports the layer's fields, and those of the parameter messages cnncalc reads, that are not in
  /// Caffe's schema; false when one is a misspelling (an error: the layer is not added).
  private mutating func checkFields(_ layer: TextMessage, name: String) -> Bool {
    var diagnostics = CaffeSchema.unknownFields(of: layer, known: CaffeSchema.layer, messageName: "LayerParameter")
    for field in layer.fields {
      guard let known = CaffeSchema.parameters[field.name.value], case .message(let param) = field.value else {
        continue
      }
      diagnostics += CaffeSchema.unknownFields(of: param, known: known, messageName: field.name.value)
    }
    for var diagnostic in diagnostics {
      diagnostic.message = "layer '\(name)': " + diagnostic.message
      diagnostic.layer = name
      assembler.report(diagnostic)
    }
    return !diagnostics.contains { $0.severity == .error }
  }

  /// Caffe's Scale: folded into the BatchNorm that wrote its bottom (gamma and, with a bias term,
  /// beta become the normalisation's affine parameters); a Scale without bias elsewhere is a
  /// learned per-channel scale (`layerscale`).
  private mutating func addScale(
    name: String, bias: Bool, bottoms: [String], tops: [String], inputs: [TensorID], range: SourceRange
  ) throws(Stop) {
    if let previous = lastBatchNorm, bottoms == [previous.blob], case .layer(let index) = previous.tensor,
      index == assembler.layers.count - 1, !previous.norm.affine, bias
    {
      var norm = previous.norm
      norm.affine = true
      assembler.replaceLastOperator(with: .batchNorm(norm))
      lastBatchNorm = nil
      for top in tops { blobs[top] = previous.tensor }
      return
    }
    guard !bias else {
      assembler.report(
        Diagnostic(
          .unsupportedOperator,
          "layer '\(name)' (Scale): a Scale with a bias term is translated only right after the BatchNorm it scales",
          at: range, layer: name, hint: "cnncalc has no per-channel scale-and-shift layer of its own"))
      failedBlobs.formUnion(tops)
      return
    }
    guard let tensor = try add(name, .layerScale, inputs: inputs, range: range, tops: tops) else { return }
    for top in tops { blobs[top] = tensor }
  }

  /// Adds one layer; nil, with `tops` marked failed, when its operator is refused (reported).
  private mutating func add(_ name: String, _ op: Operator, inputs: [TensorID], range: SourceRange, tops: [String])
    throws(Stop) -> TensorID?
  {
    do {
      guard let tensor = try assembler.add(name, op, inputs: inputs, at: range) else {
        failedBlobs.formUnion(tops)
        return nil
      }
      return tensor
    } catch {
      assembler.report(error.diagnostic)
      throw Stop()
    }
  }

  /// Caffe's ceil rule drops a last window that starts past the input only when the layer pads;
  /// cnncalc (as PyTorch) always drops it. Where the two disagree, say so: the size cnncalc gives
  /// is not the one Caffe runs. Called right after a layer is translated: the last layer is its own.
  private mutating func checkCaffeCeil(name: String, inputs: [TensorID], range: SourceRange) {
    guard let tensor = inputs.first, let shape = assembler.shape(of: tensor),
      let last = assembler.layers.indices.last, case .pooling(let pool) = assembler.layers[last].op, pool.ceilMode,
      case .explicit(let begin, _) = pool.window.padding
    else { return }
    let rank = shape.count - 1
    guard let kernel = pool.window.kernel.resolved(rank: rank), let stride = pool.window.stride.resolved(rank: rank),
      let pad = begin.resolved(rank: rank)
    else { return }
    for axis in 0..<rank where pad[axis] == 0 {
      let extent = shape[axis + 1]
      guard extent >= kernel[axis] else { continue }
      let span = extent - kernel[axis]
      let caffe = (span + stride[axis] - 1) / stride[axis] + 1
      if (caffe - 1) * stride[axis] >= extent {
        assembler.report(
          Diagnostic(
            .ceilRuleDiffers,
            "layer '\(name)' (Pooling): Caffe's ceil rule gives \(caffe) here and cnncalc's \(caffe - 1): "
              + "without padding Caffe keeps a last window that starts past the input (kernel \(kernel[axis]) < "
              + "stride \(stride[axis]))",
            at: range, layer: name, hint: "the numbers shown follow cnncalc's rule; Caffe's last row reads no input"))
      }
    }
  }
}
