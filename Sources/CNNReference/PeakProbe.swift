import Dispatch

/// Measures the machine's fp32 fused multiply-add throughput: independent SIMD16 accumulators,
/// enough of them to cover the FMA latency, on `threads` threads. The ratio of a network's
/// GFLOP/s to this figure says how much of the hardware the engine uses.
public enum PeakProbe {
  /// Peak GFLOP/s (2 flops per lane per FMA), the best of `repeats` runs.
  public static func gigaflops(threads: Int, repeats: Int = 5) -> Double {
    let iterations = 20_000_000 / 16
    var best = 0.0
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      Parallel.run(chunks: threads) { chunk in
        let sink = kernel(iterations: iterations, seed: Float(chunk + 1))
        if sink == .infinity { print(sink) }  // keeps the loop from being optimised away
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let flops = Double(iterations) * 16 * 16 * 2 * Double(threads)
      best = max(best, flops / seconds / 1e9)
    }
    return best
  }

  @inline(never)
  static func kernel(iterations: Int, seed: Float) -> Float {
    // Sixteen independent accumulators cover the FMA latency of both vector pipes.
    let a = SIMD16<Float>(repeating: 0.999_999)
    let b = SIMD16<Float>(repeating: 1e-7 * seed)
    var c0 = SIMD16<Float>(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
    var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11, c12 = c0 + 12
    var c13 = c0 + 13, c14 = c0 + 14, c15 = c0 + 15
    for _ in 0..<iterations {
      step(&c0, a, b); step(&c1, a, b); step(&c2, a, b); step(&c3, a, b)
      step(&c4, a, b); step(&c5, a, b); step(&c6, a, b); step(&c7, a, b)
      step(&c8, a, b); step(&c9, a, b); step(&c10, a, b); step(&c11, a, b)
      step(&c12, a, b); step(&c13, a, b); step(&c14, a, b); step(&c15, a, b)
    }
    let sum = (c0 + c1 + c2 + c3) + (c4 + c5 + c6 + c7) + (c8 + c9 + c10 + c11) + (c12 + c13 + c14 + c15)
    return sum.sum()
  }

  @inline(__always)
  static func step(_ c: inout SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) {
    #if arch(x86_64)
      c.addProduct(a, b)
    #else
      c = c * a + b
    #endif
  }
}
