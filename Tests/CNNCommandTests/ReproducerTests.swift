import CNNGraph
import CNNSpec
import Foundation
import Testing

/// Issue 8: every reproducer of the outside fuzzing campaign, through the command line as a user
/// runs it. Each one once trapped, hung or gave a silent wrong result; each must now give a clean
/// result or a located error (`file:line:column`), with the exit codes of docs/cli.md.
extension CommandTests {
  struct Reproducer: CustomTestStringConvertible, Sendable {
    var item: String
    var spec: String
    var arguments: [String] = []
    var exitCode: Int32
    /// Text the output must contain (a location and a code for errors).
    var contains: [String] = []
    var testDescription: String { item }
  }

  static let reproducers: [Reproducer] = [
    // 1. A network of no layers is valid: its output is its input.
    .init(item: "1 input alone", spec: "input x 1x4\n", exitCode: 0, contains: ["peak"]),
    .init(item: "1 output x", spec: "input x 1x4\noutput x\n", exitCode: 0),
    .init(item: "1 zero repeats", spec: "input x 3x8x8\n(conv 3 k3 p1 | identity) * 0\n", exitCode: 0),
    // 2-7. Huge values: refused where they are written, before any arithmetic can overflow.
    .init(
      item: "2 deconv padding 2^63-1", spec: "input x 1x8x8\ndeconv 4 k3 p=9223372036854775807\n", exitCode: 1,
      contains: [":2:15: error:", "[too-large]"]),
    .init(
      item: "3 input 2^63-1 then bn", spec: "input x 9223372036854775807x1\nbn\n", exitCode: 1,
      contains: [":1:9: error:", "[too-large]"]),
    .init(
      item: "4 truncation hint at the limits",
      spec: "input x 1x281474976710656\nconv 1 k281474976710655 s140737488355328\n", exitCode: 0,
      contains: ["[truncation]"]),
    .init(
      item: "4 input 2^63-1 wide", spec: "input x 1x9223372036854775807\nconv 1 k1099511627776 s1099511627776\n",
      exitCode: 1, contains: [":1:9: error:", "[too-large]"]),
    .init(
      item: "5 fit on a huge input", spec: "input x 1x9223372036854775800\nrelu\n", arguments: ["fit"], exitCode: 1,
      contains: [":1:9: error:", "[too-large]"]),
    .init(
      item: "6 block padding -2^63",
      spec: "input x 1x8x8\nblock b(a, c)\n  conv 4 k3 p=a:c\nend\nb(-9223372036854775807-1, -1)\n",
      exitCode: 1, contains: [":3:15: error: padding amounts must not be negative", "called at"]),
    .init(
      item: "7 input 2^61 elements", spec: "input x 2305843009213693952\nrelu\n", exitCode: 1,
      contains: [":1:9: error:", "[too-large]"]),
    // 9. An expectation on a label that names an input is judged against that input.
    .init(
      item: "9 expect on an alias", spec: "input x 1x8x8\na = from x\nconv 4 k1\nexpect a 99x99x99\n",
      arguments: ["check"], exitCode: 1, contains: [":4:1: error: expected x to have shape 99x99x99, actual 1x8x8"]),
    // 12. Arguments are validated after evaluation: p=a:a with a = -1 is refused like p=-1.
    .init(
      item: "12 negative padding from a parameter", spec: "input x 1x8x8\nblock b(a)\n  conv 4 k3 p=a:a\nend\nb(-1)\n",
      exitCode: 1, contains: [":3:15: error: padding amounts must not be negative, found -1"]),
    // 13. The engine computes in f32 only.
    .init(
      item: "13 verify --dtype", spec: "input x 1x8x8\nrelu\n", arguments: ["verify", "--dtype", "f16"], exitCode: 2),
    // 14. A total beyond 64 bits names the quantity and the layer.
    .init(
      item: "14 memory totals overflow", spec: "input x 4398046511104x1\nconv 1048576 k1\n", exitCode: 1,
      contains: [":2:1: error: the FLOPs (2 per MAC) exceed the 64-bit integer range; conv_1 alone has"]),
    // 15. Per-axis pool padding pairs each axis with its own window.
    .init(item: "15 maxpool k1x3 p=0x1", spec: "input x 1x8x8\nmaxpool k1x3 s1 p=0x1\n", exitCode: 0),
    // 17. Every report renders the extremes: input bytes beyond 2^63 say so, never a number.
    .init(
      item: "17 input bytes beyond 2^63", spec: "input x 1x16777216x16777216\nrelu\n",
      arguments: ["--batch", "1048576"], exitCode: 1, contains: ["beyond 2^63", "[overflow]"]),
    .init(
      item: "17 csv at the extremes", spec: "input x 1x16777216x16777216\nrelu\n",
      arguments: ["--batch", "1048576", "--format", "csv"], exitCode: 1, contains: ["# incomplete"]),
    // 19. A parameter given by name and again by position.
    .init(
      item: "19 parameter twice", spec: "input x 1x8x8\nblock b(c, d)\n  conv c k1\nend\nb(c=2, 5)\n", exitCode: 1,
      contains: [":5:8: error: parameter 'c' is given twice"]),
    // 20. A flag the command does not use is a usage error.
    .init(item: "20 zoo --threads", spec: "input x 1x8\n", arguments: ["zoo", "--threads", "4"], exitCode: 2),
    // 22. An input no layer reads is released before the first layer, by both witnesses.
    .init(
      item: "22 unread input", spec: "input a 4x36\ninput b 1x36\nbn | conv 13 k3\n", arguments: ["verify"],
      exitCode: 0, contains: ["as calculated"]),
  ]

  @Test(arguments: reproducers)
  func reproducer(_ reproducer: Reproducer) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("spec.cnn")
    try reproducer.spec.write(to: file, atomically: true, encoding: .utf8)
    var arguments = reproducer.arguments
    let command = arguments.first.flatMap { ["fit", "check", "verify", "zoo"].contains($0) ? $0 : nil }
    if command != nil { arguments.removeFirst() }
    let line = (command.map { [$0] } ?? []) + (command == "zoo" ? [] : [file.path]) + arguments
    let result = run(line)
    let text = result.out + result.error
    #expect(result.code == reproducer.exitCode, "\(text)")
    for expected in reproducer.contains {
      #expect(text.contains(expected), "missing '\(expected)' in:\n\(text)")
    }
  }

  /// 1. Every command on a network of no layers.
  @Test func emptyNetworkUnderEveryCommand() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("empty.cnn")
    try "input x 3x8x8\n".write(to: file, atomically: true, encoding: .utf8)
    for command in [["summary"], ["check"], ["fit"], ["verify"], ["export"], ["export", "--format", "json"]] {
      let result = run(command + [file.path])
      #expect(result.code == 0, "\(command): \(result.error)")
    }
    #expect(run(["diff", file.path, file.path]).code == 0)
  }
}

/// 8. Expansion work is bounded as it grows: a bomb of empty block calls stops with a located error.
@Suite struct ExpansionBombTests {
  /// Fuzz finding (seed 2, case 411532): a block that calls itself twice made 1,000,000 layers with
  /// names hundreds of bytes long, 1.6 GB and 10 s. The names' bytes are budgeted too.
  @Test func recursiveNamesAreBounded() {
    let text = "input x 8x35\nblock res(c)\n  conv c k3 p1\n  res(c) * 2\nend\nres(8)\n"
    let compilation = SpecCompiler.compile(
      SourceFile(path: "r.cnn", text: text), limits: ExpansionLimits(maximumNameBytes: 50_000))
    let error = compilation.diagnostics.first { $0.code == .tooLarge }
    #expect(error?.message.hasPrefix("the network's layer names take more than 50,000 bytes") == true)
    #expect(error?.range != nil)
  }

  @Test func emptyCallBombStops() {
    let source = SourceFile(path: "bomb.cnn", text: "input x 1x8\nblock e\n  output in\nend\n(e() * 1000) * 1000\n")
    let compilation = SpecCompiler.compile(source, limits: ExpansionLimits(maximumLayers: 5_000))
    let error = compilation.diagnostics.first { $0.code == .tooLarge }
    #expect(error?.message == "expanding the network takes more than 10,000 steps")
    #expect(error?.range != nil)
  }
}

extension CommandTests {
  /// Issue 8: the output of every command is byte-identical across two runs of the same input
  /// (`bench`, whose purpose is timing, and `verify --timings` excepted).
  @Test func everyCommandIsDeterministic() {
    let lines: [[String]] = [
      ["googlenet"], ["summary", "alexnet-224", "--format", "json"], ["summary", "resnet18", "--format", "csv"],
      ["summary", "lenet5", "--format", "markdown"], ["check", "specs"], ["check", "specs", "--format", "json"],
      ["check", "docs/examples", "--format", "github", "--verbose"], ["fit", "alexnet-224"], ["verify", "lenet5"],
      ["verify", "lenet5", "--threads", "1"], ["export", "mobilenet_v3_small", "--format", "json"],
      ["diff", "alexnet", "alexnet-224"], ["zoo"], ["summary", "nonexistent-spec"],
    ]
    for line in lines {
      let first = run(line)
      let second = run(line)
      #expect(first.code == second.code && first.out == second.out && first.error == second.error, "\(line)")
    }
    // Threads change nothing either.
    #expect(run(["verify", "lenet5", "--threads", "1"]).out == run(["verify", "lenet5", "--threads", "2"]).out)
  }
}
