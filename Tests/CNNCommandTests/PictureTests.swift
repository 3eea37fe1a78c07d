import Foundation
import Testing

/// `cnncalc graph` (issue 12): golden drawings of two small specs, re-recordable deliberately with
/// CNNCALC_RECORD=1, and the command's behaviour around them.
@Suite(.serialized) struct PictureTests {
  /// A small network with two branches and a merge: the shape GoogLeNet's modules repeat.
  static let branches = """
    input x 3x32x32
    stem: conv 16 k3 p1 | relu
    a = conv 8 k1 | relu
    b = from stem | conv 8 k3 p1 | relu
    c = from stem | maxpool k3 s1 p1 | conv 8 k1
    m: concat a b c
    head: gap | fc 10

    """

  @Test(arguments: [
    (["graph", "lenet5"], "graph-lenet5.svg"),
    (["graph", "lenet5", "--format", "dot"], "graph-lenet5.dot"),
  ])
  func golden(arguments: [String], golden: String) throws {
    let result = run(arguments)
    #expect(result.code == 0, "\(result.error)")
    try expectGolden(result.out, golden)
  }

  @Test func branchesGolden() throws {
    let url = try temporaryFolder().appendingPathComponent("branches.cnn")
    try Self.branches.write(to: url, atomically: true, encoding: .utf8)
    let svg = run(["graph", url.path])
    #expect(svg.code == 0, "\(svg.error)")
    try expectGolden(svg.out, "graph-branches.svg")
    let dot = run(["graph", url.path, "--format", "dot"])
    try expectGolden(dot.out, "graph-branches.dot")
  }

  /// Text in the SVG is real text, escaped; each box is focusable and names its layer.
  @Test func boxesAreTextAndFocusable() throws {
    let out = run(["graph", "googlenet", "--depth", "1"]).out
    #expect(out.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(out.contains("<text") && !out.contains("<image"))
    #expect(out.contains("id=\"node-i3a\" data-layer=\"i3a\" data-first=\"10\" data-count=\"14\" tabindex=\"0\""))
    #expect(out.contains("inception · 14 layers"))
    #expect(out.contains("@media (prefers-color-scheme:dark)"))
  }

  /// Large networks are folded unless --depth says otherwise, at the deepest level that still
  /// reads: ResNet-152 at its blocks (image, conv1, bn, relu, maxpool, 3 + 8 + 36 + 3 = 50
  /// bottlenecks, avgpool and the head's two layers: 58 boxes), not its 4 stages.
  @Test func largeNetworksFoldByDefault() {
    let folded = run(["graph", "resnet152"]).out
    let stages = run(["graph", "resnet152", "--depth", "1"]).out
    let full = run(["graph", "resnet152", "--depth", "64"]).out
    // Each box is one focusable group.
    let boxes = { (svg: String) in svg.components(separatedBy: "tabindex=\"0\"").count - 1 }
    #expect(boxes(folded) == 58)
    #expect(boxes(stages) < 20)
    #expect(boxes(full) > 500)
  }

  /// `report` writes one HTML page; a spec with errors still gets its page (what was computed)
  /// and exit 1; a page that cannot be written is exit 2.
  @Test func reportWritesThePage() throws {
    let folder = try temporaryFolder()
    let path = folder.appendingPathComponent("lenet5.html").path
    let written = run(["report", "lenet5", "-o", path])
    #expect(written.code == 0 && written.out.isEmpty, "\(written.error)")
    let html = try String(contentsOfFile: path, encoding: .utf8)
    #expect(html.hasPrefix("<!doctype html>") && html.contains("<title>lenet5 — cnncalc report</title>"))
    let bad = folder.appendingPathComponent("bad.cnn")
    try "input x 3x8x8\na: conv 4 k3\nb: conv 4 k9\n".write(to: bad, atomically: true, encoding: .utf8)
    let failed = run(["report", bad.path, "-o", folder.appendingPathComponent("bad.html").path])
    #expect(failed.code == 1 && failed.error.contains("bad.cnn:3:"))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad.html").path))
    let unwritable = run(["report", "lenet5", "-o", folder.appendingPathComponent("missing/r.html").path])
    #expect(unwritable.code == 2 && unwritable.error.contains("cannot write"))
    #expect(run(["report", "lenet5", "--format", "pdf"]).code == 2)
  }

  @Test func writesToAFileOrSaysWhy() throws {
    let folder = try temporaryFolder()
    let path = folder.appendingPathComponent("g.svg").path
    #expect(run(["graph", "lenet5", "-o", path]).code == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("</svg>\n"))
    let refused = run(["graph", "lenet5", "-o", folder.appendingPathComponent("missing/g.svg").path])
    #expect(refused.code == 2 && refused.error.contains("cannot write"))
  }

  /// `chart` draws each kind; an unknown kind is a usage error naming the kinds.
  @Test func chartKinds() {
    for kind in ["rf", "memory", "cost"] {
      let result = run(["chart", "lenet5", "--kind", kind])
      #expect(result.code == 0 && result.out.hasPrefix("<svg ") && result.out.hasSuffix("</svg>\n"), "\(kind)")
    }
    let wrong = run(["chart", "lenet5", "--kind", "flops"])
    #expect(wrong.code == 2 && wrong.error.contains("--kind takes rf, memory, cost, not 'flops'"))
  }
}
