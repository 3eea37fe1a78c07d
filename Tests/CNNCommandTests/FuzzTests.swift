import CNNFuzz
import Foundation
import Testing

/// The project's fuzzer, briefly: a fixed seed, a few hundred generated and mutated cases (text and
/// JSON) through every oracle — exit codes, located errors, check against summary, determinism,
/// export → import identity, verify on generated networks. A crash kills the test process, so the
/// run fails loudly. `scripts/fuzz.sh --cases 1000000` runs the long campaign (docs/robustness.md).
@Suite struct FuzzTests {
  @Test func briefCampaignFindsNothing() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnncalc-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let cases = ProcessInfo.processInfo.environment["CNNCALC_FUZZ_CASES"].flatMap { Int($0) } ?? 400
    let result = Campaign(seed: 20261123, start: 0, count: cases, folder: folder.path, timeLimit: 30).run()
    for (index, kind, finding) in result.findings {
      Issue.record(
        "case \(index) (\(kind.rawValue)): \(finding) — replay: cnncalc-fuzz --seed 20261123 --case \(index)")
    }
    #expect(result.cases == cases)
    // The generator must reach the analysis, not only the parser's error paths.
    #expect(result.clean * 4 >= cases, "only \(result.clean) of \(cases) cases analysed cleanly")
    for kind in FuzzCase.Kind.allCases { #expect((result.byKind[kind] ?? 0) > 0, "no \(kind.rawValue) case ran") }
  }

  /// Every case is a pure function of its index and seed: a finding replays exactly.
  @Test func casesReplay() {
    for index in [0, 1, 77, 1025] {
      #expect(FuzzCase(index: index, seed: 3).bytes == FuzzCase(index: index, seed: 3).bytes)
    }
    #expect(FuzzCase(index: 5, seed: 3).bytes != FuzzCase(index: 6, seed: 3).bytes)
  }
}
