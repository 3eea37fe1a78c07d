import CNNCommand
import CNNFuzz
import CNNGraph
import CNNSpec
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Runs the tool in-process from the package root, so paths in output are relative and stable.
func run(_ arguments: [String]) -> (code: Int32, out: String, error: String) {
  let capture = OutputCapture()
  let previous = FileManager.default.currentDirectoryPath
  FileManager.default.changeCurrentDirectoryPath(packageRoot.path)
  defer { FileManager.default.changeCurrentDirectoryPath(previous) }
  let code = Tool(environment: capture.environment).run(arguments)
  return (code, capture.out, capture.error)
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Compares `text` with a golden file; with CNNCALC_RECORD=1 rewrites it and fails, so recording is
/// always deliberate and followed by a review of the diff.
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let url = packageRoot.appendingPathComponent("Tests/CNNCommandTests/Golden/\(name)")
  if ProcessInfo.processInfo.environment["CNNCALC_RECORD"] == "1" {
    try text.write(to: url, atomically: true, encoding: .utf8)
    Issue.record(
      "recorded \(name); review the diff and run again without CNNCALC_RECORD", sourceLocation: sourceLocation)
    return
  }
  let expected = try String(contentsOf: url, encoding: .utf8)
  #expect(text == expected, "differs from Golden/\(name)", sourceLocation: sourceLocation)
}

/// The command line end to end: golden outputs for every format and exit codes for every path.
/// Serialized because the commands run with the package root as working directory.
@Suite(.serialized) struct CommandTests {
  @Test(arguments: [
    (["lenet5"], "summary-lenet5.txt"),
    (["summary", "lenet5", "--exact"], "summary-lenet5-exact.txt"),
    (["lenet5", "--format", "markdown"], "summary-lenet5.md"),
    (["lenet5", "--format", "csv"], "summary-lenet5.csv"),
    (["lenet5", "--format", "json"], "summary-lenet5.json"),
    (["alexnet"], "summary-alexnet.txt"),
    (["alexnet", "--format", "json"], "summary-alexnet.json"),
    (["fit", "specs/alexnet-224.cnn"], "fit-alexnet-224.txt"),
    (["fit", "resnet50"], "fit-resnet50.txt"),
    (["zoo"], "zoo.txt"),
    (["--help"], "help.txt"),
    (["help", "verify"], "help-verify.txt"),
    (["help", "fit"], "help-fit.txt"),
    (["help", "diff"], "help-diff.txt"),
    (["help", "graph"], "help-graph.txt"),
    (["help", "chart"], "help-chart.txt"),
    (["help", "report"], "help-report.txt"),
  ])
  func goldenOutput(arguments: [String], golden: String) throws {
    let result = run(arguments)
    #expect(result.code == 0, "\(result.error)")
    try expectGolden(result.out, golden)
  }

  @Test func paperAlexNetWarnsAtConv1() throws {
    let result = run(["specs/alexnet-224.cnn"])
    #expect(result.code == 0, "warnings do not fail a summary")
    try expectGolden(result.error, "summary-alexnet-224.stderr")
  }

  @Test(arguments: [("text", "check-specs.txt"), ("github", "check-specs.github"), ("json", "check-specs.json")])
  func checkFormats(format: String, golden: String) throws {
    let result = run(["check", "--format", format, "specs"])
    #expect(result.code == 0)
    try expectGolden(result.out, golden)
  }

  @Test func strictCheckFailsOnTheTruncationWarning() throws {
    let result = run(["check", "--strict", "specs"])
    let specs = try FileManager.default.contentsOfDirectory(atPath: packageRoot.path + "/specs").filter {
      $0.hasSuffix(".cnn")
    }.count
    #expect(result.code == 1)
    // Only alexnet-224 fails: its truncation warning is an error under --strict.
    #expect(result.out.hasSuffix("\(specs) specs checked: \(specs - 1) passed, 1 failed (specs/alexnet-224.cnn)\n"))
  }

  /// Issue 7: the U-Net, WaveNet and FPN examples pass a strict check with no allowance; a real
  /// offset fails it until a comment on its line allows it, and `--verbose` still lists it.
  @Test func designedMergesPassStrictAndAllowancesWork() throws {
    for example in ["unet", "unet-nearest", "wavenet", "fpn"] {
      let result = run(["check", "--strict", "docs/examples/\(example).cnn"])
      #expect(result.code == 0, "\(example): \(result.out)")
      #expect(
        !(try String(contentsOfFile: packageRoot.path + "/docs/examples/\(example).cnn", encoding: .utf8))
          .contains(Allowances.marker))
    }
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let spec = "input x 8x32x32\na: conv 8 k5 p2\nb = from x | crop p=1:0 | pad p=0:1\nm: add a b"
    let shifted = folder.appendingPathComponent("shifted.cnn")
    try (spec + "\n").write(to: shifted, atomically: true, encoding: .utf8)
    let failing = run(["check", "--strict", shifted.path])
    #expect(failing.code == 1)
    #expect(failing.out.contains("[rf-misaligned]"))
    let allowed = folder.appendingPathComponent("allowed.cnn")
    try (spec + "   # cnncalc: allow rf-misaligned, truncation\n").write(to: allowed, atomically: true, encoding: .utf8)
    #expect(run(["check", "--strict", allowed.path]).code == 0)
    let verbose = run(["check", "--strict", "--verbose", allowed.path])
    #expect(verbose.out.contains("note: m merges paths that look at different places"))
    #expect(verbose.out.contains("(allowed by a comment on this line) [rf-misaligned]"))
  }

  /// Issue 7: after an error the totals are "not computed", never zeros; JSON says `complete: false`,
  /// where it stopped, nulls for totals and which expect lines were not evaluated; and a bad expect
  /// line does not hide the other expect lines.
  @Test func incompleteAnalysisSaysSo() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let broken = folder.appendingPathComponent("broken.cnn")
    try "input x 3x8x8\nc1: conv 4 k3\nc: conv 8 k9\nfc 10\nexpect params <= 10\nexpect c1 4x6x6\nexpect c 8x1x1\n"
      .write(to: broken, atomically: true, encoding: .utf8)
    let table = run([broken.path])
    #expect(table.code == 1)
    #expect(
      table.out.contains(
        "Totals not computed: the analysis stopped at c (1 of 3 layers computed); 2 expect lines were not evaluated"))
    #expect(!table.out.contains("params           0"))
    let json = run([broken.path, "--format", "json"]).out
    #expect(json.contains("\"complete\": false"))
    #expect(json.contains("\"stopped_at\": \"c\""))
    #expect(json.contains("\"params\": null"))
    #expect(json.contains("{ \"line\": 5, \"text\": \"expect params <= 10\" }"))
    #expect(json.contains("{ \"line\": 7, \"text\": \"expect c 8x1x1\" }"))
    #expect(run([broken.path, "--format", "csv"]).out.contains("# incomplete: the analysis stopped at c"))
    let expects = folder.appendingPathComponent("expects.cnn")
    try "input x 3x8x8\nconv 8 k3\nexpect hed 8x6x6\nexpect params <= 10\nexpect macs <= 10\n"
      .write(to: expects, atomically: true, encoding: .utf8)
    let checked = run(["check", expects.path]).out
    #expect(checked.contains("unknown layer 'hed'"))
    #expect(checked.contains("expected params <= 10, actual 224"))
    #expect(checked.contains("expected macs <= 10, actual 7,776"))
  }

  @Test func exitCodes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let broken = folder.appendingPathComponent("broken.cnn")
    try "input x 3x8x8\nconv 8 k3\nexpect params 1\n".write(to: broken, atomically: true, encoding: .utf8)
    let binary = folder.appendingPathComponent("junk.cnn")
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: binary)

    #expect(run(["--version"]).code == 0)
    #expect(run(["--help"]).code == 0)
    #expect(run([]).code == 2)
    #expect(run(["lenet5", "--bogus"]).code == 2)
    #expect(run(["lenet5", "--format", "yaml"]).code == 2)
    #expect(run(["lenet5", "--batch", "0"]).code == 2)
    #expect(run(["no/such/file.cnn"]).code == 2)
    #expect(run(["lenet"]).error.contains("did you mean the zoo spec 'lenet5'?"))
    #expect(run(["export", "lenet5", "--format", "csv"]).code == 2)
    #expect(run(["frobnicate"]).error.contains("no such file or zoo spec"))
    let failed = run([broken.path])
    #expect(failed.code == 1)
    #expect(failed.error.contains("expected params 1, actual 224 (+223, +22300%)"))
    let junk = run(["check", binary.path, broken.path])
    #expect(junk.code == 1)
    #expect(junk.out.hasSuffix("2 specs checked: 0 passed, 2 failed (\(binary.path), \(broken.path))\n"))
    // Under --input the spec's expect lines (stated for 1x32x32) are skipped with one note.
    let overridden = run(["lenet5", "--input", "1x28x28"])
    #expect(overridden.code == 0)
    #expect(overridden.error.contains("expect lines are not judged: they were stated for the declared input"))
    // Issue 7: --batch keeps the batch-free expect lines; a wrong input name or rank is an error.
    #expect(run(["resnet50", "--batch", "8"]).code == 0)
    let misnamed = run(["resnet50", "--input", "data=3x100x100"])
    #expect(misnamed.code == 1)
    #expect(misnamed.error.contains("--input names 'data', which is not an input of this spec (its inputs: image)"))
    let flat = run(["resnet50", "--input", "224x224"])
    #expect(flat.code == 1)
    #expect(flat.error.contains("--input 224x224 has 2 axes, but 'image' is declared with 3 (3x224x224)"))
    // verify and diff do not judge expect lines: LeNet at 36x36 fails its shape expectations but
    // runs; a broken spec in JSON mode still says why on stderr.
    #expect(run(["verify", "lenet5", "--input", "1x36x36"]).code == 0)
    let brokenJSON = run([broken.path, "--format", "json"])
    #expect(brokenJSON.code == 1)
    #expect(brokenJSON.out.contains("\"code\": \"expect-failed\""), "the report carries its diagnostics")
    let unparsable = folder.appendingPathComponent("unparsable.cnn")
    try "input x 3x8x8\ncnv 8 k3\n".write(to: unparsable, atomically: true, encoding: .utf8)
    #expect(run([unparsable.path, "--format", "json"]).error.contains("unknown layer type 'cnv'"))
  }

  @Test func verify() {
    let result = run(["verify", "lenet5", "--threads", "2"])
    #expect(result.code == 0)
    #expect(
      result.out.contains(
        "lenet5: 12 layers, shapes, receptive fields and memory agree; fields: 11 compared, "
          + "1 not compared (1 irregular field); peak 23 KiB as calculated"))
    let refused = run(["verify", "lenet5", "--max-memory", "1KiB"])
    #expect(refused.code == 1)
    #expect(refused.error.contains("raise the limit with --max-memory"))
    let checksums = [1, 2].map { threads in
      run(["verify", "lenet5", "--threads", "\(threads)"]).out.split(separator: " ").last.map(String.init)
    }
    #expect(checksums[0] == checksums[1], "bit-identical outputs for 1 and 2 threads")
  }

  /// bench lists the five slowest layers, or with --verbose every layer in network order (LeNet-5's
  /// twelve: c1, its ReLU, s2, … output_layer), each with a time and, where it has multiply-adds,
  /// GFLOP/s.
  @Test func benchListsLayers() {
    let short = run(["bench", "lenet5", "--runs", "3", "--threads", "1"])
    #expect(short.code == 0)
    #expect(short.out.contains("slowest layers:"))
    let verbose = run(["bench", "lenet5", "--runs", "3", "--threads", "1", "--verbose"])
    #expect(verbose.code == 0)
    let lines = verbose.out.split(separator: "\n")
    guard let start = lines.firstIndex(of: "  every layer:") else {
      Issue.record("no layer list in \(verbose.out)")
      return
    }
    let listed = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }
    #expect(listed.count == 12)
    #expect(listed.first?.hasPrefix("    c1: ") == true && listed.first?.hasSuffix(" GFLOP/s") == true)
    #expect(listed.last?.hasPrefix("    output_layer") == true)
  }

  /// A batch norm and ReLU after a convolution run inside it: listed as such, left out of the time
  /// per operator and counted; `--unfused` times them as layers of their own.
  @Test func benchNamesTheLayersRunInsideConvolutions() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let spec = folder.appendingPathComponent("fused.cnn")
    try "input x 3x16x16\na: conv 8 k3 p1 | bn | relu\nb: conv 8 k3 p1 | sigmoid\n".write(
      to: spec, atomically: true, encoding: .utf8)
    let fused = run(["bench", spec.path, "--runs", "3", "--threads", "1", "--verbose"])
    #expect(fused.code == 0, "\(fused.error)")
    #expect(fused.out.contains("    a.bn: inside a\n    a.relu: inside a\n    b: "))
    #expect(fused.out.contains("  fused into the layer before: bn ×1, relu ×1\n"))
    let operators = fused.out.split(separator: "\n").first { $0.hasPrefix("  time by operator: ") } ?? ""
    #expect(operators.contains("conv ") && !operators.contains("bn ") && !operators.contains("relu "))
    let unfused = run(["bench", spec.path, "--runs", "3", "--threads", "1", "--verbose", "--unfused"])
    #expect(unfused.code == 0)
    #expect(unfused.out.contains("    a.bn: ") && !unfused.out.contains("inside"))
    let unfusedOperators = unfused.out.split(separator: "\n").first { $0.hasPrefix("  time by operator: ") } ?? ""
    #expect(unfusedOperators.contains("bn ") && unfusedOperators.contains("relu "))
  }

  /// A 3 × 3 convolution of 128 channels into 128 runs as Winograd F(2 × 2, 3 × 3) in bench and
  /// says so, the 3-channel one before it does not; `--no-winograd` and `--unfused` run it directly.
  @Test func benchMarksWinogradLayers() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let spec = folder.appendingPathComponent("winograd.cnn")
    try "input x 3x12x12\na: conv 128 k3 p1 | relu\nb: conv 128 k3 p1 | relu\n".write(
      to: spec, atomically: true, encoding: .utf8)
    let bench = run(["bench", spec.path, "--runs", "3", "--threads", "1", "--verbose"])
    #expect(bench.code == 0, "\(bench.error)")
    let lines = bench.out.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("    a: ") && !$0.hasSuffix("(Winograd)") })
    #expect(lines.contains { $0.hasPrefix("    b: ") && $0.hasSuffix(" GFLOP/s (Winograd)") })
    #expect(lines.contains { $0.hasPrefix("  Winograd F(2×2, 3×3): 1 layer (") })
    for option in ["--no-winograd", "--unfused"] {
      let direct = run(["bench", spec.path, "--runs", "3", "--threads", "1", "--verbose", option])
      #expect(direct.code == 0, "\(direct.error)")
      #expect(!direct.out.contains("Winograd"), "\(option)")
    }
    let json = run(["bench", spec.path, "--runs", "3", "--threads", "1", "--format", "json"])
    #expect(json.out.contains("\"winograd_layers\": 1}"))
  }

  @Test func inputBatchAndDtypeOverrides() {
    let result = run(["lenet5", "--input", "1x36x36", "--batch", "2", "--dtype", "f16", "--format", "csv"])
    #expect(result.out.contains("c1,0,conv k5,image,2x6x32x32,156,0,"))
  }
}

/// diff, export and the CI formats of check.
@Suite(.serialized) struct CIFormatTests {
  @Test(arguments: [("table", "diff-alexnet.txt"), ("markdown", "diff-alexnet.md"), ("json", "diff-alexnet.json")])
  func diffFormats(format: String, golden: String) throws {
    let result = run(["diff", "specs/alexnet-224.cnn", "specs/alexnet.cnn", "--format", format])
    #expect(result.code == 0, "\(result.error)")
    try expectGolden(result.out, golden)
  }

  /// AlexNet at 224 and at 227 differ only in conv1's and later shapes and in MACs: conv1 has
  /// 54² instead of 55² positions, 96 · 363 MACs each (Krizhevsky et al. 2012; issue #2).
  @Test func diffOfPaperAndTrainedAlexNet() throws {
    let result = run(["diff", "specs/alexnet-224.cnn", "specs/alexnet.cnn", "--format", "json"])
    let conv1Difference: Int = (55 * 55 - 54 * 54) * 96 * 363
    let old: Int = 724_406_816 - conv1Difference
    #expect(result.out.contains("\"macs\": { \"old\": \(old), \"new\": 724406816"))
  }

  @Test func diffNeedsTwoSpecs() {
    #expect(run(["diff", "lenet5"]).code == 2)
  }

  @Test func exportWritesAJSONSpecEveryCommandReads() throws {
    let exported = run(["export", "lenet5", "--format", "json"])
    #expect(exported.code == 0)
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("lenet5.json")
    try exported.out.write(to: file, atomically: true, encoding: .utf8)
    #expect(run(["check", folder.path]).out.hasSuffix("1 spec checked: 1 passed, 0 failed\n"))
    #expect(run([file.path, "--format", "csv"]).out == run(["lenet5", "--format", "csv"]).out)
  }

  /// A folder with junk, an unreadable file, a symbolic-link loop and an enormous file: each gets
  /// a file-level or located error and the rest are still checked. The JUnit report parses back.
  @Test func hostileFolder() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnncalc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let junk: [UInt8] = (0..<2000).map { (index: Int) -> UInt8 in UInt8(truncatingIfNeeded: index &* 131 &+ 7) }
    try Data(junk).write(to: folder.appendingPathComponent("junk.cnn"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("sub/loop").path, withDestinationPath: folder.path)
    let big = folder.appendingPathComponent("big.cnn")
    FileManager.default.createFile(atPath: big.path, contents: Data(count: 17 << 20))
    let locked = folder.appendingPathComponent("locked.cnn")
    try "input x 1x4\nrelu\n".write(to: locked, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)
    let good = folder.appendingPathComponent("sub/good.cnn")
    try "input x 1x8\nconv 2 k3\n".write(to: good, atomically: true, encoding: .utf8)
    let junit = folder.appendingPathComponent("report.xml")

    let result = run(["check", folder.path, "--junit", junit.path])
    #expect(result.code == 2, "an unreadable file is exit 2")
    #expect(result.error.contains("big.cnn: is larger than 16 MiB"))
    #expect(result.out.contains("junk.cnn:1:"))
    let readable = getuid() == 0  // root reads files whatever their permissions
    // Only junk.cnn fails; big.cnn (and locked.cnn when not root) could not be read, so they are
    // neither checked nor failed, only listed as not checked.
    #expect(result.out.contains("\(readable ? 3 : 2) specs checked: \(readable ? 2 : 1) passed, 1 failed ("))
    #expect(
      result.out.hasSuffix(
        "; not checked: \(folder.path)/big.cnn\(readable ? "" : ", \(folder.path)/locked.cnn")\n"))

    let data = try Data(contentsOf: junit)
    let parser = XMLParser(data: data)
    let collector = JUnitCollector()
    parser.delegate = collector
    #expect(parser.parse(), "the JUnit report is well-formed XML")
    #expect(collector.testCases.count == 4)
    #expect(collector.failures == (readable ? 2 : 3))
    #expect(collector.testCases.contains { $0.hasSuffix("sub/good.cnn") })
  }
}

/// Counts test cases and failures in a JUnit XML report.
final class JUnitCollector: NSObject, XMLParserDelegate, @unchecked Sendable {
  // Unchecked Sendable: used by one parser on one thread.
  var testCases: [String] = []
  var failures = 0

  func parser(
    _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    if element == "testcase" { testCases.append(attributes["name"] ?? "") }
    if element == "failure" { failures += 1 }
  }
}
