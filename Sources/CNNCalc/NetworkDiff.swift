import CNNGraph

/// What changed between two analyses of (versions of) an architecture. Layers are matched by their
/// unique names.
public struct NetworkDiff: Sendable {
  /// How one layer changed.
  public enum Change: String, Sendable {
    case added, removed, changed
  }

  /// A layer that is not the same in both versions.
  public struct LayerChange: Sendable {
    public var name: String
    public var change: Change
    public var old: LayerFacts?
    public var new: LayerFacts?
    /// Which facts differ for a changed layer: `op`, `shape`, `params`, `macs`, `rf`.
    public var fields: [String]
  }

  /// One total before and after.
  public struct TotalChange: Sendable {
    public var name: String
    public var old: Int
    public var new: Int
    /// Whether the value is in bytes.
    public var isBytes: Bool
    public var delta: Int { new &- old }
  }

  public var oldName: String
  public var newName: String
  /// Added, removed and changed layers, in the new network's order, removed ones where they stood.
  public var layers: [LayerChange]
  /// Layers present and identical in both.
  public var unchanged: Int
  public var totals: [TotalChange]
  /// The new version's warnings and notes, each `new` or `kept`, then the old version's that are
  /// `gone` (errors stop a diff before it is made).
  public var diagnostics: [DiagnosticChange]

  /// Compares `old` with `new`; `describe` gives a layer's operator text (for the `op` field).
  /// `diagnostics` are each version's full list (from reading the spec as well as analysing it);
  /// without them the analyses' own are compared.
  public init(
    old: Analysis, new: Analysis, diagnostics: (old: [Diagnostic], new: [Diagnostic])? = nil,
    describe: (Operator) -> String
  ) {
    let lists = diagnostics ?? (old.diagnostics, new.diagnostics)
    self.diagnostics = DiagnosticChange.compare(
      old: lists.old.filter { $0.severity != .error }, new: lists.new.filter { $0.severity != .error })
    oldName = old.network.name
    newName = new.network.name
    let oldByName = Dictionary(old.layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let newNames = Set(new.layers.map(\.name))
    var changes: [LayerChange] = []
    var same = 0
    var oldPosition = 0
    func flushRemoved(upTo name: String?) {
      while oldPosition < old.layers.count, old.layers[oldPosition].name != name {
        let layer = old.layers[oldPosition]
        if !newNames.contains(layer.name) {
          changes.append(LayerChange(name: layer.name, change: .removed, old: layer, new: nil, fields: []))
        }
        oldPosition += 1
      }
    }
    for layer in new.layers {
      guard let previous = oldByName[layer.name] else {
        changes.append(LayerChange(name: layer.name, change: .added, old: nil, new: layer, fields: []))
        continue
      }
      flushRemoved(upTo: layer.name)
      if oldPosition < old.layers.count { oldPosition += 1 }
      var fields: [String] = []
      if describe(old.network.layers[previous.index].op) != describe(new.network.layers[layer.index].op) {
        fields.append("op")
      }
      if previous.output.shape != layer.output.shape { fields.append("shape") }
      if previous.params != layer.params { fields.append("params") }
      if previous.macs != layer.macs { fields.append("macs") }
      if previous.output.receptiveField != layer.output.receptiveField { fields.append("rf") }
      if fields.isEmpty {
        same += 1
      } else {
        changes.append(LayerChange(name: layer.name, change: .changed, old: previous, new: layer, fields: fields))
      }
    }
    flushRemoved(upTo: nil)
    layers = changes
    unchanged = same
    let (a, b) = (old.totals, new.totals)
    totals = [
      TotalChange(name: "params", old: a.params, new: b.params, isBytes: false),
      TotalChange(name: "buffers", old: a.buffers, new: b.buffers, isBytes: false),
      TotalChange(name: "macs", old: a.macs, new: b.macs, isBytes: false),
      TotalChange(name: "other_ops", old: a.otherOps, new: b.otherOps, isBytes: false),
      TotalChange(name: "activation_bytes", old: a.activationBytes, new: b.activationBytes, isBytes: true),
      TotalChange(name: "peak_activation_bytes", old: a.peakActivationBytes, new: b.peakActivationBytes, isBytes: true),
      TotalChange(name: "param_bytes", old: a.paramBytes, new: b.paramBytes, isBytes: true),
      TotalChange(name: "layers", old: old.layers.count, new: new.layers.count, isBytes: false),
    ]
  }
}
