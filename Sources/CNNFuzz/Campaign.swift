import Foundation

/// Runs fuzz cases `start ..< start + count` of one seed and collects what they find.
///
/// In-process, so that a million cases take minutes; a crash ends the process, which is why the
/// case under way is written to `folder/current` first (scripts/fuzz.sh reads it, keeps the case
/// and resumes after it). Hangs and memory blow-ups are caught by `Watchdog` when it is armed.
public struct Campaign {
  public var seed: UInt64
  public var start: Int
  public var count: Int
  /// Scratch folder: the case's files and `current`.
  public var folder: String
  /// A case running longer than this is a finding (seconds).
  public var timeLimit: Double

  public init(seed: UInt64, start: Int, count: Int, folder: String, timeLimit: Double = 5) {
    self.seed = seed
    self.start = start
    self.count = count
    self.folder = folder
    self.timeLimit = timeLimit
  }

  /// What a campaign saw.
  public struct Result: Sendable {
    public var cases = 0
    public var byKind: [FuzzCase.Kind: Int] = [:]
    /// Cases whose spec analysed without errors.
    public var clean = 0
    public var findings: [(index: Int, kind: FuzzCase.Kind, finding: Finding)] = []
    public var slowest: (index: Int, seconds: Double) = (0, 0)
    public var seconds = 0.0
  }

  /// Runs the cases; `watchdog`, when given, is told each case's start.
  public func run(watchdog: Watchdog? = nil, progress: ((Result) -> Void)? = nil) -> Result {
    var result = Result()
    let oracle = Oracle(folder: folder)
    let began = Date()
    for index in start..<(start + count) {
      let fuzzCase = FuzzCase(index: index, seed: seed)
      try? "\(index) \(fuzzCase.kind.rawValue)\n".write(toFile: "\(folder)/current", atomically: false, encoding: .utf8)
      watchdog?.begin(index)
      let caseStart = Date()
      let judgement = oracle.judge(fuzzCase)
      var findings = judgement.findings
      let seconds = Date().timeIntervalSince(caseStart)
      watchdog?.end()
      if seconds > timeLimit {
        findings.append(Finding(oracle: "time", detail: String(format: "%.1f s", seconds)))
      }
      if seconds > result.slowest.seconds { result.slowest = (index, seconds) }
      result.cases += 1
      result.byKind[fuzzCase.kind, default: 0] += 1
      if judgement.clean { result.clean += 1 }
      result.findings += findings.map { (index, fuzzCase.kind, $0) }
      if result.cases % 1000 == 0 {
        result.seconds = Date().timeIntervalSince(began)
        progress?(result)
      }
    }
    result.seconds = Date().timeIntervalSince(began)
    return result
  }
}

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
