import CNNGraph

/// Output extents of sliding-window layers along one axis, exactly as the frameworks compute them.
/// All functions are pure; sizes are in elements, paddings in elements before/after the axis.
public enum WindowArithmetic {
  /// The extent a dilated kernel spans: d·(k − 1) + 1.
  public static func dilatedKernel(_ kernel: Int, dilation: Int) throws(ArithmeticOverflow) -> Int {
    try Checked.add(try Checked.multiply(dilation, kernel - 1), 1)
  }

  /// Floor mode, as PyTorch `Conv*d`/`MaxPool*d(ceil_mode=False)` and Caffe convolution:
  /// out = ⌊(in + before + after − dk) / s⌋ + 1, or nil when the window does not fit once.
  public static func floorExtent(input: Int, before: Int, after: Int, dilatedKernel: Int, stride: Int)
    throws(ArithmeticOverflow) -> Int?
  {
    let span = try Checked.subtract(try Checked.add(try Checked.add(input, before), after), dilatedKernel)
    guard span >= 0 else { return nil }
    return span / stride + 1
  }

  /// Ceil mode, as PyTorch `ceil_mode=True` (aten `pooling_output_shape`) and Caffe pooling:
  /// out = ⌈(in + before + after − dk) / s⌉ + 1, minus one if the last window would start at or
  /// after `in + before` (inside the end padding). Returns the extent and whether that last window
  /// was dropped; nil when the window does not fit once.
  public static func ceilExtent(input: Int, before: Int, after: Int, dilatedKernel: Int, stride: Int)
    throws(ArithmeticOverflow) -> (extent: Int, droppedLastWindow: Bool)?
  {
    let span = try Checked.subtract(try Checked.add(try Checked.add(input, before), after), dilatedKernel)
    guard span >= 0 else { return nil }
    var extent = span.ceilDivided(by: stride) + 1
    var dropped = false
    if try Checked.multiply(extent - 1, stride) >= Checked.add(input, before) {
      extent -= 1
      dropped = true
    }
    return (extent, dropped)
  }

  /// TensorFlow `SAME`: out = ⌈in / s⌉, total padding max((out − 1)·s + dk − in, 0), of which
  /// ⌊total/2⌋ goes before and the rest after (tf.nn.convolution documentation).
  public static func samePadding(input: Int, dilatedKernel: Int, stride: Int) throws(ArithmeticOverflow)
    -> (extent: Int, before: Int, after: Int)
  {
    let extent = input.ceilDivided(by: stride)
    let needed = try Checked.subtract(try Checked.add(try Checked.multiply(extent - 1, stride), dilatedKernel), input)
    let total = max(needed, 0)
    return (extent, total / 2, total - total / 2)
  }

  /// Transposed convolution (PyTorch `ConvTranspose*d`):
  /// out = (in − 1)·s − before − after + dk + output_padding.
  public static func transposedExtent(
    input: Int, before: Int, after: Int, dilatedKernel: Int, stride: Int,
    outputPadding: Int
  ) throws(ArithmeticOverflow) -> Int {
    let grown = try Checked.multiply(input - 1, stride)
    return try Checked.add(
      try Checked.subtract(try Checked.add(grown, dilatedKernel), try Checked.add(before, after)), outputPadding)
  }

  /// PyTorch's adaptive pooling window along one axis for output index `i`:
  /// [⌊i·in/out⌋, ⌈(i+1)·in/out⌉).
  public static func adaptiveWindow(index: Int, input: Int, output: Int) -> Range<Int> {
    let start = (index * input) / output
    let end = ((index + 1) * input + output - 1) / output
    return start..<end
  }
}
