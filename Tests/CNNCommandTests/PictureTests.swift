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
    #expect(out.contains("id=\"node-i3a\" data-layer=\"i3a\" tabindex=\"0\""))
    #expect(out.contains("inception · 14 layers"))
    #expect(out.contains("@media (prefers-color-scheme:dark)"))
  }

  /// Large networks fold their top-level groups unless --depth says otherwise.
  @Test func largeNetworksFoldByDefault() {
    let folded = run(["graph", "resnet152"]).out
    let full = run(["graph", "resnet152", "--depth", "64"]).out
    let boxes = { (svg: String) in svg.components(separatedBy: "<g class=\"node").count - 1 }
    #expect(boxes(folded) < 60)
    #expect(boxes(full) > 500)
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
