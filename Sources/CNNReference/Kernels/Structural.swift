import CNNGraph
import CNNKernelSet

/// Kernels that move elements: concatenation, elementwise merges, shuffles, padding, resampling.
enum StructuralKernel {
  static func concat(_ inputs: [Tensor]) throws(EngineError) -> Tensor {
    let first = inputs[0]
    for input in inputs where input.spatial != first.spatial || input.batch != first.batch {
      throw EngineError.unsupported("concat of tensors with different extents")
    }
    let channels = inputs.reduce(0) { $0 + $1.channels }
    var output = Tensor(zeros: [first.batch, channels] + first.spatial)
    let plane = first.plane
    var index = 0
    for sample in 0..<first.batch {
      for input in inputs {
        let count = input.channels * plane
        let start = sample * count
        output.data.replaceSubrange(index..<(index + count), with: input.data[start..<(start + count)])
        index += count
      }
    }
    return output
  }

  /// Sum or product with broadcasting of extents of 1 (on any axis, batch included).
  static func elementwise(
    _ inputs: [Tensor], multiply: Bool, clamp: TileEpilogue.Clamp = .none, threads: Int = 1
  ) throws(EngineError) -> Tensor {
    if inputs.count == 2, inputs[0].shape == inputs[1].shape {
      return sameShape(inputs[0], inputs[1], multiply: multiply, clamp: clamp, threads: threads)
    }
    var output = try broadcasting(inputs, multiply: multiply, threads: threads)
    ConvolutionEpilogue(clamp: clamp).apply(to: &output, threads: threads)
    return output
  }

  /// a + b or a · b for tensors of one shape, in fixed contiguous chunks; each sum clamped as the
  /// ReLU or ReLU6 pass would (`clamp`: an activation fused into the sum, `EpilogueFusion`).
  static func sameShape(_ a: Tensor, _ b: Tensor, multiply: Bool, clamp: TileEpilogue.Clamp, threads: Int) -> Tensor {
    precondition(!multiply || clamp == .none, "only sums take a fused clamp")
    let count = a.data.count
    let chunks = Parallel.chunkCount(elements: count, threads: threads)
    let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      a.data.withUnsafeBufferPointer { x in
        b.data.withUnsafeBufferPointer { y in
          let (x, y, z) = (x.baseAddress!, y.baseAddress!, buffer.baseAddress!)
          Parallel.run(chunks: chunks) { chunk in
            let range = Parallel.chunk(chunk, of: chunks, total: count, alignment: 16)
            switch (multiply, clamp) {
            case (true, _): for index in range { z[index] = x[index] * y[index] }
            case (false, .none): for index in range { z[index] = x[index] + y[index] }
            case (false, .relu):
              for index in range { z[index] = TileEpilogue.Clamp.rectified(x[index] + y[index]) }
            case (false, .relu6):
              for index in range { z[index] = TileEpilogue.Clamp.rectified6(x[index] + y[index]) }
            }
          }
        }
      }
      initialized = count
    }
    return Tensor(shape: a.shape, data: data)
  }

  /// The merge with broadcasting: the output starts at 1 (product) or 0 (sum) and each input in
  /// turn is combined into it. An input is read along rows of the output: the longest run of
  /// trailing axes on which it is either whole or broadcast from extent 1, so that a row is a
  /// contiguous vector loop or one value combined into every element (squeeze-and-excitation's
  /// [N, C, 1, 1] scale: one value per H × W plane). Rows are split between threads.
  static func broadcasting(_ inputs: [Tensor], multiply: Bool, threads: Int) throws(EngineError) -> Tensor {
    var shape = inputs[0].shape
    for input in inputs {
      guard input.shape.count == shape.count else {
        throw EngineError.unsupported("merge of tensors of different ranks")
      }
      for axis in shape.indices where input.shape[axis] != shape[axis] {
        guard input.shape[axis] == 1 || shape[axis] == 1 else {
          throw EngineError.unsupported("merge of mismatched extents")
        }
        shape[axis] = max(shape[axis], input.shape[axis])
      }
    }
    let total = shape.reduce(1, *)
    var output = Tensor(shape: shape, data: [Float](repeating: multiply ? 1 : 0, count: total))
    for input in inputs {
      // Trailing axes read the same way: all whole, or all broadcast.
      let whole = { (axis: Int) in input.shape[axis] == shape[axis] }
      var first = shape.count - 1
      while first > 0, whole(first - 1) == whole(shape.count - 1) || shape[first - 1] == 1 { first -= 1 }
      let broadcastRow = !whole(shape.count - 1)
      let row = shape[first...].reduce(1, *)
      let rows = total / row
      // Where row r starts in the input: its index over the leading axes, broadcast axes skipped.
      var inputStrides = [Int](repeating: 1, count: shape.count)
      for axis in stride(from: shape.count - 2, through: 0, by: -1) {
        inputStrides[axis] = inputStrides[axis + 1] * input.shape[axis + 1]
      }
      let leading = Array(shape[..<first])
      let chunks = Parallel.chunkCount(elements: total, threads: threads, units: rows)
      input.data.withUnsafeBufferPointer { source in
        output.data.withUnsafeMutableBufferPointer { target in
          nonisolated(unsafe) let (x, y) = (source.baseAddress!, target.baseAddress!)
          Parallel.run(chunks: chunks) { chunk in
            for r in Parallel.chunk(chunk, of: chunks, total: rows) {
              var (rest, start) = (r, 0)
              for axis in leading.indices.reversed() {
                let (next, position) = rest.quotientAndRemainder(dividingBy: leading[axis])
                if input.shape[axis] != 1 { start += position * inputStrides[axis] }
                rest = next
              }
              let out = y + r * row
              if broadcastRow {
                let value = x[start]
                if multiply {
                  for i in 0..<row { out[i] *= value }
                } else {
                  for i in 0..<row { out[i] += value }
                }
              } else if multiply {
                for i in 0..<row { out[i] *= x[start + i] }
              } else {
                for i in 0..<row { out[i] += x[start + i] }
              }
            }
          }
        }
      }
    }
    return output
  }

  /// ShuffleNet's channel shuffle: view channels as [groups, c/groups], transpose, flatten.
  static func shuffle(_ input: Tensor, groups: Int) -> Tensor {
    var output = input
    let plane = input.plane
    let perGroup = input.channels / groups
    for sample in 0..<input.batch {
      for c in 0..<input.channels {
        let target = (c % perGroup) * groups + c / perGroup
        let from = (sample * input.channels + c) * plane
        let to = (sample * input.channels + target) * plane
        output.data.replaceSubrange(to..<(to + plane), with: input.data[from..<(from + plane)])
      }
    }
    return output
  }

  /// Zero padding (positive amounts) or cropping (negative amounts) of the spatial axes.
  static func pad(_ input: Tensor, before: [Int], after: [Int]) throws(EngineError) -> Tensor {
    let spatial = input.spatial
    var extents: [Int] = []
    for axis in spatial.indices {
      let extent = spatial[axis] + before[axis] + after[axis]
      guard extent >= 1 else { throw EngineError.emptyOutput("cropping removes every element") }
      extents.append(extent)
    }
    var output = Tensor(zeros: [input.batch, input.channels] + extents)
    let inExtent = Extent3(spatial)
    let outExtent = Extent3(extents)
    let shift = Extent3(before, fill: 0)
    for plane in 0..<(input.batch * input.channels) {
      for z in 0..<outExtent.d {
        let iz = z - shift.d
        guard iz >= 0, iz < inExtent.d else { continue }
        for y in 0..<outExtent.h {
          let iy = y - shift.h
          guard iy >= 0, iy < inExtent.h else { continue }
          for x in 0..<outExtent.w {
            let ix = x - shift.w
            guard ix >= 0, ix < inExtent.w else { continue }
            output.data[plane * outExtent.volume + (z * outExtent.h + y) * outExtent.w + x] =
              input.data[plane * inExtent.volume + (iz * inExtent.h + iy) * inExtent.w + ix]
          }
        }
      }
    }
    return output
  }

  /// The source positions and weights for output index `o` along one axis (PyTorch
  /// `align_corners=False`): nearest copies ⌊o·in/out⌋; linear blends ⌊x⌋ and ⌊x⌋+1 with
  /// x = max(0, (o + ½)·in/out − ½).
  static func taps(_ o: Int, input: Int, output: Int, bilinear: Bool) -> [(Int, Float)] {
    if !bilinear { return [(min(input - 1, o * input / output), Float(1))] }
    let x = max(0, (Double(o) + 0.5) * Double(input) / Double(output) - 0.5)
    let low = min(Int(x), input - 1)
    let high = min(low + 1, input - 1)
    let lambda = Float(x - Double(low))
    return high == low ? [(low, Float(1))] : [(low, 1 - lambda), (high, lambda)]
  }

  static func upsample(_ input: Tensor, to extents: [Int], bilinear: Bool) -> Tensor {
    let inExtent = Extent3(input.spatial)
    let outExtent = Extent3(extents)
    var output = Tensor(zeros: [input.batch, input.channels] + extents)
    let tz = (0..<outExtent.d).map { taps($0, input: inExtent.d, output: outExtent.d, bilinear: bilinear) }
    let ty = (0..<outExtent.h).map { taps($0, input: inExtent.h, output: outExtent.h, bilinear: bilinear) }
    let tx = (0..<outExtent.w).map { taps($0, input: inExtent.w, output: outExtent.w, bilinear: bilinear) }
    var index = 0
    for plane in 0..<(input.batch * input.channels) {
      let base = plane * inExtent.volume
      for z in 0..<outExtent.d {
        for y in 0..<outExtent.h {
          for x in 0..<outExtent.w {
            var value: Float = 0
            for (iz, wz) in tz[z] {
              for (iy, wy) in ty[y] {
                for (ix, wx) in tx[x] {
                  value += wz * wy * wx * input.data[base + (iz * inExtent.h + iy) * inExtent.w + ix]
                }
              }
            }
            output.data[index] = value
            index += 1
          }
        }
      }
    }
    return output
  }

  /// Channels `range` of every sample.
  static func slice(_ input: Tensor, channels range: Range<Int>) -> Tensor {
    let plane = input.plane
    var data: [Float] = []
    data.reserveCapacity(input.batch * range.count * plane)
    for sample in 0..<input.batch {
      let base = sample * input.channels * plane
      data += input.data[(base + range.lowerBound * plane)..<(base + range.upperBound * plane)]
    }
    return Tensor(shape: [input.batch, range.count] + input.spatial, data: data)
  }

  /// `nn.PixelShuffle(r)`: out[c][y·r + i][x·r + j] = in[c·r² + i·r + j][y][x].
  static func pixelShuffle(_ input: Tensor, factor r: Int) -> Tensor {
    let (h, w) = (input.spatial[0], input.spatial[1])
    let channels = input.channels / (r * r)
    var output = Tensor(zeros: [input.batch, channels, h * r, w * r])
    for n in 0..<input.batch {
      for c in 0..<channels {
        for i in 0..<r {
          for j in 0..<r {
            for y in 0..<h {
              for x in 0..<w {
                let from = ((n * input.channels + c * r * r + i * r + j) * h + y) * w + x
                let to = ((n * channels + c) * h * r + y * r + i) * w * r + x * r + j
                output.data[to] = input.data[from]
              }
            }
          }
        }
      }
    }
    return output
  }

  /// `nn.PixelUnshuffle(r)`: the inverse of `pixelShuffle`.
  static func pixelUnshuffle(_ input: Tensor, factor r: Int) -> Tensor {
    let (h, w) = (input.spatial[0] / r, input.spatial[1] / r)
    let channels = input.channels * r * r
    var output = Tensor(zeros: [input.batch, channels, h, w])
    for n in 0..<input.batch {
      for c in 0..<input.channels {
        for i in 0..<r {
          for j in 0..<r {
            for y in 0..<h {
              for x in 0..<w {
                let from = ((n * input.channels + c) * h * r + y * r + i) * w * r + x * r + j
                let to = ((n * channels + c * r * r + i * r + j) * h + y) * w + x
                output.data[to] = input.data[from]
              }
            }
          }
        }
      }
    }
    return output
  }
}
