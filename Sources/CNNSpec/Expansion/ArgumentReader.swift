import CNNGraph

/// Reads one layer's evaluated arguments by name, remembering which were used so that leftovers
/// can be reported as unknown.
struct ArgumentReader {
  struct Keyed {
    var key: String
    var keyRange: SourceRange
    var value: ArgumentValue
    var range: SourceRange
  }

  typealias Failure = Evaluator.Failure

  let op: String
  var positional: [(value: ArgumentValue, range: SourceRange)]
  var keyed: [Keyed]
  let whole: SourceRange
  /// Block parameters in scope, for "did you mean" on misspelt ones.
  var parameterNames: [String] = []
  private var usedPositional = Set<Int>()
  private var usedKeys = Set<Int>()
  /// The names of each keyed argument read, with its aliases: another of them given too is a repeat.
  private var readNames: [[String]] = []

  init(op: String, positional: [(value: ArgumentValue, range: SourceRange)], keyed: [Keyed], whole: SourceRange) {
    self.op = op
    self.positional = positional
    self.keyed = keyed
    self.whole = whole
  }

  private func failure(_ code: DiagnosticCode, _ message: String, _ range: SourceRange, hint: String? = nil) -> Failure
  {
    Failure(diagnostic: Diagnostic(code, message, at: range, hint: hint))
  }

  // MARK: - Raw access

  /// The value of the first argument given under any of `names` (aliases), if present.
  mutating func value(_ names: [String]) -> (value: ArgumentValue, range: SourceRange)? {
    for (index, argument) in keyed.enumerated() where names.contains(argument.key) && !usedKeys.contains(index) {
      usedKeys.insert(index)
      readNames.append(names)
      return (argument.value, argument.range)
    }
    return nil
  }

  /// The next unused positional argument that is not one of the flag words.
  mutating func nextPositional() -> (value: ArgumentValue, range: SourceRange)? {
    for (index, argument) in positional.enumerated() where !usedPositional.contains(index) {
      usedPositional.insert(index)
      return argument
    }
    return nil
  }

  /// Consumes every remaining positional word (operand names of merges).
  mutating func remainingWords() -> [(String, SourceRange)] {
    var words: [(String, SourceRange)] = []
    for (index, argument) in positional.enumerated() where !usedPositional.contains(index) {
      if case .word(let name) = argument.value {
        usedPositional.insert(index)
        words.append((name, argument.range))
      }
    }
    return words
  }

  /// Reports the first argument nobody read; `known` are the canonical names (listed in hints),
  /// `aliases` further spellings a misspelling may have meant.
  func finish(known: [String], aliases: [String] = []) throws(Failure) {
    for (index, argument) in keyed.enumerated() where !usedKeys.contains(index) {
      let hint =
        Suggestions.didYouMean(argument.key, in: known + aliases)
        ?? (known.isEmpty ? "'\(op)' takes no arguments" : "'\(op)' takes: \(known.joined(separator: ", "))")
      // Given twice: under the same name, or under another name of an argument already read (`k3 kernel=5`).
      let repeated =
        keyed[..<index].contains { $0.key == argument.key } || readNames.contains { $0.contains(argument.key) }
      throw failure(
        .unknownArgument,
        repeated ? "'\(argument.key)' is given twice" : "'\(op)' has no argument '\(argument.key)'",
        argument.keyRange, hint: repeated ? "remove one of them" : hint)
    }
    for (index, argument) in positional.enumerated() where !usedPositional.contains(index) {
      if case .word(let word) = argument.value {
        throw failure(
          .unknownName, "unknown name '\(word)' for '\(op)'", argument.range,
          hint: Suggestions.didYouMean(word, in: known) ?? "'\(op)' takes: \(known.joined(separator: ", "))")
      }
      throw failure(
        .unknownArgument, "'\(op)' takes no further positional value \(argument.value.description)",
        argument.range, hint: "name the argument, e.g. k=3")
    }
  }

  // MARK: - Reading a declaration

  /// Reads every parameter of `declaration`: flags first, then the rest in order (positional
  /// values fill positional parameters in that order), defaults filled in. Leftovers stay unread
  /// for `finish`.
  mutating func read(_ declaration: OperatorDeclaration) throws(Failure) -> ReadArguments {
    var result = ReadArguments(op: op, whole: whole)
    for parameter in declaration.parameters where parameter.type == .flag {
      let range = flagRange(parameter.name)
      result.values[parameter.name] = (.flag(range != nil), range ?? whole)
    }
    for parameter in declaration.parameters where parameter.type != .flag {
      if let (value, range) = value(parameter.names) ?? (parameter.positional ? nextPositional() : nil) {
        result.values[parameter.name] = (try convert(value, range, parameter), range)
        continue
      }
      switch parameter.fallback {
      case .required:
        throw failure(
          .missingArgument, "'\(op)' needs \(parameter.what)", whole,
          hint: "for example " + (parameter.positional ? "\(op) " : "") + parameter.example)
      case .value(let value): result.values[parameter.name] = (value, whole)
      case .sameAs, .absent: break
      }
    }
    for parameter in declaration.parameters {
      if case .sameAs(let other) = parameter.fallback, result.values[parameter.name] == nil {
        result.values[parameter.name] = result.values[other]
      }
    }
    return result
  }

  /// Where the bare word `name` was given, if it was; consumes it.
  private mutating func flagRange(_ name: String) -> SourceRange? {
    for (index, argument) in positional.enumerated() where !usedPositional.contains(index) {
      if case .word(name) = argument.value {
        usedPositional.insert(index)
        return argument.range
      }
    }
    return nil
  }

  private func convert(_ value: ArgumentValue, _ range: SourceRange, _ parameter: ParameterDeclaration)
    throws(Failure) -> OperatorArgument
  {
    let what = parameter.what
    switch parameter.type {
    case .integer(let minimum): return .integer(try integer(value, range, minimum: minimum, what: what))
    case .axes(let minimum): return .axes(try axisValues(value, range, minimum: minimum, what: what))
    case .padding(let words): return .padding(try padding(value, range, allowWords: words))
    case .extents: return .axes(try extents(value, range, what: what))
    case .decimal:
      switch value {
      case .integer(let number): return .decimal(Rational(number))
      case .decimal(let number): return .decimal(number)
      default: throw failure(.badArgument, "\(what) must be a number, found \(value.description)", range)
      }
    case .boolean:
      switch value {
      case .word("on"), .word("true"), .word("yes"), .integer(1): return .boolean(true)
      case .word("off"), .word("false"), .word("no"), .integer(0): return .boolean(false)
      default: throw failure(.badArgument, "expected on or off, found \(value.description)", range)
      }
    case .flag: return .flag(true)
    case .choice(let options):
      guard case .word(let word) = value, options.contains(word) else {
        throw failure(
          .badArgument, "expected one of \(options.joined(separator: ", ")), found \(value.description)", range)
      }
      return .word(word)
    }
  }

  // MARK: - Typed values

  /// A positive (or, with `minimum: 0`, non-negative) integer.
  private func integer(_ value: ArgumentValue, _ range: SourceRange, minimum: Int, what: String) throws(Failure)
    -> Int
  {
    guard case .integer(let number) = value else {
      if case .word(let word) = value {
        let hint =
          Suggestions.didYouMean(word, in: parameterNames)
          ?? (parameterNames.isEmpty
            ? "names here must be block parameters"
            : "parameters here: " + parameterNames.sorted().joined(separator: ", "))
        throw failure(.unknownName, "\(what) must be an integer; '\(word)' is not a parameter", range, hint: hint)
      }
      throw failure(.badArgument, "\(what) must be an integer, found \(value.description)", range)
    }
    guard number >= minimum else {
      throw failure(
        minimum > 0 ? .nonpositiveSize : .badArgument, "\(what) must be at least \(minimum), found \(number)", range)
    }
    try bounded([number], what, range)
    return number
  }

  /// Refuses values beyond `SizeLimits.maximumValue`, so that later sums cannot overflow.
  func bounded(_ values: [Int], _ what: String, _ range: SourceRange) throws(Failure) {
    if let huge = values.first(where: { $0 > SizeLimits.maximumValue }) {
      throw failure(
        .tooLarge, "\(what) \(huge) is beyond \(SizeLimits.maximumText), the largest size cnncalc accepts", range)
    }
  }

  /// One value for all axes or one per axis, each at least `minimum`.
  private func axisValues(_ value: ArgumentValue, _ range: SourceRange, minimum: Int, what: String) throws(Failure)
    -> AxisValues
  {
    let values: [Int]
    switch value {
    case .integer(let number): values = [number]
    case .dimensions(let numbers): values = numbers
    default:
      throw failure(
        .badArgument, "\(what) must be an integer or per-axis extents like 3x3, found \(value.description)", range)
    }
    if let bad = values.first(where: { $0 < minimum }) {
      throw failure(
        minimum > 0 ? .nonpositiveSize : .badArgument, "\(what) must be at least \(minimum), found \(bad)", range)
    }
    try bounded(values, what, range)
    return AxisValues(values)
  }

  /// Positive extents written as one number or per axis (`6x6`).
  private func extents(_ value: ArgumentValue, _ range: SourceRange, what: String) throws(Failure) -> AxisValues {
    switch value {
    case .integer(let number) where number >= 1 && number <= SizeLimits.maximumValue: return .all(number)
    case .dimensions(let numbers) where numbers.allSatisfy({ $0 >= 1 && $0 <= SizeLimits.maximumValue }):
      return AxisValues(numbers)
    default:
      throw failure(
        .badArgument,
        "\(what) must be positive extents like 6x6 (at most \(SizeLimits.maximumText)), found \(value.description)",
        range)
    }
  }

  /// Padding: `p1`, `p=1x2` (per axis), `p=1:2` or `p=0:1x1:0` (per side), `p=same`, `p=valid`.
  private func padding(_ value: ArgumentValue, _ range: SourceRange, allowWords: Bool) throws(Failure) -> Padding {
    let amounts: [Int]
    switch value {
    case .integer(let amount): amounts = [amount]
    case .dimensions(let values): amounts = values
    case .sides(let sides): amounts = sides.flatMap { [$0.begin, $0.end] }
    default: amounts = []
    }
    // Every amount is checked after evaluation: `p=a:a` with a block parameter a = -1 is refused
    // exactly as `p=-1` written out is.
    if let negative = amounts.first(where: { $0 < 0 }) {
      throw failure(
        .badArgument, "padding amounts must not be negative, found \(negative)", range,
        hint: "to remove rows or columns, use crop")
    }
    try bounded(amounts, "the padding", range)
    switch value {
    case .integer(let amount):
      return .symmetric(amount)
    case .dimensions(let amounts):
      return .explicit(begin: AxisValues(amounts), end: AxisValues(amounts))
    case .sides(let sides):
      return .explicit(begin: AxisValues(sides.map(\.begin)), end: AxisValues(sides.map(\.end)))
    case .word("same") where allowWords: return .same
    case .word("valid") where allowWords: return .valid
    default:
      throw failure(
        .badArgument,
        "padding must be a non-negative amount, per-axis amounts (1x2), per-side "
          + "amounts (1:2)\(allowWords ? ", 'same' or 'valid'" : ""); found \(value.description)", range)
    }
  }
}

/// The arguments of one layer after reading, by canonical parameter name, with where each was
/// written (the whole layer for defaults). Asking for a name the declaration lacks, or with the
/// wrong type, is a programming error caught by the round-trip test over every kind.
struct ReadArguments {
  let op: String
  let whole: SourceRange
  var values: [String: (value: OperatorArgument, range: SourceRange)] = [:]

  init(op: String, whole: SourceRange) {
    self.op = op
    self.whole = whole
  }

  func range(_ name: String) -> SourceRange { values[name]?.range ?? whole }

  func given(_ name: String) -> OperatorArgument? { values[name]?.value }

  func integer(_ name: String) -> Int {
    guard case .integer(let value) = given(name) else { preconditionFailure("no integer '\(name)' for \(op)") }
    return value
  }

  func axes(_ name: String) -> AxisValues {
    guard case .axes(let value) = given(name) else { preconditionFailure("no axes '\(name)' for \(op)") }
    return value
  }

  func padding(_ name: String) -> Padding {
    guard case .padding(let value) = given(name) else { preconditionFailure("no padding '\(name)' for \(op)") }
    return value
  }

  func decimal(_ name: String) -> Rational {
    guard case .decimal(let value) = given(name) else { preconditionFailure("no decimal '\(name)' for \(op)") }
    return value
  }

  func boolean(_ name: String) -> Bool {
    switch given(name) {
    case .boolean(let on), .flag(let on): return on
    default: preconditionFailure("no switch '\(name)' for \(op)")
    }
  }

  func word(_ name: String) -> String {
    guard case .word(let value) = given(name) else { preconditionFailure("no word '\(name)' for \(op)") }
    return value
  }
}
