import CNNCalc
import CNNReport
import CNNSpec
import Testing

@Suite struct JSONValueTests {
  @Test func escapesPerRFC8259() {
    #expect(JSONValue.quote("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
  }

  @Test func rationalsAreNumbersWhenWhole() throws {
    #expect(JSONValue.rational(Rational(4)).serialized() == "4")
    #expect(JSONValue.rational(try Rational(-1, 4)).serialized() == #""-1/4""#)
  }

  @Test func keepsKeyOrder() {
    let value = JSONValue.object([("b", .integer(1)), ("a", .array([.integer(1), .null]))])
    #expect(value.serialized() == #"{ "b": 1, "a": [1, null] }"#)
  }
}

@Suite struct HumanizeTests {
  @Test(arguments: [
    (0, "0"), (999, "999"), (1000, "1K"), (34_944, "34.9K"), (105_415_200, "105M"),
    (60_965_224, "61M"), (1_448_813_632, "1.45G"), (999_700, "1M"),
  ])
  func counts(value: Int, text: String) {
    #expect(Humanize.count(value) == text)
  }

  @Test(arguments: [
    (512, "512 B"), (1024, "1 KiB"), (1_161_600, "1.11 MiB"), (243_860_896, "233 MiB"), (1_023_768, "1000 KiB"),
    (1_048_500, "1 MiB"),
  ])
  func bytes(value: Int, text: String) {
    #expect(Humanize.bytes(value) == text)
  }

  @Test func grouping() throws {
    #expect(Grouping.integer(60_965_224) == "60,965,224")
    #expect(Grouping.integer(-1000) == "-1,000")
    #expect(Grouping.decimal(try Rational(2, 3), places: 2) == "0.67")
    #expect(Grouping.decimal(try Rational(-1, 8), places: 2) == "-0.13")
  }
}

@Suite struct TextTableTests {
  @Test func rendersAsciiBoxAndMarkdown() {
    var table = TextTable(headers: ["Layer", "Params"], alignments: [.left, .right])
    table.rows = [["conv1", "34.9K"], ["a|b", "7"]]
    #expect(
      table.render(box: false) == """
        +-------+--------+
        | Layer | Params |
        +-------+--------+
        | conv1 |  34.9K |
        | a|b   |      7 |
        +-------+--------+
        """)
    #expect(table.render(box: true).hasPrefix("┌───────┬────────┐"))
    #expect(table.markdown() == "| Layer | Params |\n| --- | ---: |\n| conv1 | 34.9K |\n| a\\|b | 7 |")
    #expect(TextTable.csv([["a,b", "c\"d"], ["1", "2"]]) == "\"a,b\",\"c\"\"d\"\n1,2\n")
  }
}

@Suite struct DiagnosticRendererTests {
  let source = SourceFile(path: "net.cnn", text: "input x 3x8x8\nconv1: cnv 8 k3\n")

  var diagnostic: Diagnostic {
    Diagnostic(.unknownLayer, "unknown layer type 'cnv'", at: SourceRange(21, 24), hint: "did you mean 'conv'?")
  }

  @Test func textHasLocationCaretAndHint() {
    #expect(
      DiagnosticRenderer.text(diagnostic, source: source) == """
        net.cnn:2:8: error: unknown layer type 'cnv' [unknown-layer]
        2 | conv1: cnv 8 k3
          |        ^~~
          = hint: did you mean 'conv'?
        """)
  }

  @Test func colourOnlyWhenAsked() {
    let coloured = DiagnosticRenderer.text(diagnostic, source: source, style: Style(colour: true, boxDrawing: false))
    #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
    #expect(!DiagnosticRenderer.text(diagnostic, source: source).contains("\u{1B}"))
  }

  @Test func githubWorkflowCommand() {
    #expect(
      DiagnosticRenderer.github(diagnostic, source: source)
        == "::error file=net.cnn,line=2,col=8,title=cnncalc unknown-layer::unknown layer type 'cnv'%0Ahint: did you mean 'conv'?"
    )
  }

  @Test func json() {
    #expect(DiagnosticRenderer.json(diagnostic, source: source).serialized().contains(#""line": 2"#))
  }
}
