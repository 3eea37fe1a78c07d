import CNNGraph

/// Unrolls a spec's syntax into a `Network`: evaluates arguments, expands block calls and
/// repetitions, names every layer and resolves every reference.
struct Expander {
  let source: SourceFile
  let syntax: SpecSyntax
  let limits: ExpansionLimits
  var blocks: [String: BlockSyntax] = [:]
  var layers: [Layer] = []
  var layerIndex: [String: Int] = [:]
  /// Labelled statements that made several layers.
  var groups: [LayerGroup] = []
  private(set) var diagnostics: [Diagnostic] = []
  /// How many `expect` lines could not be read: their errors do not stop the analysis, so that
  /// every other `expect` line is still judged.
  private(set) var unreadableExpectations = 0
  private var reported = Set<String>()
  /// The inputs' names: no layer may take one (a JSON export names tensors by name).
  private var inputNames = Set<String>()
  private var stopped = false
  /// Stages and calls expanded so far; bounds the time spent on repetitions that make no layers.
  private var work = 0
  /// Bytes of layer names so far: recursive blocks make long names, and memory must stay bounded.
  private var nameBytes = 0
  /// Computes output shapes for `in.c` and the like; nil: such reads are errors.
  var shapeOracle: (any ShapeOracle)?
  /// The network's inputs, once bound.
  var networkInputs: [NetworkInput] = []
  /// Output shapes of `layers[0..<count]`, computed on demand.
  var layerShapes: [Result<[Int], ShapeFailure>] = []

  /// Ends the current statement; the diagnostic (if any) has not been reported yet.
  struct Stop: Error {
    var diagnostic: Diagnostic?
  }

  /// Names and state visible while expanding one body (the network's or a block instance's).
  struct Scope {
    /// Prefix of layer names made here (`""` or `layer1.0.`).
    var prefix: String
    /// Labels (and inputs, and `in`) defined so far.
    var names: [String: TensorID] = [:]
    /// Labels whose statement failed; references to them fail silently.
    var poisoned = Set<String>()
    /// Labels defined anywhere in this body, with their ranges, to explain forward references.
    var allLabels: [String: SourceRange] = [:]
    /// The tensor the next sequential statement reads.
    var trunk: TensorID?
    /// Block parameters: integers, extents, sides, decimals, or words (layer keywords, block
    /// names, option words such as `same`).
    var parameters: [String: ArgumentValue] = [:]
    /// Counters for automatic names (`conv_1`, `conv_2`).
    var autoCounts: [String: Int] = [:]
    /// Nesting of block and group instances, for report indentation.
    var depth = 0
    /// The block calls leading here, outermost first.
    var frames: [ExpansionFrame] = []
    /// Outputs declared with `output`.
    var outputs: [TensorID]?
  }

  init(source: SourceFile, syntax: SpecSyntax, limits: ExpansionLimits) {
    self.source = source
    self.syntax = syntax
    self.limits = limits
  }

  mutating func report(_ diagnostic: Diagnostic) {
    let key = "\(diagnostic.code.rawValue)@\(diagnostic.range?.start ?? -1):\(diagnostic.message)"
    if reported.insert(key).inserted { diagnostics.append(diagnostic) }
  }

  /// Reports a diagnostic found while expanding `scope`'s body, with the calls that led there.
  mutating func report(_ diagnostic: Diagnostic, in scope: Scope) {
    var located = diagnostic
    if located.expansion.isEmpty { located.expansion = scope.frames }
    report(located)
  }

  // MARK: - Network

  mutating func expand(inputShapes: [String: [Int]]) -> Network {
    registerBlocks()
    var scope = Scope(prefix: "")
    var declared: [DeclaredInput] = []
    for input in syntax.inputs {
      let shape = Literals.dimensions(Substring(source.text(input.shape)))
      if shape == nil {
        report(
          Diagnostic(
            .badNumber, "cannot read '\(source.text(input.shape))' as a shape", at: input.shape,
            hint: "write channels then spatial extents, e.g. 3x224x224"))
      }
      declared.append(DeclaredInput(name: input.name, shape: shape, shapeRange: input.shape))
    }
    var bindingDiagnostics: [Diagnostic] = []
    let inputs = InputBinding.bind(declared, overrides: inputShapes, diagnostics: &bindingDiagnostics)
    bindingDiagnostics.forEach { report($0) }
    inputNames = Set(inputs.map(\.name))
    networkInputs = inputs
    for (index, input) in inputs.enumerated() where scope.names[input.name] == nil {
      scope.names[input.name] = .input(index)
    }
    scope.trunk = inputs.isEmpty ? nil : .input(0)
    expandBody(syntax.statements, scope: &scope)
    let name = syntax.network?.value ?? source.defaultNetworkName
    let outputs = scope.outputs ?? scope.trunk.map { [$0] } ?? []
    var expectations: [Expectation] = []
    for statement in syntax.statements {
      guard case .expect(let expect) = statement else { continue }
      do {
        expectations.append(
          try ExpectationReader(source: source).read(
            expect, scope: scope, inputs: inputs, layers: layers, layerIndex: layerIndex, groups: groups))
      } catch {
        if let diagnostic = error.carriedDiagnostic {
          report(diagnostic)
          unreadableExpectations += 1
        }
      }
    }
    var network = Network(name: name, inputs: inputs, layers: layers, outputs: outputs, expectations: expectations)
    network.groups = groups
    return network
  }

  private mutating func registerBlocks() {
    for block in syntax.blocks {
      let name = block.name.value
      if let earlier = blocks[name] {
        report(
          Diagnostic(
            .duplicateName, "block '\(name)' is already defined on line \(line(of: earlier.name.range))",
            at: block.name.range))
        continue
      }
      if OperatorKind.named(name) != nil {
        report(
          Diagnostic(
            .duplicateName, "block '\(name)' has the name of a layer type", at: block.name.range,
            hint: "rename the block"))
        continue
      }
      var seen = Set<String>()
      for parameter in block.parameters {
        let text = parameter.name.value
        if !seen.insert(text).inserted {
          report(Diagnostic(.duplicateName, "parameter '\(text)' appears twice", at: parameter.name.range))
        }
        let bytes = Array(text.utf8)
        if bytes.count >= 2, Parser.shorthandKeys.contains(bytes[0]), Lexer.isDigit(bytes[1]) {
          report(
            Diagnostic(
              .badArgument, "parameter name '\(text)' reads as the shorthand \(text.prefix(1))=\(text.dropFirst())",
              at: parameter.name.range, hint: "choose a name that does not start with k, s, p, d or g and a digit"))
        }
      }
      blocks[name] = block
    }
  }

  func line(of range: SourceRange) -> Int { source.lineAndColumn(of: range.start).line }

  // MARK: - Bodies and statements

  mutating func expandBody(_ statements: [StatementSyntax], scope: inout Scope) {
    for statement in statements {
      if case .chain(let label?, _, _) = statement, scope.allLabels[label.value] == nil {
        scope.allLabels[label.value] = label.range
      }
    }
    for statement in statements {
      if stopped { return }
      switch statement {
      case .chain(let label, let isBranch, let chain):
        expandStatement(label: label, isBranch: isBranch, chain: chain, scope: &scope)
      case .output(let names):
        var outputs: [TensorID] = []
        for name in names {
          do { outputs.append(try resolve(name, scope: scope)) } catch {
            if let d = error.carriedDiagnostic { report(d, in: scope) }
          }
        }
        scope.outputs = outputs
      case .expect(let expect):
        if !scope.frames.isEmpty {
          report(
            Diagnostic(
              .syntax, "'expect' lines belong at the top level, not in a block", at: expect.range,
              hint: "write expect BLOCKINSTANCE.LAYER … after the call"), in: scope)
        }
      }
    }
  }

  private mutating func expandStatement(label: Located<String>?, isBranch: Bool, chain: ChainSyntax, scope: inout Scope)
  {
    do {
      if reportUnknownLayers(chain, scope: scope) { throw Stop(diagnostic: nil) }
      if let label, scope.names[label.value] != nil {
        throw Stop(
          diagnostic: Diagnostic(
            .duplicateName, "'\(label.value)' is already defined in this scope", at: label.range,
            hint: "give the layer another name"))
      }
      let base = label?.value ?? autoName(chain, scope: &scope)
      let first = layers.count
      let result = try expandChain(chain, base: scope.prefix + base, start: scope.trunk, scope: &scope)
      if let label {
        scope.names[label.value] = result
        let group = LayerGroup(name: scope.prefix + label.value, layers: first..<layers.count)
        // A labelled call of one block instance made its group already, under the same name.
        let made = groups.last.map { $0.name == group.name && $0.layers == group.layers } ?? false
        if layers.count - first > 1, result == .layer(layers.count - 1), !made { groups.append(group) }
      }
      if !isBranch { scope.trunk = result }
    } catch {
      if let diagnostic = error.carriedDiagnostic { report(diagnostic, in: scope) }
      if let label { scope.poisoned.insert(label.value) }
    }
  }

  /// An unused name for an unlabelled chain, from its first stage: `conv_1`, `inception_2`, `group_1`.
  private func autoNameStem(_ chain: ChainSyntax) -> String {
    for stage in chain.stages {
      if let stem = autoNameStem(stage) { return stem }
    }
    return "from"
  }

  private func autoNameStem(_ stage: StageSyntax) -> String? {
    switch stage {
    case .from: nil
    case .layer(let op, _): OperatorKind.named(op.value)?.rawValue ?? op.value
    case .call(let block, _, _, _): block.value
    case .group: "group"
    case .conditional(let inner, _, _): autoNameStem(inner)
    }
  }

  private func autoName(_ chain: ChainSyntax, scope: inout Scope) -> String {
    let stem = autoNameStem(chain)
    while true {
      let count = (scope.autoCounts[stem] ?? 0) + 1
      scope.autoCounts[stem] = count
      let candidate = "\(stem)_\(count)"
      if scope.allLabels[candidate] == nil, scope.names[candidate] == nil, layerIndex[scope.prefix + candidate] == nil {
        return candidate
      }
    }
  }

  // MARK: - Chains

  /// Expands the stages of a chain starting from `start`; returns the chain's output tensor.
  mutating func expandChain(_ chain: ChainSyntax, base: String, start: TensorID?, scope: inout Scope) throws(Stop)
    -> TensorID?
  {
    let producing = chain.stages.filter { if case .from = $0 { false } else { true } }
    let single = producing.count == 1
    var current = start
    var instance = 0
    var opCounts: [String: Int] = [:]
    var namedBase = false
    stages: for (position, written) in chain.stages.enumerated() {
      try countWork(written.range)
      var stage = written
      // A stage whose condition is 0 is left out: its input passes through.
      while case .conditional(let inner, let condition, _) = stage {
        guard try holds(condition, scope: scope, stageInput: current) else { continue stages }
        stage = inner
      }
      switch stage {
      case .conditional:
        continue
      case .from(let name):
        current = try resolve(name, scope: scope)
      case .layer(let written, let arguments):
        // A parameter holding a layer keyword or a block name stands for it (`act=relu`, `| act`).
        var op = written
        if case .word(let word)? = scope.parameters[written.value] {
          if blocks[word] != nil, arguments.isEmpty, OperatorKind.named(word) == nil {
            namedBase = true
            current = try expandCall(
              Located(value: word, range: written.range), [], range: written.range, instance: "\(base).\(word)",
              input: current, scope: scope)
            continue
          }
          op = Located(value: word, range: written.range)
        }
        var name = base
        if namedBase {
          let keyword = OperatorKind.named(op.value)?.rawValue ?? op.value
          let count = (opCounts[keyword] ?? 0) + 1
          opCounts[keyword] = count
          name = count == 1 ? "\(base).\(keyword)" : "\(base).\(keyword)_\(count)"
        }
        namedBase = true
        current = .layer(try addLayer(op, arguments, name: name, input: current, isFirst: position == 0, scope: scope))
      case .call(let block, let arguments, let repetition, let range):
        let count = try repetitions(repetition?.count, scope: scope, stageInput: current)
        namedBase = true
        if single && repetition == nil {
          current = try expandCall(block, arguments, range: range, instance: base, input: current, scope: scope)
        } else {
          for index in 0..<count {
            var callerScope = scope
            try bind(repetition?.index, to: index, in: &callerScope)
            current = try expandCall(
              block, arguments, range: range, instance: "\(base).\(instance)", input: current, scope: callerScope)
            instance += 1
          }
        }
      case .group(let inner, let repetition, _):
        let count = try repetitions(repetition?.count, scope: scope, stageInput: current)
        namedBase = true
        let outer = scope.parameters
        defer { scope.parameters = outer }
        for index in 0..<count {
          let name = single && repetition == nil ? base : "\(base).\(instance)"
          instance += 1
          try bind(repetition?.index, to: index, in: &scope)
          scope.depth += 1
          defer { scope.depth -= 1 }
          current = try expandChain(inner, base: name, start: current, scope: &scope)
        }
      }
    }
    guard let current else {
      throw Stop(
        diagnostic: Diagnostic(
          .missingInput, "this chain has no input", at: chain.range,
          hint: "start it with 'from NAME' or declare an input"))
    }
    return current
  }

  /// Counts one unit of expansion work (a stage or a block call); beyond the budget (two per
  /// allowed layer) expansion stops, so `(e() * 1000000) * 1000000`, which makes no layers, ends in
  /// about a second with a located error instead of running for hours.
  mutating func countWork(_ range: SourceRange) throws(Stop) {
    work += 1
    let budget = limits.maximumLayers * 2
    guard work <= budget else {
      stopped = true
      throw Stop(
        diagnostic: Diagnostic(
          .tooLarge, "expanding the network takes more than \(Grouping.integer(budget)) steps",
          at: range, hint: "check repetition counts: steps are stages and block calls, repetitions included"))
    }
  }

  /// Binds a repetition's index name to `index` for the repetition's arguments and stages; the
  /// name may not hide a block parameter.
  private func bind(_ name: Located<String>?, to index: Int, in scope: inout Scope) throws(Stop) {
    guard let name else { return }
    if index == 0, scope.parameters[name.value] != nil {
      throw Stop(
        diagnostic: Diagnostic(
          .duplicateName, "'\(name.value)' is already a parameter here", at: name.range,
          hint: "name the repetition's index differently"))
    }
    scope.parameters[name.value] = .integer(index)
  }

  /// Whether a stage's condition holds (is not 0).
  private mutating func holds(_ condition: Expression, scope: Scope, stageInput: TensorID?) throws(Stop) -> Bool {
    let parameters = try parameters(with: [condition], scope: scope, stageInput: stageInput)
    do { return try Evaluator(parameters: parameters, source: source).integer(condition) != 0 } catch {
      throw Stop(diagnostic: error.diagnostic)
    }
  }

  private mutating func repetitions(_ expression: Expression?, scope: Scope, stageInput: TensorID?) throws(Stop) -> Int
  {
    guard let expression else { return 1 }
    let count: Int
    let parameters = try parameters(with: [expression], scope: scope, stageInput: stageInput)
    do { count = try Evaluator(parameters: parameters, source: source).integer(expression) } catch {
      throw Stop(diagnostic: error.diagnostic)
    }
    guard count >= 0 else {
      throw Stop(
        diagnostic: Diagnostic(
          .badArgument, "a repetition count must not be negative, found \(count)", at: expression.range))
    }
    guard count <= limits.maximumLayers else {
      throw Stop(
        diagnostic: Diagnostic(
          .tooLarge, "\(count) repetitions exceed the limit of \(limits.maximumLayers) layers",
          at: expression.range))
    }
    return count
  }

  /// Resolves a name used with `from`, a merge or `output`.
  func resolve(_ name: Located<String>, scope: Scope) throws(Stop) -> TensorID {
    if let tensor = scope.names[name.value] { return tensor }
    if scope.poisoned.contains(name.value) { throw Stop(diagnostic: nil) }
    if scope.frames.isEmpty, let index = layerIndex[name.value] { return .layer(index) }
    var hint = Suggestions.didYouMean(name.value, in: scope.names.keys)
    if let later = scope.allLabels[name.value] {
      hint = "'\(name.value)' is defined later, on line \(line(of: later)); a layer can only read layers above it"
    } else if hint == nil, !scope.frames.isEmpty {
      hint = "inside a block, 'in' is the block's input"
    }
    throw Stop(
      diagnostic: Diagnostic(.unknownName, "unknown layer or input '\(name.value)'", at: name.range, hint: hint))
  }

  // MARK: - Layers

  /// Adds a layer under its unique name, within the name and layer budgets; returns its index.
  mutating func append(_ layer: Layer, range: SourceRange) throws(Stop) -> Int {
    if inputNames.contains(layer.name) {
      throw Stop(
        diagnostic: Diagnostic(
          .duplicateName, "layer name '\(layer.name)' is the name of an input", at: range,
          hint: "rename the input or the label"))
    }
    if let existing = layerIndex[layer.name] {
      let other = layers[existing].range.map { " on line \(line(of: $0))" } ?? ""
      throw Stop(
        diagnostic: Diagnostic(
          .duplicateName, "layer name '\(layer.name)' is already used\(other)", at: range,
          hint: "labels must be unique; unlabelled layers are named TYPE_N"))
    }
    nameBytes += layer.name.utf8.count
    guard nameBytes <= limits.maximumNameBytes else {
      stopped = true
      throw Stop(
        diagnostic: Diagnostic(
          .tooLarge,
          "the network's layer names take more than \(Grouping.integer(limits.maximumNameBytes)) bytes (the last "
            + "one is \(layer.name.utf8.count) bytes long)",
          at: range, hint: "check for a block that calls itself, or repetitions nested deeply"))
    }
    guard layers.count < limits.maximumLayers else {
      stopped = true
      throw Stop(
        diagnostic: Diagnostic(
          .tooLarge, "the network expands to more than \(limits.maximumLayers) layers", at: range,
          hint: "check repetition counts"))
    }
    layerIndex[layer.name] = layers.count
    layers.append(layer)
    return layers.count - 1
  }
}

extension Error {
  /// The diagnostic carried by an expansion or evaluation failure, if any. (Named apart from the
  /// failures' own `diagnostic` properties so that those are never shadowed by this one.)
  var carriedDiagnostic: Diagnostic? {
    switch self {
    case let stop as Expander.Stop: stop.diagnostic
    case let failure as Evaluator.Failure: failure.diagnostic
    default: nil
    }
  }
}
