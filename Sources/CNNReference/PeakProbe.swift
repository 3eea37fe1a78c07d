import CNNKernelSet
import Dispatch

/// Measures fp32 multiply-add throughput with a kernel set's vectors: sixteen independent
/// accumulators, enough to cover the latency of 512-bit FMAs, on `threads` threads. With the best
/// set the processor runs (`KernelSelection.available[0]`) this is the machine's peak, and the
/// ratio of a network's GFLOP/s to it says how much of the hardware the engine uses.
public enum PeakProbe {
  /// Peak GFLOP/s (2 flops per lane per multiply-add), the best of `repeats` runs.
  public static func gigaflops(
    threads: Int, repeats: Int = 5, kernels: KernelSet = KernelSelection.available[0]
  ) -> Double {
    // 640 million flops per thread (20 million 16-lane multiply-adds), whatever the set's width.
    let iterations = 640_000_000 / kernels.flopsPerPeakIteration
    let peakLoop = kernels.peakLoop
    var best = 0.0
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      Parallel.run(chunks: threads) { chunk in
        let sink = peakLoop(iterations, Float(chunk + 1))
        if sink == .infinity { print(sink) }  // keeps the loop from being optimised away
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let flops = Double(iterations) * Double(kernels.flopsPerPeakIteration) * Double(threads)
      best = max(best, flops / seconds / 1e9)
    }
    return best
  }
}
