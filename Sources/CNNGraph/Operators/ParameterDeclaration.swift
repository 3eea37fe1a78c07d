/// One parameter of a layer keyword: its names, the type of value it takes, its default, and how a
/// report shows it. Reading, export and display all follow it (docs/spec-format.md lists them).
public struct ParameterDeclaration: Sendable {
  /// The kinds of value a parameter takes.
  public enum ValueType: Sendable, Equatable {
    /// An integer at least `minimum`.
    case integer(minimum: Int)
    /// One value or one per spatial axis, each at least `minimum`.
    case axes(minimum: Int)
    /// Padding amounts; `words` allows `same` and `valid`.
    case padding(words: Bool)
    /// Positive per-axis extents (`6x6`), written bare or keyed.
    case extents
    /// A decimal number.
    case decimal
    /// `on`/`off`.
    case boolean
    /// A bare word, present or absent (`ceil`).
    case flag
    /// One word of a fixed set.
    case choice([String])
  }

  /// What happens when the parameter is not given.
  public enum Fallback: Sendable, Equatable {
    /// It must be given.
    case required
    /// It takes this value (hidden in reports when equal).
    case value(OperatorArgument)
    /// It takes the value of another parameter (pooling's stride defaults to its kernel).
    case sameAs(String)
    /// It stays absent; the layer decides (upsample's `scale` or `size`).
    case absent
  }

  /// How a report's operator column shows the value (defaults are never shown).
  public enum Display: Sendable, Equatable {
    /// Not shown (the value is visible elsewhere, such as the output shape).
    case hidden
    /// Glued to a prefix: `k3`, `s2`, `×2`; values a prefix cannot carry fall back to `name=value`.
    case glued(String)
    /// The bare value: `lrn 5`, `leakyrelu 0.1`; a flag or choice shows its word.
    case bare
    /// `name=value`.
    case keyed
  }

  /// The canonical name first, then aliases.
  public var names: [String]
  public var type: ValueType
  /// Whether the value may be given without its name, in declaration order.
  public var positional: Bool
  public var fallback: Fallback
  public var display: Display
  /// A noun phrase for messages ("an output channel count").
  public var what: String
  /// An example of the argument as written, for hints (`64`, `k3`).
  public var example: String

  /// The canonical name.
  public var name: String { names[0] }

  /// Whether `value` is what the parameter takes when not given (`arguments` supply the value a
  /// `sameAs` default copies). Zero padding written any way counts as the default.
  public func isDefault(_ value: OperatorArgument, among arguments: [(name: String, value: OperatorArgument)]) -> Bool {
    if case .padding(let padding) = value, padding != .valid, padding.isZero { return true }
    switch fallback {
    case .value(let fallback): return value == fallback
    case .sameAs(let other): return arguments.first { $0.name == other }?.value == value
    case .required, .absent: return false
    }
  }

  /// Declares a parameter.
  public init(
    _ names: [String], _ type: ValueType, positional: Bool = false, fallback: Fallback, display: Display = .keyed,
    what: String, example: String
  ) {
    self.names = names
    self.type = type
    self.positional = positional
    self.fallback = fallback
    self.display = display
    self.what = what
    self.example = example
  }
}

/// Where a layer's output lives when the network runs (docs/conventions.md).
public enum OutputStorage: Sendable, Equatable {
  /// A new buffer.
  case allocated
  /// Over its single input when nothing else reads that input.
  case inPlace
  /// The input's buffer, read differently (flatten, reshape, identity).
  case view
}

/// Everything the language and the reports know about one layer keyword.
public struct OperatorDeclaration: Sendable {
  /// Other spellings of the keyword.
  public var aliases: [String]
  public var parameters: [ParameterDeclaration]
  public var storage: OutputStorage
  /// Whether it combines several inputs named as positional words (`add a b`).
  public var isMerge: Bool

  public init(
    aliases: [String] = [], _ parameters: [ParameterDeclaration] = [], storage: OutputStorage = .allocated,
    isMerge: Bool = false
  ) {
    self.aliases = aliases
    self.parameters = parameters
    self.storage = storage
    self.isMerge = isMerge
  }

  /// The parameter with the canonical name or alias `name`.
  public func parameter(_ name: String) -> ParameterDeclaration? {
    parameters.first { $0.names.contains(name) }
  }

  /// Why a layer of this kind cannot read `count` inputs (nil when it can): a merge reads two or
  /// more, every other layer exactly one. The one rule every front end and the analysis share.
  public func inputCountProblem(_ count: Int) -> String? {
    if isMerge { return count >= 2 ? nil : "needs at least two inputs, has \(count)" }
    return count == 1 ? nil : count == 0 ? "has no input" : "reads one input, has \(count)"
  }
}
