import CNNGraph

/// A layer argument after evaluation.
enum ArgumentValue {
  /// An integer (a literal or an evaluated expression).
  case integer(Int)
  /// Per-axis extents (`3x5`).
  case dimensions([Int])
  /// Per-side amounts (`1:2`, `0:1x1:0`).
  case sides([(begin: Int, end: Int)])
  /// A decimal number (`0.75`).
  case decimal(Rational)
  /// A bare word that is not a parameter: a keyword (`same`, `off`, `ceil`) or a layer name.
  case word(String)

  /// Reads a literal's text: an integer, per-side amounts, extents or a decimal; nil if none.
  static func literal(_ text: Substring) -> ArgumentValue? {
    if let value = Literals.integer(text) { return .integer(value) }
    if text.contains(":"), let sides = Literals.sides(text) { return .sides(sides) }
    if text.contains("x"), let values = Literals.dimensions(text) { return .dimensions(values) }
    if text.contains(".") || text.contains("e") || text.contains("E"), let value = Literals.decimal(text) {
      return .decimal(value)
    }
    return nil
  }

  var description: String {
    switch self {
    case .integer(let value): "\(value)"
    case .dimensions(let values): ExtentText.of(values)
    case .sides(let sides): sides.map { "\($0.begin):\($0.end)" }.joined(separator: "x")
    case .decimal(let value): "\(value)"
    case .word(let word): "'\(word)'"
    }
  }
}

/// Evaluates argument expressions against block parameters, with checked integer arithmetic, and
/// exact rational arithmetic where a decimal takes part (`0.2 * i / 16`).
struct Evaluator {
  /// Parameter values in scope: integers, and also extents, sides, decimals and words.
  var parameters: [String: ArgumentValue]
  let source: SourceFile

  struct Failure: Error {
    var diagnostic: Diagnostic
  }

  func evaluate(_ expression: Expression) throws(Failure) -> ArgumentValue {
    switch expression {
    case .literal(let range):
      return try literal(range)
    case .name(let name):
      if let value = parameters[name.value] { return value }
      return .word(name.value)
    case .sides(let before, let after):
      return .sides([(try integer(before), try integer(after))])
    default:
      // `-0.125` and `0.2 * i / 16` are exact decimals; everything else checked integer arithmetic.
      return isDecimal(expression) ? .decimal(try rational(expression)) : .integer(try integer(expression))
    }
  }

  /// Whether a decimal takes part in the arithmetic (a decimal literal or a parameter holding one),
  /// so that it is exact rational arithmetic rather than integer arithmetic.
  func isDecimal(_ expression: Expression) -> Bool {
    switch expression {
    case .literal(let range):
      if case .decimal = ArgumentValue.literal(Substring(source.text(range))) { return true }
      return false
    case .name(let name):
      if case .decimal = parameters[name.value] { return true }
      return false
    case .negate(let inner, _): return isDecimal(inner)
    case .binary(let op, let lhs, let rhs):
      return [.add, .subtract, .multiply, .divide].contains(op) && (isDecimal(lhs) || isDecimal(rhs))
    case .not, .call, .sides: return false
    }
  }

  /// An exact value of an expression with decimals: `+ − ×` and exact `/` (a decimal divided by
  /// an integer stays exact); comparisons, functions and `%` read their operands as integers.
  func rational(_ expression: Expression) throws(Failure) -> Rational {
    let range = expression.range
    do {
      switch expression {
      case .literal(let literalRange):
        switch try literal(literalRange) {
        case .integer(let value): return Rational(value)
        case .decimal(let value): return value
        default: break
        }
      case .name(let name):
        switch parameters[name.value] {
        case .integer(let value)?: return Rational(value)
        case .decimal(let value)?: return value
        default: return Rational(try integer(expression))
        }
      case .negate(let inner, _): return try .zero - (try rational(inner))
      case .binary(let op, let lhs, let rhs) where [.add, .subtract, .multiply, .divide].contains(op):
        let (a, b) = (try rational(lhs), try rational(rhs))
        switch op {
        case .add: return try a + b
        case .subtract: return try a - b
        case .multiply: return try a * b
        default:
          guard b != .zero else {
            throw Failure(diagnostic: Diagnostic(.badArgument, "division by zero", at: rhs.range))
          }
          return try a / b
        }
      default: return Rational(try integer(expression))
      }
    } catch let failure as Failure {
      throw failure
    } catch {
      throw overflow(range)
    }
    throw Failure(
      diagnostic: Diagnostic(.badArgument, "expected a number, found '\(source.text(range))'", at: range))
  }

  /// Evaluates an expression that must be an integer.
  func integer(_ expression: Expression) throws(Failure) -> Int {
    switch expression {
    case .literal(let range):
      guard case .integer(let value) = try literal(range) else {
        throw Failure(
          diagnostic: Diagnostic(.badArgument, "expected an integer, found '\(source.text(range))'", at: range))
      }
      return value
    case .name(let name):
      guard let bound = parameters[name.value] else {
        let hint =
          Suggestions.didYouMean(name.value, in: parameters.keys)
          ?? (parameters.isEmpty
            ? "only block parameters can be used in arithmetic"
            : "parameters here: "
              + parameters.keys.sorted().joined(separator: ", "))
        throw Failure(
          diagnostic: Diagnostic(.unknownName, "unknown parameter '\(name.value)'", at: name.range, hint: hint))
      }
      guard case .integer(let value) = bound else {
        throw Failure(
          diagnostic: Diagnostic(
            .badArgument, "'\(name.value)' is \(bound.description), not an integer", at: name.range,
            hint: "integer arithmetic, conditions and counts take integer parameters"))
      }
      return value
    case .negate(let operand, let range):
      let value = try integer(operand)
      do { return try Checked.subtract(0, value) } catch { throw overflow(range) }
    case .sides:
      throw Failure(
        diagnostic: Diagnostic(.badArgument, "expected an integer, found per-side amounts", at: expression.range))
    case .not(let operand, _):
      return try integer(operand) == 0 ? 1 : 0
    case .call(let name, let arguments, let range):
      return try call(name, arguments, range)
    case .binary(.subtract, .name(let key), let amount)
    where parameters[key.value] == nil && key.value.count == 1 && Parser.shorthandKeys.contains(key.value.utf8.first!):
      // `k-2`: a shorthand cannot take a sign, so this reads as arithmetic on a parameter `k`.
      throw Failure(
        diagnostic: Diagnostic(
          .unknownName,
          "'\(source.text(expression.range))' reads as \(key.value) minus \(source.text(amount.range)), and "
            + "'\(key.value)' is not a block parameter", at: expression.range,
          hint: "a shorthand such as \(key.value)3 takes no sign; write \(key.value)=… to give the value"))
    case .binary(.and, let lhs, let rhs):
      // Short-circuit, so that `b != 0 and a / b > 2` is safe.
      guard try integer(lhs) != 0 else { return 0 }
      return try integer(rhs) != 0 ? 1 : 0
    case .binary(.or, let lhs, let rhs):
      guard try integer(lhs) == 0 else { return 1 }
      return try integer(rhs) != 0 ? 1 : 0
    case .binary(let op, let lhs, let rhs) where Self.comparisons.contains(op) && (isDecimal(lhs) || isDecimal(rhs)):
      // Comparing decimals (`rate > 0`): exactly.
      return Self.compare(op, try rational(lhs), try rational(rhs))
    case .binary(let op, let lhs, let rhs):
      let a = try integer(lhs)
      let b = try integer(rhs)
      let range = expression.range
      do {
        switch op {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return Self.compare(op, a, b)
        case .and, .or: return 0  // handled above
        case .add: return try Checked.add(a, b)
        case .subtract: return try Checked.subtract(a, b)
        case .multiply: return try Checked.multiply(a, b)
        case .divide, .remainder:
          guard b != 0 else {
            throw Failure(diagnostic: Diagnostic(.badArgument, "division by zero", at: rhs.range))
          }
          if a == Int.min && b == -1 { throw ArithmeticOverflow() }
          return op == .divide ? a.floorDivided(by: b) : a.floorModulo(b)
        }
      } catch let error as Failure {
        throw error
      } catch {
        throw overflow(range)
      }
    }
  }

  static let comparisons: Set<BinaryOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

  /// 1 when `a op b` holds, else 0 (`op` a comparison).
  static func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Int {
    switch op {
    case .equal: a == b ? 1 : 0
    case .notEqual: a != b ? 1 : 0
    case .less: a < b ? 1 : 0
    case .lessOrEqual: a <= b ? 1 : 0
    case .greater: a > b ? 1 : 0
    default: a >= b ? 1 : 0
    }
  }

  /// The functions expressions may call, with their arity (nil: one or more).
  static let functions: [String: Int?] = [
    "min": nil, "max": nil, "abs": 1, "div_ceil": 2, "div_round": 2, "make_divisible": 2,
  ]

  /// `min(a, …)`, `max(a, …)`, `abs(a)`; `div_ceil(a, b)` = ⌈a/b⌉; `div_round(a, b)` = ⌊a/b + 1/2⌋;
  /// `make_divisible(v, d)`: torchvision's `_make_divisible` (the multiple of d nearest v, at least
  /// d, and not below 90 % of v) for integer v.
  private func call(_ name: Located<String>, _ arguments: [Expression], _ range: SourceRange) throws(Failure) -> Int {
    guard let arity = Self.functions[name.value] else {
      throw Failure(
        diagnostic: Diagnostic(
          .unknownName, "unknown function '\(name.value)'", at: name.range,
          hint: Suggestions.didYouMean(name.value, in: Self.functions.keys)
            ?? "functions: \(Self.functions.keys.sorted().joined(separator: ", "))"))
    }
    guard arity.map({ arguments.count == $0 }) ?? !arguments.isEmpty else {
      throw Failure(
        diagnostic: Diagnostic(
          .wrongArity,
          "'\(name.value)' takes \(arity.map { "\($0)" } ?? "one or more") argument\(arity == 1 ? "" : "s"), "
            + "given \(arguments.count)", at: range))
    }
    var values: [Int] = []
    for argument in arguments { values.append(try integer(argument)) }
    do {
      switch name.value {
      case "min": return values.min()!
      case "max": return values.max()!
      case "abs":
        guard values[0] != Int.min else { throw ArithmeticOverflow() }
        return abs(values[0])
      default:
        let (a, b) = (values[0], values[1])
        guard b > 0 else {
          throw Failure(
            diagnostic: Diagnostic(
              .badArgument, "'\(name.value)' needs a positive divisor, found \(b)", at: arguments[1].range))
        }
        switch name.value {
        case "div_ceil": return try Checked.add(a, b - 1).floorDivided(by: b)
        case "div_round":
          return try Checked.add(try Checked.multiply(a, 2), b).floorDivided(by: try Checked.multiply(b, 2))
        default:
          var rounded = max(b, try Checked.add(a, b / 2).floorDivided(by: b) * b)
          if try Checked.multiply(rounded, 10) < Checked.multiply(a, 9) { rounded = try Checked.add(rounded, b) }
          return rounded
        }
      }
    } catch let failure as Failure {
      throw failure
    } catch {
      throw overflow(range)
    }
  }

  private func overflow(_ range: SourceRange) -> Failure {
    Failure(diagnostic: Diagnostic(.overflow, "'\(source.text(range))' does not fit in a 64-bit integer", at: range))
  }

  private func literal(_ range: SourceRange) throws(Failure) -> ArgumentValue {
    let text = Substring(source.text(range))
    if let value = ArgumentValue.literal(text) { return value }
    let digitsOnly = text.allSatisfy { $0.isNumber || $0 == "_" }
    throw Failure(
      diagnostic: Diagnostic(
        digitsOnly ? .overflow : .badNumber,
        digitsOnly ? "'\(text)' does not fit in a 64-bit integer" : "cannot read '\(text)' as a number",
        at: range, hint: digitsOnly ? nil : "write integers (64), extents (3x3), sides (1:2) or decimals (0.5)"))
  }
}
