/// The largest sizes cnncalc accepts, so that every later sum of a few of them fits in 64 bits
/// and only products need checking.
public enum SizeLimits {
  /// The largest extent, channel count, kernel, stride, dilation or padding amount: 2^48.
  public static let maximumValue = 1 << 48
  /// The most elements one tensor may have (without batch): 2^48.
  public static let maximumElements = 1 << 48

  /// "2^48": how the limit reads in messages.
  public static let maximumText = "2^48"
}
