import CNNGraph
import CNNKernelSet
import Foundation

/// Kernels that act element by element or channel by channel.
enum PointwiseKernel {
  /// Applies `activation` in place. Element-wise functions run in fixed contiguous chunks on up to
  /// `threads` threads (each element's value does not depend on the split); the sigmoid and SiLU,
  /// the ones modern networks apply to every activation, use the kernel set's vector eˣ
  /// (`MicroKernels.exp`), the others Foundation's.
  static func activation(
    _ activation: Activation, _ tensor: inout Tensor, slopes: [Float], threads: Int, kernels: KernelSet
  ) {
    let plane = tensor.plane
    switch activation {
    case .relu: relu(&tensor)
    case .relu6: map(&tensor, threads: threads) { TileEpilogue.Clamp.rectified6($0) }
    case .sigmoid: vector(.sigmoid, &tensor, threads: threads, kernels: kernels)
    case .tanh: map(&tensor, threads: threads) { Foundation.tanh($0) }
    case .gelu: map(&tensor, threads: threads) { 0.5 * $0 * (1 + erf($0 / Float(2).squareRoot())) }
    case .silu: vector(.silu, &tensor, threads: threads, kernels: kernels)
    case .hardswish: map(&tensor, threads: threads) { $0 * TileEpilogue.Clamp.rectified6($0 + 3) / 6 }
    case .hardsigmoid: map(&tensor, threads: threads) { TileEpilogue.Clamp.rectified6($0 + 3) / 6 }
    case .elu: map(&tensor, threads: threads) { $0 > 0 ? $0 : exp($0) - 1 }
    case .mish: map(&tensor, threads: threads) { $0 * Foundation.tanh(softplus($0)) }
    case .selu:
      // Klambauer et al. 2017: λ = 1.0507009873554805, α = 1.6732632423543772.
      map(&tensor, threads: threads) { 1.0507009873554805 * ($0 > 0 ? $0 : 1.6732632423543772 * (exp($0) - 1)) }
    case .softplus: map(&tensor, threads: threads) { softplus($0) }
    case .leakyRelu(let slope):
      let s = Float(slope.numerator) / Float(slope.denominator)
      map(&tensor, threads: threads) { $0 > 0 ? $0 : s * $0 }
    case .prelu:
      for index in tensor.data.indices {
        let channel = (index / plane) % tensor.channels
        let slope = slopes[slopes.count == 1 ? 0 : channel]
        if tensor.data[index] < 0 { tensor.data[index] *= slope }
      }
    case .softmax:
      // Over channels at each position (over the features of a flat tensor).
      for sample in 0..<tensor.batch {
        for position in 0..<plane {
          let base = sample * tensor.channels * plane + position
          var largest = -Float.infinity
          for c in 0..<tensor.channels { largest = max(largest, tensor.data[base + c * plane]) }
          var total: Float = 0
          for c in 0..<tensor.channels {
            let value = exp(tensor.data[base + c * plane] - largest)
            tensor.data[base + c * plane] = value
            total += value
          }
          for c in 0..<tensor.channels { tensor.data[base + c * plane] /= total }
        }
      }
    }
  }

  /// log(1 + eˣ), linear above 20 as PyTorch's `Softplus(threshold=20)`.
  static func softplus(_ x: Float) -> Float { x > 20 ? x : log1p(exp(x)) }

  /// max(x, 0), sixteen lanes at a time: negative values become 0; NaN and −0 stay as they are,
  /// the rule of `TileEpilogue.Clamp.rectified` (which the tail calls).
  static func relu(_ tensor: inout Tensor) {
    tensor.data.withUnsafeMutableBufferPointer { buffer in
      let count = buffer.count
      let base = UnsafeMutableRawPointer(buffer.baseAddress!)
      var index = 0
      while index + 16 <= count {
        let value = base.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
        base.storeBytes(
          of: value.replacing(with: 0, where: value .< 0), toByteOffset: index * 4, as: SIMD16<Float>.self)
        index += 16
      }
      while index < count {
        buffer[index] = TileEpilogue.Clamp.rectified(buffer[index])
        index += 1
      }
    }
  }

  /// Runs `body` on contiguous chunks of `tensor` (`Parallel.chunkCount`), aligned to 16.
  static func inChunks(
    _ tensor: inout Tensor, threads: Int, _ body: @escaping (UnsafeMutablePointer<Float>, Range<Int>) -> Void
  ) {
    let count = tensor.data.count
    let chunks = Parallel.chunkCount(elements: count, threads: threads)
    tensor.data.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let base = buffer.baseAddress!
      Parallel.run(chunks: chunks) { body(base, Parallel.chunk($0, of: chunks, total: count, alignment: 16)) }
    }
  }

  @inline(__always)
  static func map(_ tensor: inout Tensor, threads: Int, _ transform: @escaping (Float) -> Float) {
    inChunks(&tensor, threads: threads) { base, range in
      for index in range { base[index] = transform(base[index]) }
    }
  }

  /// `function` through the kernel set, a vector at a time.
  static func vector(_ function: VectorFunction, _ tensor: inout Tensor, threads: Int, kernels: KernelSet) {
    inChunks(&tensor, threads: threads) { base, range in
      kernels.elementwise(function, range.count, base + range.lowerBound)
    }
  }

  /// Inference batch norm: (x − mean) / √(var + 1e-5) · γ + β per channel.
  /// Inference batch norm into a new tensor: one read of the input, one write of the output.
  static func batchNorm(_ input: Tensor, scale: [Float], shift: [Float], threads: Int = 1) -> Tensor {
    let plane = input.plane
    let channels = input.channels
    let planes = input.batch * channels
    let chunks = Parallel.chunkCount(elements: input.data.count, threads: threads)
    let data = [Float](unsafeUninitializedCapacity: input.data.count) { buffer, count in
      input.data.withUnsafeBufferPointer { source in
        let (from, to) = (source.baseAddress!, buffer.baseAddress!)
        Parallel.run(chunks: chunks) { chunk in
          for index in Parallel.chunk(chunk, of: chunks, total: planes) {
            let (a, b) = (scale[index % channels], shift[index % channels])
            let (x, y) = (from + index * plane, to + index * plane)
            for i in 0..<plane { y[i] = x[i] * a + b }
          }
        }
      }
      count = input.data.count
    }
    return Tensor(shape: input.shape, data: data)
  }

  /// Cross-channel LRN as in Caffe and AlexNet: x / (k + α/n · Σ x²)^β over `size` channels
  /// centred on the channel.
  static func localResponseNorm(_ input: Tensor, _ lrn: LocalResponseNorm) -> Tensor {
    let size = lrn.size
    var output = input
    let plane = input.plane
    let channels = input.channels
    let batch = input.batch
    let (alpha, beta, k) = (Float(lrn.alpha.doubleValue), Float(lrn.beta.doubleValue), Float(lrn.k.doubleValue))
    var squares = [Float](repeating: 0, count: plane)
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { target in
        for sample in 0..<batch {
          let base = sample * channels * plane
          for c in 0..<channels {
            // Σ x² over channels max(0, c − (size−1)/2) … min(C−1, c + size/2), in channel order.
            for i in 0..<plane { squares[i] = 0 }
            for other in max(0, c - (size - 1) / 2)...min(channels - 1, c + size / 2) {
              let row = source.baseAddress! + base + other * plane
              for i in 0..<plane { squares[i] += row[i] * row[i] }
            }
            let row = base + c * plane
            for i in 0..<plane {
              target[row + i] = source[row + i] / pow(k + alpha / Float(size) * squares[i], beta)
            }
          }
        }
      }
    }
    return output
  }
}
