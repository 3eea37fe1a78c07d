import CNNGraph

/// Computes every figure cnncalc reports for a network: shapes, counts, memory, receptive fields,
/// and the diagnostics that go with them.
public enum Analyzer {
  /// Analyses `network`. With `suggestFits`, truncation hints name the nearest input size that fits
  /// (this runs the shape calculation for nearby sizes).
  public static func analyze(_ network: Network, options: AnalysisOptions = AnalysisOptions(), suggestFits: Bool = true)
    -> Analysis
  {
    var run = AnalysisRun(network: network, options: options)
    run.computeLayers()
    run.computeMemory()
    run.reportUnusedLayers()
    if suggestFits { run.addFitHints() }
    run.diagnostics += ExpectationChecker.check(network.expectations, analysis: run.result)
    run.attachExpansions()
    return run.result
  }
}

/// The state of one analysis while it is built.
struct AnalysisRun {
  let network: Network
  let options: AnalysisOptions
  var inputs: [TensorFacts] = []
  var layers: [LayerFacts] = []
  var facts: [TensorFacts?] = []
  var findings: [[WindowFinding]] = []
  var totals = Totals()
  var diagnostics: [Diagnostic] = []
  var totalsComplete = false
  var liveActivationBytes: [Int]?
  var activationBuffers: [ActivationBuffer]?
  private var notedLargeField = false
  private var notedUnknownField = false

  init(network: Network, options: AnalysisOptions) {
    self.network = network
    self.options = options
  }

  var result: Analysis {
    Analysis(
      network: network, options: options, inputs: inputs, layers: layers, totals: totals, diagnostics: diagnostics,
      totalsComplete: totalsComplete, liveActivationBytes: totalsComplete ? liveActivationBytes : nil,
      activationBuffers: totalsComplete ? activationBuffers : nil)
  }

  /// Gives every diagnostic that points into a block-made layer's text the calls that made the
  /// layer, so that an error in a block body says which instance it is about.
  mutating func attachExpansions() {
    let index = Dictionary(network.layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for position in diagnostics.indices {
      let diagnostic = diagnostics[position]
      guard diagnostic.expansion.isEmpty, let name = diagnostic.layer, let layer = index[name],
        let spot = diagnostic.range, let written = layer.range,
        spot.start >= written.start, spot.end <= written.end
      else { continue }
      diagnostics[position].expansion = layer.expansion
    }
  }

  func tensor(_ id: TensorID) -> TensorFacts? {
    switch id {
    // An input whose declared shape was refused has an empty shape (its error is reported):
    // the layers reading it are not computed.
    case .input(let index): inputs[index].shape.isEmpty ? nil : inputs[index]
    case .layer(let index): facts[index]
    }
  }

  func bytes(_ elements: Int) throws(ArithmeticOverflow) -> Int {
    try Checked.multiply(try Checked.multiply(elements, options.batch), options.dtype.size)
  }

  mutating func computeLayers() {
    for input in network.inputs {
      inputs.append(
        TensorFacts(
          name: input.name, shape: input.shape, receptiveField: .identity(rank: max(input.shape.count - 1, 0))))
    }
    let storage = MemoryPlanner.storage(for: network)
    for (index, layer) in network.layers.enumerated() {
      let operands = layer.inputs.map { tensor($0) }
      if let problem = layer.op.kind.declaration.inputCountProblem(operands.count) {
        // Front ends refuse such layers; a graph built by other code must not pass silently.
        diagnostics.append(
          Diagnostic(.wrongArity, "\(layer.name) (\(layer.op.keyword)) \(problem)", at: layer.range, layer: layer.name))
        facts.append(nil)
        findings.append([])
        continue
      }
      guard !operands.contains(where: { $0 == nil }) else {
        facts.append(nil)
        findings.append([])
        continue
      }
      let inputFacts = operands.map { $0! }
      do {
        let computed = try LayerCalculator.compute(layer.op, inputs: inputFacts)
        try record(layer, index: index, computed, storage: storage[index], inputs: inputFacts)
      } catch let problem as LayerProblem {
        diagnostics.append(
          Diagnostic(
            problem.code, "\(layer.name): \(problem.message)", at: layer.range, layer: layer.name,
            hint: problem.hint))
        facts.append(nil)
        findings.append([])
      } catch {
        diagnostics.append(
          Diagnostic(
            LayerProblem.overflow.code, "\(layer.name): \(LayerProblem.overflow.message)",
            at: layer.range, layer: layer.name, hint: LayerProblem.overflow.hint))
        facts.append(nil)
        findings.append([])
      }
    }
  }

  private mutating func record(
    _ layer: Layer, index: Int, _ computed: LayerResult, storage: Storage,
    inputs inputFacts: [TensorFacts]
  ) throws {
    let output = TensorFacts(name: layer.name, shape: computed.shape, receptiveField: computed.receptiveField)
    let elements = try Checked.product(computed.shape)
    guard elements <= 1 << 48 else {
      throw LayerProblem(
        .tooLarge, "the output \(ExtentText.of(computed.shape)) has more than 2^48 elements")
    }
    let facts = LayerFacts(
      index: index, name: layer.name, op: layer.op.keyword, inputs: layer.inputs.map { network.name(of: $0) },
      depth: layer.depth, output: output, params: computed.params, buffers: computed.buffers,
      macs: try Checked.multiply(computed.macs, options.batch),
      otherOps: try Checked.multiply(computed.otherOps, options.batch),
      activationBytes: try bytes(elements), storage: storage)
    self.facts.append(output)
    findings.append(computed.findings)
    layers.append(facts)
    totals.params = try Checked.add(totals.params, facts.params)
    totals.buffers = try Checked.add(totals.buffers, facts.buffers)
    totals.macs = try Checked.add(totals.macs, facts.macs)
    totals.otherOps = try Checked.add(totals.otherOps, facts.otherOps)
    if storage == .allocated { totals.activationBytes = try Checked.add(totals.activationBytes, facts.activationBytes) }
    diagnostics += FindingReporter.describe(computed.findings, layer: layer, inputs: inputFacts, output: computed.shape)
    diagnostics += FieldReporter.describe(computed.alignment, layer: layer, inputs: inputFacts)
    if case .unknown(let reason) = computed.receptiveField, !notedUnknownField,
      !inputFacts.contains(where: { if case .unknown = $0.receptiveField { true } else { false } })
    {
      notedUnknownField = true
      diagnostics.append(
        Diagnostic(
          .rfUnknown, "from \(layer.name) on, the receptive field is not computed: \(reason)", at: layer.range,
          layer: layer.name, hint: "shapes, parameters, MACs and memory are not affected"))
    }
    noteLargeField(layer, output)
  }

  private mutating func noteLargeField(_ layer: Layer, _ output: TensorFacts) {
    guard !notedLargeField, case .regular(let field) = output.receptiveField, let input = network.inputs.first,
      input.shape.count - 1 == field.size.count
    else { return }
    for axis in field.size.indices where field.size[axis] > Rational(input.shape[axis + 1]) {
      notedLargeField = true
      diagnostics.append(
        Diagnostic(
          .rfExceedsInput,
          "from \(layer.name) on, the receptive field (\(field.size[axis])) is "
            + "larger than the input (\(input.shape[axis + 1])); units see padding at the borders",
          at: layer.range, layer: layer.name))
      return
    }
  }

  mutating func computeMemory() {
    guard layers.count == network.layers.count else { return }
    let size = options.dtype.size
    do {
      var inputBytes: [Int] = []
      for (index, input) in inputs.enumerated() {
        inputBytes.append(
          try total("the bytes of input '\(input.name)'", at: network.inputs[index].range) {
            try bytes(try Checked.product(input.shape))
          })
      }
      totals.inputBytes = try total("the input bytes", largest: (\.activationBytes, "bytes")) {
        try Checked.sum(inputBytes)
      }
      totals.activationBytes = try total("the forward activation bytes", largest: (\.activationBytes, "bytes")) {
        try Checked.add(totals.activationBytes, totals.inputBytes)
      }
      totals.trainableParams = totals.params
      totals.flops = try total("the FLOPs (2 per MAC)", largest: (\.macs, "MACs")) {
        try Checked.multiply(totals.macs, 2)
      }
      totals.paramBytes = try total(
        "the parameter bytes ((params + buffers) × \(size))", largest: (\.params, "parameters")
      ) {
        try Checked.multiply(try Checked.add(totals.params, totals.buffers), size)
      }
      totals.peakActivationBytes = try total("the peak of live activation bytes", largest: (\.activationBytes, "bytes"))
      {
        // Before the first layer every input is live, so a network of no layers peaks at their sum.
        let (live, buffers) = try MemoryPlanner.liveBytes(
          network: network, storage: layers.map(\.storage), inputBytes: inputBytes,
          layerBytes: layers.map(\.activationBytes))
        liveActivationBytes = live
        activationBuffers = buffers
        return max(try Checked.sum(inputBytes), live.max() ?? 0)
      }
      totals.trainingBytes = try total(
        "the training memory (4 × weight bytes + buffers + activations)", largest: (\.params, "parameters")
      ) {
        try Checked.sum([
          try Checked.multiply(try Checked.multiply(totals.params, size), 4),
          try Checked.multiply(totals.buffers, size), totals.activationBytes,
        ])
      }
      totalsComplete = true
    } catch {
      diagnostics.append(error.diagnostic)
    }
  }

  /// A network total that did not fit in 64 bits: what it is, and where to look.
  struct TotalOverflow: Error {
    var diagnostic: Diagnostic
  }

  /// Computes a total; on overflow, an error that names the quantity and the layer contributing
  /// most to it (`largest`), or the spot given.
  private func total(
    _ what: String, largest: (KeyPath<LayerFacts, Int>, String)? = nil, at range: SourceRange? = nil,
    _ compute: () throws -> Int
  ) throws(TotalOverflow) -> Int {
    do { return try compute() } catch {
      var message = "\(what) exceed the 64-bit integer range"
      var location = range
      var layerName: String?
      if let (path, unit) = largest, let heaviest = layers.max(by: { $0[keyPath: path] < $1[keyPath: path] }) {
        message += "; \(heaviest.name) alone has \(Grouping.integer(heaviest[keyPath: path])) \(unit)"
        location = network.layers[heaviest.index].range
        layerName = heaviest.name
      }
      throw TotalOverflow(
        diagnostic: Diagnostic(
          .overflow, message, at: location, layer: layerName,
          hint: "check the channel counts and the input shape, --batch and --dtype"))
    }
  }

  /// Warns about the ends of branches that reach no network output.
  mutating func reportUnusedLayers() {
    guard layers.count == network.layers.count else { return }
    var reaches = [Bool](repeating: false, count: network.layers.count)
    for output in network.outputs { if case .layer(let index) = output { reaches[index] = true } }
    var read = [Bool](repeating: false, count: network.layers.count)
    for index in network.layers.indices.reversed() where reaches[index] {
      for input in network.layers[index].inputs { if case .layer(let source) = input { reaches[source] = true } }
    }
    for layer in network.layers {
      for input in layer.inputs { if case .layer(let source) = input { read[source] = true } }
    }
    for (index, layer) in network.layers.enumerated() where !reaches[index] && !read[index] {
      diagnostics.append(
        Diagnostic(
          .unusedLayer, "\(layer.name) reaches no network output", at: layer.range, layer: layer.name,
          hint: "merge it into the trunk, or list it with 'output'"))
    }
  }
}
