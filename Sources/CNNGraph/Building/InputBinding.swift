/// One network input as a front end declared it, before `--input` overrides.
public struct DeclaredInput: Sendable {
  /// The input's name and where it is written.
  public var name: Located<String>
  /// The declared shape, or nil when it could not be read (already reported by the front end).
  public var shape: [Int]?
  /// Where the shape is written: overrides and size errors point here.
  public var shapeRange: SourceRange

  /// Creates a declared input.
  public init(name: Located<String>, shape: [Int]?, shapeRange: SourceRange) {
    self.name = name
    self.shape = shape
    self.shapeRange = shapeRange
  }
}

/// Applies `--input` overrides to the declared inputs and checks every shape: the one rule for
/// every front end (spec text, JSON), so that both report the same errors.
public enum InputBinding {
  /// The network inputs; an input whose shape is unusable gets an empty shape (its error is in
  /// `diagnostics`, and layers reading it are not computed).
  public static func bind(_ declared: [DeclaredInput], overrides: [String: [Int]], diagnostics: inout [Diagnostic])
    -> [NetworkInput]
  {
    var inputs: [NetworkInput] = []
    var seen = Set<String>()
    for (index, input) in declared.enumerated() {
      let name = input.name.value
      var shape = overrides[name] ?? (index == 0 ? overrides[""] : nil) ?? input.shape ?? []
      if input.shape == nil {
        shape = []
      } else if let zero = shape.first(where: { $0 < 1 }) {
        diagnostics.append(
          Diagnostic(.nonpositiveSize, "input extents must be positive, found \(zero)", at: input.shapeRange))
        shape = []
      } else if (try? Checked.product(shape)).map({ $0 > SizeLimits.maximumElements }) ?? true {
        diagnostics.append(
          Diagnostic(
            .tooLarge,
            "the input \(ExtentText.of(shape)) has more than \(SizeLimits.maximumText) elements, "
              + "the most cnncalc accepts for one tensor", at: input.shapeRange))
        shape = []
      }
      if !seen.insert(name).inserted {
        diagnostics.append(Diagnostic(.duplicateName, "input '\(name)' is declared twice", at: input.name.range))
      }
      if let written = input.shape, shape.count != written.count, !shape.isEmpty {
        diagnostics.append(
          Diagnostic(
            .rankMismatch,
            "--input \(ExtentText.of(shape)) has \(shape.count) axes, but '\(name)' is declared with "
              + "\(written.count) (\(ExtentText.of(written)))",
            at: input.shapeRange, hint: "give channels and every spatial extent, e.g. --input \(ExtentText.of(written))"
          ))
        shape = []
      }
      inputs.append(NetworkInput(name: name, shape: shape, range: input.name.range))
    }
    let names = declared.map(\.name.value)
    for name in overrides.keys.sorted() where !name.isEmpty && !names.contains(name) {
      diagnostics.append(
        Diagnostic(
          .unknownName,
          "--input names '\(name)', which is not an input of this spec (its inputs: \(names.joined(separator: ", ")))",
          at: declared.first?.name.range ?? SourceRange(0, 0), hint: Suggestions.didYouMean(name, in: names)))
    }
    if declared.isEmpty {
      diagnostics.append(
        Diagnostic(
          .missingInput, "the spec declares no input", at: SourceRange(0, 0),
          hint: "add a line such as: input image 3x224x224"))
    }
    return inputs
  }
}
