import CNNKernelSet
import CNNReference

extension KernelSelection {
  /// The kernel set `CNNCALC_KERNELS` asks for (the best available when unset), or a usage error
  /// naming the sets this build and processor have: a bad request is reported before any work,
  /// never replaced silently.
  static func requestedOrUsageError() throws(UsageError) -> KernelSet {
    switch requested {
    case .success(let kernels): return kernels
    case .failure(let error): throw UsageError(message: error.description)
    }
  }
}
