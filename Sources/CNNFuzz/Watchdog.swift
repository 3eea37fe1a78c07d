import Foundation

/// Ends the process when a case runs too long or the process grows too large, after writing the
/// case's index to `folder/hang` or `folder/memory`: in-process fuzzing cannot interrupt a case.
public final class Watchdog: @unchecked Sendable {
  // The lock guards `index` and `started`, shared with the watching thread.
  private let lock = NSLock()
  private var index: Int?
  private var started = Date()
  private let folder: String
  private let timeLimit: Double
  private let memoryLimit: Int

  /// Watches with the given limits (seconds, bytes of resident memory).
  public init(folder: String, timeLimit: Double, memoryLimit: Int) {
    self.folder = folder
    self.timeLimit = timeLimit
    self.memoryLimit = memoryLimit
    let thread = Thread { [self] in self.watch() }
    thread.start()
  }

  func begin(_ index: Int) {
    lock.withLock {
      self.index = index
      started = Date()
    }
  }

  func end() { lock.withLock { index = nil } }

  private func watch() {
    while true {
      Thread.sleep(forTimeInterval: 0.05)
      let (current, elapsed) = lock.withLock { (index, Date().timeIntervalSince(started)) }
      guard let current else { continue }
      if elapsed > timeLimit { stop(current, "hang", code: 3) }
      if Self.residentBytes() > memoryLimit { stop(current, "memory", code: 4) }
    }
  }

  private func stop(_ index: Int, _ what: String, code: Int32) -> Never {
    try? "\(index)\n".write(toFile: "\(folder)/\(what)", atomically: true, encoding: .utf8)
    FileHandle.standardError.write(Data("cnncalc-fuzz: case \(index): \(what)\n".utf8))
    exit(code)
  }

  /// Resident memory from /proc/self/statm (Linux); 0 where unavailable.
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }
}
