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

  /// Whether the bare word `name` was given; consumes it.
  mutating func flag(_ name: String) -> Bool {
    for (index, argument) in positional.enumerated() where !usedPositional.contains(index) {
      if case .word(name) = argument.value {
        usedPositional.insert(index)
        return true
      }
    }
    return false
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

  /// Reports the first argument nobody read.
  func finish(known: [String]) throws(Failure) {
    for (index, argument) in keyed.enumerated() where !usedKeys.contains(index) {
      let hint =
        Suggestions.didYouMean(argument.key, in: known)
        ?? (known.isEmpty ? "'\(op)' takes no arguments" : "'\(op)' takes: \(known.joined(separator: ", "))")
      let repeated = keyed[..<index].contains { $0.key == argument.key }
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

  // MARK: - Typed access

  /// A positive (or, with `minimum: 0`, non-negative) integer.
  mutating func integer(
    _ names: [String], positional allowPositional: Bool = false, default fallback: Int? = nil,
    minimum: Int = 1, what: String
  ) throws(Failure) -> Int {
    let found = value(names) ?? (allowPositional ? nextPositional() : nil)
    guard let (value, range) = found else {
      if let fallback { return fallback }
      throw failure(
        .missingArgument, "'\(op)' needs \(what)", whole,
        hint: "for example \(op) \(allowPositional ? "64" : "\(names[0])=3")")
    }
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
  mutating func axisValues(
    _ names: [String], default fallback: AxisValues?, minimum: Int = 1,
    what: String
  ) throws(Failure) -> AxisValues {
    guard let (value, range) = value(names) else {
      if let fallback { return fallback }
      throw failure(
        .missingArgument, "'\(op)' needs \(what)", whole, hint: "for example \(names[0])3 or \(names[0])=3x3")
    }
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

  /// Padding: `p1`, `p=1x2` (per axis), `p=1:2` or `p=0:1x1:0` (per side), `p=same`, `p=valid`.
  mutating func padding(_ names: [String], allowWords: Bool = true) throws(Failure) -> Padding {
    guard let (value, range) = value(names) else { return .symmetric(0) }
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

  /// An on/off switch (`on off true false yes no 1 0`).
  mutating func boolean(_ names: [String], default fallback: Bool) throws(Failure) -> Bool {
    guard let (value, range) = value(names) else { return fallback }
    switch value {
    case .word("on"), .word("true"), .word("yes"), .integer(1): return true
    case .word("off"), .word("false"), .word("no"), .integer(0): return false
    default: throw failure(.badArgument, "expected on or off, found \(value.description)", range)
    }
  }

  /// A decimal number (integers accepted), positional or keyed.
  mutating func decimal(
    _ names: [String], positional allowPositional: Bool = false, default fallback: Rational,
    what: String
  ) throws(Failure) -> Rational {
    let found = value(names) ?? (allowPositional ? nextPositional() : nil)
    guard let (value, range) = found else { return fallback }
    switch value {
    case .integer(let number): return Rational(number)
    case .decimal(let number): return number
    default: throw failure(.badArgument, "\(what) must be a number, found \(value.description)", range)
    }
  }

  /// One of a fixed set of words.
  mutating func choice(_ names: [String], among options: [String], default fallback: String) throws(Failure) -> String {
    guard let (value, range) = value(names) else { return fallback }
    guard case .word(let word) = value, options.contains(word) else {
      throw failure(
        .badArgument, "expected one of \(options.joined(separator: ", ")), found \(value.description)", range)
    }
    return word
  }
}
