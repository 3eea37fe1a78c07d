import CNNGraph

/// Layers that move elements between channels and positions.
extension LayerCalculator {
  /// Channels `start ..< end`; positions untouched.
  static func slice(_ start: Int, _ end: Int, _ input: TensorFacts) throws -> LayerResult {
    let channels = input.shape[0]
    guard end <= channels else {
      throw LayerProblem(
        .channelMismatch, "slice \(start) \(end) reaches past the \(channels) channels of '\(input.name)'",
        hint: "the end is exclusive: slice \(min(start, channels - 1)) \(channels) takes the rest")
    }
    return LayerResult(shape: [end - start] + input.shape.dropFirst(), receptiveField: input.receptiveField)
  }

  /// C·r² × H × W → C × rH × rW: output (y, x) reads input (⌊y/r⌋, ⌊x/r⌋), as nearest upsampling
  /// by r does (`nn.PixelShuffle`: the last two axes).
  static func pixelShuffle(_ r: Int, _ input: TensorFacts) throws -> LayerResult {
    try needsTwoSpatialAxes("pixelshuffle", input)
    let square = try Checked.multiply(r, r)
    guard input.shape[0] % square == 0 else {
      throw LayerProblem(
        .channelMismatch,
        "pixelshuffle \(r) needs channels divisible by \(square); '\(input.name)' has \(input.shape[0])")
    }
    let shape = [
      input.shape[0] / square, try Checked.multiply(input.shape[1], r), try Checked.multiply(input.shape[2], r),
    ]
    let maps = [1, 2].map { AxisMap.nearest(input: input.shape[$0], output: shape[$0]) }
    return LayerResult(shape: shape, receptiveField: follow(input.receptiveField, maps))
  }

  /// C × rH × rW → C·r² × H × W: output (y, x) reads the r×r block at (ry, rx), a window of r with
  /// stride r (`nn.PixelUnshuffle`).
  static func pixelUnshuffle(_ r: Int, _ input: TensorFacts) throws -> LayerResult {
    try needsTwoSpatialAxes("pixelunshuffle", input)
    for axis in [1, 2] where input.shape[axis] % r != 0 {
      throw LayerProblem(
        .badArgument,
        "pixelunshuffle \(r) needs extents divisible by \(r); '\(input.name)' is \(ExtentText.of(input.shape))")
    }
    let shape = [
      try Checked.multiply(input.shape[0], try Checked.multiply(r, r)), input.shape[1] / r, input.shape[2] / r,
    ]
    let maps = [1, 2].map { _ in AxisMap.window(kernel: r, stride: r, dilation: 1, before: 0) }
    return LayerResult(shape: shape, receptiveField: follow(input.receptiveField, maps))
  }

  private static func needsTwoSpatialAxes(_ keyword: String, _ input: TensorFacts) throws {
    guard input.spatialRank == 2 else {
      throw LayerProblem(
        .rankMismatch, "\(keyword) works on C×H×W; '\(input.name)' is \(ExtentText.of(input.shape))",
        hint: "as PyTorch's pixel_shuffle, it rearranges the last two axes of a 2-D feature map")
    }
  }
}
