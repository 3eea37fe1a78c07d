import CNNGraph

/// Something about a layer that makes its output undefined; becomes an error at the layer's line.
typealias LayerProblem = DiagnosticDraft

extension DiagnosticDraft {
  static let overflow = LayerProblem(
    .overflow, "a size or count exceeds the 64-bit integer range",
    hint: "check the input shape, the channel counts and --batch")
}

/// A noteworthy fact about one spatial axis of a sliding-window layer.
public enum WindowFinding: Sendable, Equatable {
  /// Floor mode leaves `dropped` real input elements at the end that no window reaches:
  /// (input + padding − dilatedKernel) is not a multiple of `stride`.
  case truncation(axis: Int, dropped: Int, input: Int, padding: Int, dilatedKernel: Int, stride: Int)
  /// Ceil mode would start a last window inside the end padding; it is not produced.
  case ceilWindowDropped(axis: Int)
  /// Ceil mode's last window runs `overhang` elements past the padded input.
  case partialWindow(axis: Int, overhang: Int)
  /// `same` padding puts more padding after than before.
  case unevenPadding(axis: Int, before: Int, after: Int)
}

/// The calculator's figures for one layer, per sample (batch 1).
struct LayerResult {
  var shape: [Int]
  var receptiveField: ReceptiveField
  var params = 0
  var buffers = 0
  var macs = 0
  var otherOps = 0
  var findings: [WindowFinding] = []
  /// How merging paths' fields line up.
  var alignment = FieldAlignment.aligned
}

/// Shapes, parameters, MACs and receptive fields of single layers (formulas in docs/conventions.md).
enum LayerCalculator {
  static func compute(_ op: Operator, inputs: [TensorFacts]) throws(LayerProblem) -> LayerResult {
    do {
      return try dispatch(op, inputs: inputs)
    } catch let problem as LayerProblem {
      throw problem
    } catch {
      throw LayerProblem.overflow
    }
  }

  private static func dispatch(_ op: Operator, inputs: [TensorFacts]) throws -> LayerResult {
    let input = inputs[0]
    switch op {
    case .convolution(let conv): return try convolution(conv, input)
    case .transposedConvolution(let conv): return try transposedConvolution(conv, input)
    case .pooling(let pool): return try pooling(pool, input)
    case .globalPooling: return try globalPooling(input)
    case .adaptivePooling(_, let size): return try adaptivePooling(size, input)
    case .fullyConnected(let outputs, let bias):
      let features = try Checked.product(input.shape)
      let weights = try Checked.multiply(features, outputs)
      return LayerResult(
        shape: [outputs], receptiveField: .whole, params: try Checked.add(weights, bias ? outputs : 0),
        macs: weights)
    case .flatten:
      return LayerResult(shape: [try Checked.product(input.shape)], receptiveField: flattened(input.receptiveField))
    case .reshape(let shape): return try reshape(shape, input)
    case .batchNorm(let norm): return try batchNorm(norm, input)
    case .layerNorm(let norm, _), .groupNorm(_, let norm), .instanceNorm(let norm):
      return try sampleNorm(norm, op, input)
    case .localResponseNorm(let lrn):
      return LayerResult(
        shape: input.shape, receptiveField: input.receptiveField,
        otherOps: try Checked.multiply(lrn.size, try Checked.product(input.shape)))
    case .dropout, .stochasticDepth, .identity:
      return LayerResult(shape: input.shape, receptiveField: input.receptiveField)
    case .layerScale:
      return LayerResult(
        shape: input.shape, receptiveField: input.receptiveField, params: input.shape[0],
        otherOps: try Checked.product(input.shape))
    case .slice(let start, let end): return try slice(start, end, input)
    case .pixelShuffle(let factor): return try pixelShuffle(factor, input)
    case .pixelUnshuffle(let factor): return try pixelUnshuffle(factor, input)
    case .opaque(let opaque):
      return LayerResult(
        shape: opaque.shape, receptiveField: .unknown("an opaque layer declares no field"), params: opaque.params,
        macs: opaque.macs)
    case .activation(let activation):
      var params = 0
      if case .prelu(let shared) = activation { params = shared ? 1 : input.shape[0] }
      return LayerResult(
        shape: input.shape, receptiveField: input.receptiveField, params: params,
        otherOps: try Checked.product(input.shape))
    case .concat: return try concat(inputs)
    case .add, .mul: return try elementwise(inputs, broadcast: op == .mul)
    case .channelShuffle(let groups):
      guard input.shape[0] % groups == 0 else {
        throw LayerProblem(.channelMismatch, "\(groups) groups do not divide \(input.shape[0]) channels")
      }
      return LayerResult(shape: input.shape, receptiveField: input.receptiveField)
    case .upsample(let upsample): return try self.upsample(upsample, input)
    case .pad(let padding): return try pad(padding, input, sign: 1)
    case .crop(let padding): return try pad(padding, input, sign: -1)
    }
  }

  // MARK: - Helpers

  /// Resolves per-axis values for `input`'s spatial axes, or explains why they do not fit.
  static func axes(_ values: AxisValues, _ what: String, _ input: TensorFacts) throws(LayerProblem) -> [Int] {
    guard input.spatialRank > 0 else {
      throw LayerProblem(
        .rankMismatch,
        "this layer needs spatial axes, but its input '\(input.name)' is flat \(ExtentText.of(input.shape))",
        hint: "apply it before flatten or the fully connected layers")
    }
    guard let resolved = values.resolved(rank: input.spatialRank) else {
      throw LayerProblem(
        .rankMismatch, "\(what) has \(values.values.count) values but the input has \(input.spatialRank) spatial axes",
        hint: "give one value for all axes or one per axis")
    }
    return resolved
  }

  static func flattened(_ field: ReceptiveField) -> ReceptiveField {
    field == .whole ? .whole : .irregular
  }

  /// The field after a layer whose units depend on their input's units through `maps` (one per
  /// spatial axis). Whole, irregular and unknown fields pass through. A field cnncalc cannot follow
  /// becomes unknown with the reason: it never stops the shape and cost analysis.
  static func follow(_ field: ReceptiveField, _ maps: [AxisMap]) -> ReceptiveField {
    guard case .regular(let regular) = field else { return field }
    do {
      var axes: [AxisField] = []
      for (axis, map) in zip(regular.axes, maps) { axes.append(try axis.through(map)) }
      return .regular(RegularField(axes: axes))
    } catch let problem as FieldTooComplex {
      return .unknown(problem.reason)
    } catch {
      return .unknown(unrepresentableField)
    }
  }

  static let unrepresentableField = "the field's pixel coordinates exceed the 64-bit integer range"

  private static func reshape(_ shape: [Int], _ input: TensorFacts) throws -> LayerResult {
    let count = try Checked.product(input.shape)
    guard try Checked.product(shape) == count else {
      throw LayerProblem(
        .elementCountMismatch,
        "reshape to \(ExtentText.of(shape)) needs \(try Checked.product(shape)) elements; "
          + "the input \(ExtentText.of(input.shape)) has \(count)")
    }
    let keepsField = shape.count == input.shape.count && Array(shape.dropFirst()) == Array(input.shape.dropFirst())
    return LayerResult(
      shape: shape, receptiveField: keepsField ? input.receptiveField : flattened(input.receptiveField))
  }

  private static func pad(_ padding: Padding, _ input: TensorFacts, sign: Int) throws -> LayerResult {
    guard case .explicit(let beginValues, let endValues) = padding else {
      throw LayerProblem(.badArgument, "pad and crop take amounts, not same/valid")
    }
    let begin = try axes(beginValues, "the amount", input)
    let end = try axes(endValues, "the amount", input)
    var shape = input.shape
    for axis in begin.indices {
      let extent = try Checked.add(
        input.shape[axis + 1], try Checked.multiply(sign, try Checked.add(begin[axis], end[axis])))
      guard extent >= 1 else {
        throw LayerProblem(
          .nonpositiveSize,
          "cropping \(begin[axis] + end[axis]) from an extent of \(input.shape[axis + 1]) leaves nothing")
      }
      shape[axis + 1] = extent
    }
    let field = follow(input.receptiveField, begin.map { AxisMap.shift(before: $0 * sign) })
    return LayerResult(shape: shape, receptiveField: field)
  }

  private static func upsample(_ upsample: Upsample, _ input: TensorFacts) throws -> LayerResult {
    var shape = input.shape
    switch upsample.target {
    case .scale(let values):
      let factors = try axes(values, "the scale", input)
      for axis in factors.indices {
        shape[axis + 1] = try Checked.multiply(input.shape[axis + 1], factors[axis])
      }
    case .size(let values):
      let sizes = try axes(values, "the size", input)
      for axis in sizes.indices { shape[axis + 1] = sizes[axis] }
    }
    let bilinear = upsample.mode == .bilinear
    let maps = (1..<shape.count).map { axis in
      bilinear
        ? AxisMap.bilinear(input: input.shape[axis], output: shape[axis])
        : AxisMap.nearest(input: input.shape[axis], output: shape[axis])
    }
    let field = follow(input.receptiveField, maps)
    let corners = 1 << min(maps.count, 30)
    return LayerResult(
      shape: shape, receptiveField: field,
      otherOps: bilinear ? try Checked.multiply(corners, try Checked.product(shape)) : 0)
  }
}
