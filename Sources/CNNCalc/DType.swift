/// The element type assumed for memory figures (activations and parameters).
public enum DType: String, Sendable, CaseIterable {
  case f32, f16, bf16, i8

  /// Bytes per element.
  public var size: Int {
    switch self {
    case .f32: 4
    case .f16, .bf16: 2
    case .i8: 1
    }
  }
}
