/// Process-wide allocator settings for engine runs.
public enum Allocator {
  /// Keeps freed activation buffers in the heap for reuse instead of returning them to the system:
  /// glibc otherwise serves large tensors with fresh `mmap`s whose first touch page-faults on every
  /// forward pass (10–15 % of ResNet-50's time here). Called by `verify` and `bench`; a no-op off
  /// Linux.
  public static func keepFreedMemory() {
    #if os(Linux)
      // glibc's <malloc.h> parameters: M_TRIM_THRESHOLD −1, M_TOP_PAD −2, M_MMAP_THRESHOLD −3.
      _ = glibcMallopt(-3, 512 << 20)
      _ = glibcMallopt(-1, Int32.max)
      _ = glibcMallopt(-2, 256 << 20)
    #endif
  }
}

#if os(Linux)
  /// glibc's `mallopt`, which the Glibc module does not export (it lives in <malloc.h>).
  @_silgen_name("mallopt")
  private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
