import CNNGraph

/// A closed interval of network-input coordinates along one axis; empty when `low > high`.
struct Span: Equatable {
  var low: Int
  var high: Int

  static let empty = Span(low: Int.max, high: Int.min)
  var isEmpty: Bool { low > high }

  func union(_ other: Span) -> Span { Span(low: min(low, other.low), high: max(high, other.high)) }
}

/// What the probe found for a layer.
public enum ProbeResult: Sendable, Equatable {
  /// A spatial output. `units[axis][o]` is the span of network-input coordinates that unit `o`
  /// depends on along `axis` (nil: none); `available[axis]` the span the layer's inputs depend on
  /// at all; `coversInputs` whether every unit depends on all of `available` on every axis.
  case spatial(units: [[ClosedRange<Int>?]], available: [ClosedRange<Int>?], coversInputs: Bool)
  /// A flat output: whether its elements depend on every input coordinate the layer's inputs do.
  case flat(coversInputs: Bool)
  /// Nothing to measure (no input dependency).
  case none
}

/// Propagates dependency intervals through a network (see docs/conventions.md, "verify").
public enum DependencyProbe {
  enum State {
    /// Per spatial axis, the interval of every coordinate (all channels share the geometry; merged
    /// channel groups take the union, as the calculator's field does).
    case spatial([[Span]])
    /// A flat tensor: one box for all its elements.
    case flat([Span])

    var box: [Span] {
      switch self {
      case .spatial(let axes): axes.map { $0.reduce(Span.empty) { $0.union($1) } }
      case .flat(let box): box
      }
    }
  }

  /// Measures every layer of `network`.
  public static func measure(_ network: Network) throws(EngineError) -> [ProbeResult] {
    var states = [TensorID: State]()
    for (index, input) in network.inputs.enumerated() {
      states[.input(index)] = .spatial(
        input.shape.dropFirst().map { extent in (0..<extent).map { Span(low: $0, high: $0) } })
    }
    var results: [ProbeResult] = []
    for (index, layer) in network.layers.enumerated() {
      let operands = layer.inputs.map { states[$0]! }
      let state = try propagate(
        layer.op, operands, shapes: layer.inputs.map { shape(of: $0, in: network, states: states) })
      states[.layer(index)] = state
      results.append(result(state, inputsBox: union(operands.map(\.box))))
    }
    return results
  }

  static func shape(of id: TensorID, in network: Network, states: [TensorID: State]) -> [Int] {
    switch states[id]! {
    case .spatial(let axes): axes.map(\.count)
    case .flat: []
    }
  }

  static func result(_ state: State, inputsBox: [Span]) -> ProbeResult {
    switch state {
    case .flat(let box):
      return .flat(coversInputs: box == inputsBox || box.allSatisfy(\.isEmpty))
    case .spatial(let axes):
      if axes.contains(where: { $0.allSatisfy(\.isEmpty) }) { return .none }
      let units = axes.map { spans in spans.map { $0.isEmpty ? nil : $0.low...$0.high } }
      let available = axes.indices.map { axis -> ClosedRange<Int>? in
        axis < inputsBox.count && !inputsBox[axis].isEmpty ? inputsBox[axis].low...inputsBox[axis].high : nil
      }
      let covers = axes.indices.allSatisfy { axis in
        axis < inputsBox.count && axes[axis].allSatisfy { $0.isEmpty || $0 == inputsBox[axis] }
      }
      return .spatial(units: units, available: available, coversInputs: covers)
    }
  }

  static func propagate(_ op: Operator, _ operands: [State], shapes: [[Int]]) throws(EngineError) -> State {
    let input = operands[0]
    guard case .spatial(let axes) = input else {
      switch op {
      case .concat, .add, .mul: return .flat(union(operands.map(\.box)))
      default: return input
      }
    }
    let spatial = axes.map(\.count)
    switch op {
    case .convolution(let conv):
      return .spatial(window(axes, try WindowPlan.make(conv.window, spatial: spatial, ceil: false)))
    case .pooling(let pool):
      return .spatial(window(axes, try WindowPlan.make(pool.window, spatial: spatial, ceil: pool.ceilMode)))
    case .transposedConvolution(let conv):
      guard case .explicit(let b, let e) = conv.window.padding else {
        throw EngineError.unsupported("same padding on deconv")
      }
      let rank = spatial.count
      let kernel = try WindowPlan.values(conv.window.kernel, rank, "kernel")
      let stride = try WindowPlan.values(conv.window.stride, rank, "stride")
      let dilation = try WindowPlan.values(conv.window.dilation, rank, "dilation")
      let before = try WindowPlan.values(b, rank, "padding")
      let after = try WindowPlan.values(e, rank, "padding")
      let outputPadding = try WindowPlan.values(conv.outputPadding, rank, "output padding")
      var result: [[Span]] = []
      for axis in 0..<rank {
        var farthest = 0
        for i in 0..<spatial[axis] {
          for t in 0..<kernel[axis] { farthest = max(farthest, i * stride[axis] + t * dilation[axis]) }
        }
        var spans = [Span](repeating: .empty, count: farthest + 1 - before[axis] - after[axis] + outputPadding[axis])
        for i in 0..<spatial[axis] {
          for t in 0..<kernel[axis] {
            let position = i * stride[axis] + t * dilation[axis] - before[axis]
            if position >= 0, position < spans.count { spans[position] = spans[position].union(axes[axis][i]) }
          }
        }
        result.append(spans)
      }
      return .spatial(result)
    case .globalPooling:
      return .spatial(axes.map { [$0.reduce(Span.empty) { $0.union($1) }] })
    case .adaptivePooling(_, let size):
      let outputs = try WindowPlan.values(size, spatial.count, "size")
      return .spatial(
        axes.indices.map { axis in
          (0..<outputs[axis]).map { j in
            PoolingKernel.adaptiveWindow(j, input: spatial[axis], output: outputs[axis]).reduce(Span.empty) {
              $0.union(axes[axis][$1])
            }
          }
        })
    case .fullyConnected, .flatten:
      return .flat(input.box)
    case .reshape(let shape):
      return Array(shape.dropFirst()) == spatial ? input : .flat(input.box)
    case .concat, .add, .mul:
      var merged = axes
      for operand in operands.dropFirst() {
        guard case .spatial(let other) = operand else { return .flat(union(operands.map(\.box))) }
        for axis in merged.indices {
          if other[axis].count == merged[axis].count {
            merged[axis] = zip(merged[axis], other[axis]).map { $0.union($1) }
          } else if other[axis].count == 1 {
            merged[axis] = merged[axis].map { $0.union(other[axis][0]) }
          } else if merged[axis].count == 1 {
            merged[axis] = other[axis].map { $0.union(merged[axis][0]) }
          }
        }
      }
      return .spatial(merged)
    case .upsample(let upsample):
      let rank = spatial.count
      let extents: [Int]
      switch upsample.target {
      case .scale(let factors): extents = zip(spatial, try WindowPlan.values(factors, rank, "scale")).map { $0 * $1 }
      case .size(let sizes): extents = try WindowPlan.values(sizes, rank, "size")
      }
      return .spatial(
        axes.indices.map { axis in
          (0..<extents[axis]).map { o in
            StructuralKernel.taps(o, input: spatial[axis], output: extents[axis], bilinear: upsample.mode == .bilinear)
              .filter { $0.1 > 0 }.reduce(Span.empty) { $0.union(axes[axis][$1.0]) }
          }
        })
    case .pad(let padding), .crop(let padding):
      guard case .explicit(let b, let e) = padding else { throw EngineError.unsupported("pad with same/valid") }
      let sign = op == .pad(padding) ? 1 : -1
      let before = try WindowPlan.values(b, spatial.count, "padding").map { $0 * sign }
      let after = try WindowPlan.values(e, spatial.count, "padding").map { $0 * sign }
      return .spatial(
        axes.indices.map { axis in
          (0..<(spatial[axis] + before[axis] + after[axis])).map { o in
            let i = o - before[axis]
            return i >= 0 && i < spatial[axis] ? axes[axis][i] : .empty
          }
        })
    case .batchNorm, .localResponseNorm, .dropout, .activation, .channelShuffle, .identity, .layerNorm(_, .channels),
      .stochasticDepth, .layerScale, .slice:
      return input
    case .layerNorm(_, .all), .groupNorm, .instanceNorm:
      // Statistics over every position of the sample.
      let box = input.box
      return .spatial(axes.indices.map { Array(repeating: box[$0], count: axes[$0].count) })
    case .pixelShuffle(let r):
      return .spatial(axes.map { spans in (0..<spans.count * r).map { spans[$0 / r] } })
    case .pixelUnshuffle(let r):
      return .spatial(
        axes.map { spans in
          (0..<spans.count / r).map { o in spans[o * r..<(o + 1) * r].reduce(Span.empty) { $0.union($1) } }
        })
    case .opaque(let opaque):
      let box = input.box
      guard opaque.shape.count > 1 else { return .flat(box) }
      return .spatial(
        opaque.shape.dropFirst().enumerated().map { axis, extent in
          Array(repeating: axis < box.count ? box[axis] : .empty, count: extent)
        })
    }
  }

  /// Each output coordinate depends on the union of the taps of its window that lie in the input.
  static func window(_ axes: [[Span]], _ plan: WindowPlan) -> [[Span]] {
    let plans = Array(plan.axes.suffix(axes.count))
    return axes.indices.map { axis in
      let p = plans[axis]
      return p.starts.map { start in
        (0..<p.kernel).reduce(Span.empty) { span, tap in
          let position = start + tap * p.dilation
          return position >= 0 && position < p.input ? span.union(axes[axis][position]) : span
        }
      }
    }
  }

  static func union(_ boxes: [[Span]]) -> [Span] {
    boxes.dropFirst().reduce(boxes[0]) { box, other in
      box.count == other.count ? zip(box, other).map { $0.union($1) } : box
    }
  }
}
