/// The catalogue of diagnostic codes. A code's raw value is its stable identifier: it is printed in
/// text output, written in JSON and documented in `docs/diagnostics.md`. Keep the list alphabetical.
public enum DiagnosticCode: String, Sendable, CaseIterable, Codable {
  /// An argument has a value the layer cannot take (a zero stride, axis counts that disagree).
  case badArgument = "bad-argument"
  /// A numeric literal cannot be read (`3x`, `1.2.3`, `12Q`).
  case badNumber = "bad-number"
  /// A budget (`expect params <= 25M`) is exceeded.
  case budgetExceeded = "budget-exceeded"
  /// Runtimes disagree on a ceil-mode pooling size for this model (an ONNX file before opset 22
  /// against PyTorch and ONNX Runtime; Caffe without padding): the message gives both sizes.
  case ceilRuleDiffers = "ceil-rule-differs"
  /// A ceil-mode pooling window would start inside the end padding, so (as in PyTorch and Caffe) it
  /// is not produced.
  case ceilWindowDropped = "ceil-window-dropped"
  /// Channel counts do not fit: groups that do not divide channels, elementwise merges of different
  /// channel counts.
  case channelMismatch = "channel-mismatch"
  /// Two layers, blocks or inputs share a name.
  case duplicateName = "duplicate-name"
  /// A model input has a symbolic extent (`batch`, `height`) and no `--input` fixes it.
  case dynamicDimension = "dynamic-dimension"
  /// An input reshape or flatten changes the number of elements.
  case elementCountMismatch = "element-count-mismatch"
  /// An `expect` line does not hold.
  case expectFailed = "expect-failed"
  /// An `expect` line names a layer or total that an earlier error left uncomputed.
  case expectNotEvaluated = "expect-not-evaluated"
  /// A byte that is not part of the spec language.
  case invalidCharacter = "invalid-character"
  /// A model file's field that is not in the format's schema and is not a likely misspelling (a
  /// fork's extension): ignored, which may leave out something the layer computes.
  case ignoredField = "ignored-field"
  /// Merged tensors have different spatial extents.
  case mergeMismatch = "merge-mismatch"
  /// A binary model file (ONNX) breaks its format: truncated, a wrong wire type, a length past the
  /// end; located by byte offset.
  case malformedFile = "malformed-file"
  /// A layer lacks a required argument.
  case missingArgument = "missing-argument"
  /// The spec declares no input.
  case missingInput = "missing-input"
  /// A computed or declared size is zero or negative.
  case nonpositiveSize = "nonpositive-size"
  /// An integer computation exceeds the 64-bit range.
  case overflow = "overflow"
  /// A ceil-mode window or `same` padding covers pixels past the input end: the edge is padded unevenly.
  case partialWindow = "partial-window"
  /// A layer needs spatial axes its input does not have, or a different number of them.
  case rankMismatch = "rank-mismatch"
  /// Blocks call each other more deeply than the expansion limit.
  case recursionLimit = "recursion-limit"
  /// A receptive field is larger than the padded input.
  case rfExceedsInput = "rf-exceeds-input"
  /// Paths that merge look at different places: their fields' centres and ends differ, or they move
  /// at different jumps.
  case rfMisaligned = "rf-misaligned"
  /// A resampled path's units sit a fraction of a coarse unit away from the other paths' units, in a
  /// repeating pattern (nearest upsampling, stride-2 transposed convolution): inherent, not a defect.
  case rfSubpixelOffset = "rf-subpixel-offset"
  /// A receptive field cnncalc cannot follow (its pattern is too long or its coordinates too large).
  case rfUnknown = "rf-unknown"
  /// The tokens do not form a statement.
  case syntax = "syntax"
  /// The expanded network or one of its tensors is larger than cnncalc analyses.
  case tooLarge = "too-large"
  /// A floor-mode layer leaves input rows or columns that no window reaches.
  case truncation = "truncation"
  /// An argument name the layer does not take.
  case unknownArgument = "unknown-argument"
  /// A call of a block that is not defined.
  case unknownBlock = "unknown-block"
  /// A layer type that does not exist.
  case unknownLayer = "unknown-layer"
  /// A name that is not defined at that point.
  case unknownName = "unknown-name"
  /// An imported model uses an operator, or an attribute value, outside cnncalc's catalogue.
  case unsupportedOperator = "unsupported-operator"
  /// A path `check` cannot check: it does not exist, cannot be read, or is a folder without any
  /// spec (a CI gate that checks nothing must not pass).
  case unreadable = "unreadable"
  /// A layer whose output reaches no network output.
  case unusedLayer = "unused-layer"
  /// A block is called with the wrong number of arguments.
  case wrongArity = "wrong-arity"

  /// The severity this code has unless the reporter decides otherwise.
  public var defaultSeverity: Severity {
    switch self {
    case .ceilRuleDiffers, .ceilWindowDropped, .ignoredField, .rfMisaligned, .truncation, .unusedLayer: .warning
    case .expectNotEvaluated, .partialWindow, .rfExceedsInput, .rfSubpixelOffset, .rfUnknown: .note
    default: .error
    }
  }
}
