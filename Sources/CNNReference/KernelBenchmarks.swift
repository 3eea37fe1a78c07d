import CNNKernelSet
import Dispatch

/// Timing entry points for the benchmark executable (`cnncalc-benchmarks gemm`).
public enum KernelBenchmarks {
  /// GFLOP/s of C += A·B for an m × k by k × n product, best of `repeats`.
  public static func gemm(
    m: Int, n: Int, k: Int, threads: Int, repeats: Int = 5, kernels: KernelSet = KernelSelection.preferred
  ) -> Double {
    var random = SeededRandom(seed: 1, stream: 0)
    let a = random.uniform(m * k, scale: 1)
    let b = random.uniform(k * n, scale: 1)
    var c = [Float](repeating: 0, count: m * n)
    var best = 0.0
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            GEMM.multiply(
              m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n,
              threads: threads, kernels: kernels)
          }
        }
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      best = max(best, 2 * Double(m) * Double(n) * Double(k) / seconds / 1e9)
    }
    return best
  }
}
