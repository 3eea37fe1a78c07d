import CNNCommand
import CNNFuzz
import CNNReport
import CNNZoo
import Foundation
import Testing

/// The report a person reads (issue 11): widths, columns, depth, connections, shares, the tally.
@Suite(.serialized) struct ReadingTests {
  @Test(arguments: [
    (["lenet5", "--width", "80"], "summary-lenet5-80.txt"),
    (["googlenet", "--width", "80"], "summary-googlenet-80.txt"),
    (["googlenet", "--width", "120"], "summary-googlenet-120.txt"),
    (["resnet50", "--depth", "1"], "summary-resnet50-depth1.txt"),
    (["resnet50", "--depth", "2", "--width", "120"], "summary-resnet50-depth2-120.txt"),
    (["vgg16", "--columns", "layer,output,rf,jump,start"], "summary-vgg16-field.txt"),
  ])
  func goldenViews(arguments: [String], golden: String) throws {
    let result = run(arguments)
    #expect(result.code == 0, "\(result.error)")
    try expectGolden(result.out, golden)
  }

  /// No drawn line is wider than asked, for every zoo network at every width; every column that
  /// is left out is named under the table; without a width nothing is left out.
  @Test func tablesFitTheWidth() throws {
    for spec in Zoo.specs {
      for width in [60, 80, 100, 120] {
        let result = run([spec.name, "--width", "\(width)"])
        #expect(result.code == 0, "\(spec.name)")
        let table = result.out.split(separator: "\n").filter { $0.hasPrefix("|") || $0.hasPrefix("+") }
        let widest = table.map(\.count).max() ?? 0
        #expect(widest <= width, "\(spec.name) at \(width): a line of \(widest)")
        let header = try #require(table.dropFirst().first)
        let note = result.out.split(separator: "\n").first { $0.hasPrefix("(") && $0.contains("hidden to fit") }
        for column in SummaryColumn.allCases where column != .from && !header.contains(column.header) {
          #expect(note?.contains(column.header) == true, "\(spec.name) at \(width): \(column.header) hidden silently")
        }
      }
      let whole = run([spec.name])
      #expect(!whole.out.contains("hidden to fit"), "\(spec.name): piped output keeps every column")
      for column in SummaryColumn.allCases where column != .from {
        #expect(whole.out.contains(column.header), "\(spec.name): \(column.header)")
      }
    }
  }

  /// `--columns` picks and orders nothing else; an unknown name is a usage error that lists them.
  @Test func columnsChoose() {
    let result = run(["lenet5", "--columns", "layer,macs,rf"])
    let header = result.out.split(separator: "\n")[2]
    #expect(header == "| Layer        |  MACs |        RF |")
    let bad = run(["lenet5", "--columns", "layer,flops"])
    #expect(bad.code == 2)
    #expect(bad.error.contains("unknown column 'flops'") && bad.error.contains("param%"))
  }

  /// ResNet-18 by hand: each basic block is two 3×3 convolutions without bias and two batch
  /// norms; layer1's two blocks of 64 channels hold 2·(2·64·64·9 + 2·2·64) = 147,968 parameters;
  /// at depth 1 that is one row, and at depth 0 the network is one row with the totals.
  @Test func depthFoldsGroups() throws {
    let one = run(["resnet18", "--depth", "1", "--exact", "--columns", "layer,type,params"])
    let rows = one.out.split(separator: "\n").filter { $0.hasPrefix("| ") }.map {
      $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    }
    #expect(
      rows.map(\.[0]) == [
        "Layer", "image", "conv1", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc",
      ])
    #expect(rows.first { $0[0] == "layer1" }?[2] == "147,968")
    let two = run(["resnet18", "--depth", "2", "--columns", "layer,type"])
    #expect(two.out.contains("layer1.0") && two.out.contains("basic, 7 layers"))
    let zero = run(["resnet18", "--depth", "0", "--exact", "--columns", "layer,params,macs"])
    #expect(zero.out.contains("| resnet18 | 11,689,512 | 1,814,073,344 |"))
  }

  /// A merge row names what it merges, a branch row where it starts; a row that reads the row
  /// above says nothing. GoogLeNet's first inception module: four branches from pool2, one concat.
  @Test func connectionsAreShown() {
    let result = run(["googlenet", "--columns", "layer,from"])
    let lines = result.out.split(separator: "\n").map(String.init)
    #expect(
      lines.contains {
        $0.contains("i3a.output") && $0.contains("i3a.b1.relu, i3a.b2.relu_2, i3a.b3.relu_2, i3a.b4.relu")
      })
    func from(_ layer: String) -> String? {
      lines.first { $0.hasPrefix("| \(layer) ") || $0.hasPrefix("|   \(layer) ") }?
        .split(separator: "|").last?.trimmingCharacters(in: .whitespaces)
    }
    #expect(from("i3a.b1") == "", "the first branch reads pool2, the row above")
    #expect(from("i3a.b2") == "pool2")
    #expect(from("i3a.b4") == "pool2")
    #expect(from("i3a.b2.relu") == "")
    // A plain chain has no From column at all.
    #expect(!run(["vgg16"]).out.contains("From"))
  }

  /// Shares against hand arithmetic on AlexNet: fc6 holds 9216·4096 + 4096 = 37,752,832 of
  /// 60,965,224 parameters (61.9%); conv2 does 256·27·27·(48·25) = 223,948,800 of 724,406,816
  /// MACs (30.9%). The three heaviest by MACs are named in the totals.
  @Test func sharesAndHeaviestLayers() {
    let result = run(["alexnet"])
    let fc6 = result.out.split(separator: "\n").first { $0.hasPrefix("| fc6 ") } ?? ""
    #expect(fc6.contains("61.9%"))
    let conv2 = result.out.split(separator: "\n").first { $0.hasPrefix("| conv2 ") } ?? ""
    #expect(conv2.contains("30.9%"))
    #expect(result.out.contains("top MACs         conv2 224M (30.9%), conv3 150M (20.6%), conv4 112M (15.5%)"))
    #expect(result.out.contains("top params       fc6 37.8M (61.9%), fc7 16.8M (27.5%), fc8 4.1M (6.7%)"))
  }

  /// Diagnostics print before the table; a tally after it keeps the reason for the exit code in
  /// sight.
  @Test func diagnosticsAreTalliedAfterTheTable() {
    let warned = run(["specs/alexnet-224.cnn"])
    #expect(warned.error.hasSuffix("alexnet-224: 1 warning, 1 note (above the table)\n"))
    #expect(!run(["lenet5"]).error.contains("above the table"))
  }
}

/// Figures in the user's units: a byte budget fails in binary units with the exact bytes in
/// brackets; CSV carries decimal fields beside the exact fractions.
@Suite(.serialized) struct UnitsTests {
  /// 16×512×512 f32 outputs: 16,777,216 bytes; with the 3×512×512 input live at the same time
  /// (3,145,728 bytes) the peak is 19,922,944 bytes = 19 MiB, 11 MiB over an 8 MiB budget.
  @Test func byteBudgetsSpeakInBinaryUnits() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let spec = folder.appendingPathComponent("budget.cnn")
    try "input x 3x512x512\nconv 16 k3 p1\nexpect peak <= 8MiB\n".write(to: spec, atomically: true, encoding: .utf8)
    let result = run([spec.path])
    #expect(result.code == 1)
    #expect(
      result.error.contains("expected peak <= 8 MiB [8,388,608 B], actual 19 MiB [19,922,944 B] (+11 MiB, +137.5%)"))
  }

  /// LeNet-5's s2 (2×2 average pooling after a 5×5 convolution): field 6, jump 2, start 5/2 = 2.5.
  @Test func csvHasDecimalFields() {
    let result = run(["lenet5", "--format", "csv"])
    let lines = result.out.split(separator: "\n")
    #expect(lines[0].hasSuffix(",rf_size,rf_jump,rf_start,rf_size_decimal,rf_jump_decimal,rf_start_decimal"))
    #expect(lines.first { $0.hasPrefix("s2,") }?.hasSuffix(",6,2,5/2,6,2,2.5") == true)
  }
}

/// `check` as a CI gate (issue 11, item 7): it never passes having checked nothing, counts only
/// JSON files that are cnncalc specs, reports an unreadable path in every format, and names the
/// specs that failed.
@Suite(.serialized) struct CheckGateTests {
  func folder() throws -> URL { try temporaryFolder() }

  @Test func anEmptyFolderFails() throws {
    let empty = try folder()
    defer { try? FileManager.default.removeItem(at: empty) }
    let result = run(["check", empty.path])
    #expect(result.code == 2)
    #expect(result.error.contains("no spec or model under it"))
    #expect(result.out.contains("0 specs checked") && result.out.contains("not checked: \(empty.path)"))
  }

  @Test func onlyCnncalcJSONCounts() throws {
    let root = try folder()
    defer { try? FileManager.default.removeItem(at: root) }
    try #"{"name": "web", "version": "1.0.0"}"#.write(
      to: root.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
    let tiny = try String(contentsOf: packageRoot.appendingPathComponent("docs/examples/tiny.json"), encoding: .utf8)
    try tiny.write(to: root.appendingPathComponent("tiny.json"), atomically: true, encoding: .utf8)
    let result = run(["check", root.path])
    #expect(result.code == 0, "\(result.out)\(result.error)")
    #expect(result.out.contains("1 spec checked: 1 passed, 0 failed"))
  }

  @Test func aMissingPathFailsInEveryReport() throws {
    let root = try folder()
    defer { try? FileManager.default.removeItem(at: root) }
    let junit = root.appendingPathComponent("report.xml")
    let missing = root.appendingPathComponent("nope").path
    let github = run(["check", missing, "specs/lenet5.cnn", "--format", "github", "--junit", junit.path])
    #expect(github.code == 2)
    #expect(github.out.contains("::error file=\(missing)"))
    let xml = try String(contentsOf: junit, encoding: .utf8)
    #expect(xml.contains("tests=\"2\" failures=\"1\""))
    #expect(xml.contains("<failure message=\"\(missing): no such file or folder\""))
    let json = run(["check", missing, "--format", "json"])
    #expect(json.out.contains("\"code\": \"unreadable\""))
  }

  @Test func theSummaryNamesFailedSpecs() {
    let result = run(["check", "--strict", "specs"])
    #expect(result.code == 1)
    #expect(result.out.hasSuffix("passed, 1 failed (specs/alexnet-224.cnn)\n"))
  }
}

/// A new empty folder under the temporary directory (the caller removes it).
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cnncalc-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// verify's table (issue 11, items 1 and 10): fitted like the summary's, and honest times.
@Suite(.serialized) struct VerifyReadingTests {
  @Test func goldenAtEightyColumns() throws {
    let result = run(["verify", "googlenet", "--width", "80"])
    #expect(result.code == 0, "\(result.error)")
    try expectGolden(result.out, "verify-googlenet-80.txt")
  }

  /// The widest verify tables of the zoo (VGG16-BN's long names and "not compared: clipped at the
  /// border") fit 60 to 120 columns; Memory, the only column that may go, is then named.
  @Test(arguments: [60, 80, 100, 120])
  func fitsTheWidth(width: Int) throws {
    let result = run(["verify", "vgg16_bn", "--width", "\(width)"])
    #expect(result.code == 0, "\(result.error)")
    let lines = result.out.split(separator: "\n")
    let table = lines.filter { $0.hasPrefix("|") || $0.hasPrefix("+") }
    #expect((table.map(\.count).max() ?? 0) <= width)
    let header = try #require(table.dropFirst().first)
    for column in ["Layer", "Calculated", "Measured", "RF"] { #expect(header.contains(column)) }
    if !header.contains("Memory") { #expect(lines.contains { $0.hasPrefix("(Memory hidden to fit") }) }
    #expect(lines.contains { $0.hasPrefix("vgg16_bn: 53 layers, shapes, receptive fields and memory agree") })
  }

  /// Piped output (no width) keeps every column; times come from a settled pass and say so.
  @Test func timingsAreLabelled() throws {
    let result = run(["verify", "lenet5", "--timings"])
    #expect(result.code == 0, "\(result.error)")
    let header = try #require(result.out.split(separator: "\n").dropFirst().first)
    for column in ["Memory", "ms", "GFLOP/s"] { #expect(header.contains(column)) }
    #expect(result.out.contains("(ms: the third pass on the same weights"))
  }
}
