import Foundation
import Testing

@testable import CNNFuzz

/// The project's fuzzer, briefly: a fixed seed, a few hundred generated and mutated cases (text,
/// JSON, and damaged ONNX and prototxt files from the import fixtures) through every oracle — exit codes, located errors, check against summary, determinism,
/// export → import identity, verify on generated networks. A crash kills the test process, so the
/// run fails loudly. `scripts/fuzz.sh --cases 1000000` runs the long campaign (docs/robustness.md).
@Suite struct FuzzTests {
  @Test func briefCampaignFindsNothing() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnncalc-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let cases = ProcessInfo.processInfo.environment["CNNCALC_FUZZ_CASES"].flatMap { Int($0) } ?? 400
    let corpus = ModelCorpus.load(folder: Self.fixtures)
    #expect(corpus.files.count >= 25, "the import fixtures are the model corpus")
    let result = Campaign(seed: 20261123, start: 0, count: cases, folder: folder.path, timeLimit: 30, corpus: corpus)
      .run()
    for (index, kind, finding) in result.findings {
      Issue.record(
        "case \(index) (\(kind.rawValue)): \(finding) — replay: cnncalc-fuzz --seed 20261123 --corpus Tests/CNNImportTests/Fixtures --case \(index)"
      )
    }
    #expect(result.cases == cases)
    // The generator must reach the analysis, not only the parser's error paths.
    #expect(result.clean * 4 >= cases, "only \(result.clean) of \(cases) cases analysed cleanly")
    for kind in FuzzCase.Kind.allCases { #expect((result.byKind[kind] ?? 0) > 0, "no \(kind.rawValue) case ran") }
  }

  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("CNNImportTests/Fixtures").path

  /// Every case is a pure function of its index and seed: a finding replays exactly.
  @Test func casesReplay() {
    for index in [0, 1, 77, 1025] {
      #expect(FuzzCase(index: index, seed: 3).bytes == FuzzCase(index: index, seed: 3).bytes)
    }
    #expect(FuzzCase(index: 5, seed: 3).bytes != FuzzCase(index: 6, seed: 3).bytes)
    let corpus = ModelCorpus.load(folder: Self.fixtures)
    for index in 0..<40 {
      let once = FuzzCase(index: index, seed: 3, corpus: corpus)
      #expect(once.bytes == FuzzCase(index: index, seed: 3, corpus: corpus).bytes)
      if once.origin == nil { #expect(once.bytes == FuzzCase(index: index, seed: 3).bytes) }
    }
  }

  /// The protobuf mutator keeps a file it does not change byte for byte (parse and write back are
  /// inverse on a well-formed model), and its mutations change the file.
  @Test func protobufTreeRoundTrips() throws {
    let corpus = ModelCorpus.load(folder: Self.fixtures)
    let models = corpus.files.filter { $0.fileExtension == "onnx" }
    #expect(!models.isEmpty)
    for model in models {
      let fields = try #require(ProtoField.parse(model.bytes[...], depth: 0), "\(model.name)")
      #expect(ProtoField.serialize(fields) == model.bytes, "\(model.name)")
    }
    var changed = 0
    for seed in 0..<20 {
      var mutator = ProtoMutator(seed: UInt64(seed))
      if mutator.mutate(models[0].bytes) != models[0].bytes { changed += 1 }
    }
    #expect(changed >= 18)
  }
}
