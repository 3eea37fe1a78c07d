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
  /// Model files to damage (none: spec and JSON cases only).
  public var corpus: ModelCorpus

  public init(
    seed: UInt64, start: Int, count: Int, folder: String, timeLimit: Double = 5, corpus: ModelCorpus = .empty
  ) {
    self.corpus = corpus
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
      let fuzzCase = FuzzCase(index: index, seed: seed, corpus: corpus)
      try? "\(index) \(fuzzCase.kind.rawValue) \(fuzzCase.fileExtension)\n".write(
        toFile: "\(folder)/current", atomically: false, encoding: .utf8)
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
