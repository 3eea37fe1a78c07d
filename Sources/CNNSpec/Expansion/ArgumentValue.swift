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
    if text.contains("."), let value = Literals.decimal(text) { return .decimal(value) }
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

/// Evaluates argument expressions against block parameters, with checked integer arithmetic.
struct Evaluator {
  /// Parameter values in scope.
  var parameters: [String: Int]
  let source: SourceFile

  struct Failure: Error {
    var diagnostic: Diagnostic
  }

  func evaluate(_ expression: Expression) throws(Failure) -> ArgumentValue {
    switch expression {
    case .literal(let range):
      return try literal(range)
    case .name(let name):
      if let value = parameters[name.value] { return .integer(value) }
      return .word(name.value)
    case .sides(let before, let after):
      return .sides([(try integer(before), try integer(after))])
    default:
      return .integer(try integer(expression))
    }
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
      guard let value = parameters[name.value] else {
        let hint =
          Suggestions.didYouMean(name.value, in: parameters.keys)
          ?? (parameters.isEmpty
            ? "only block parameters can be used in arithmetic"
            : "parameters here: "
              + parameters.keys.sorted().joined(separator: ", "))
        throw Failure(
          diagnostic: Diagnostic(.unknownName, "unknown parameter '\(name.value)'", at: name.range, hint: hint))
      }
      return value
    case .negate(let operand, let range):
      let value = try integer(operand)
      do { return try Checked.subtract(0, value) } catch { throw overflow(range) }
    case .sides:
      throw Failure(
        diagnostic: Diagnostic(.badArgument, "expected an integer, found per-side amounts", at: expression.range))
    case .binary(let op, let lhs, let rhs):
      let a = try integer(lhs)
      let b = try integer(rhs)
      let range = expression.range
      do {
        switch op {
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
