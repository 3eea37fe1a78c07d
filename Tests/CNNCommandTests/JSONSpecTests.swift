import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec
import CNNZoo
import Testing

/// JSON specs: export → import → analysis is identical for every zoo spec, and JSON mistakes are
/// located in the JSON.
@Suite struct JSONSpecTests {
  /// The report without the parts that name the file (diagnostic locations differ by design).
  static func facts(_ analysis: Analysis) -> String {
    let report = JSONReport.report(analysis, diagnostics: [], source: nil)
    guard case .object(let members) = report else { return "" }
    return JSONValue.object(members.filter { $0.0 != "diagnostics" }).serialized()
  }

  @Test(arguments: Zoo.names)
  func roundTrip(name: String) throws {
    let text = try #require(Zoo.text(named: name))
    let original = try #require(
      SpecCompiler.compile(SourceFile(path: "\(name).cnn", text: text), shapes: CalculatedShapes()).network)
    let exported = SpecExport.json(original).serialized()
    let reimported = JSONSpecImporter.compile(SourceFile(path: "\(name).json", text: exported))
    #expect(reimported.diagnostics.filter { $0.severity == .error }.isEmpty, "\(reimported.diagnostics.map(\.message))")
    let network = try #require(reimported.network)
    let before = Analyzer.analyze(original, suggestFits: false)
    let after = Analyzer.analyze(network, suggestFits: false)
    #expect(Self.facts(before) == Self.facts(after))
    #expect(before.diagnostics.map(\.message) == after.diagnostics.map(\.message), "expectations and findings survive")
    #expect(network.expectations.count == original.expectations.count)
    // Exporting the re-imported network gives the same text.
    #expect(SpecExport.json(network).serialized() == exported)
  }

  struct Mistake: CustomTestStringConvertible, Sendable {
    var json: String
    var at: String
    var contains: String
    var testDescription: String { contains }
  }

  static let mistakes: [Mistake] = [
    Mistake(json: "{\"inputs\": [}", at: "1:13", contains: "expected a JSON value"),
    Mistake(json: "{\"schema\": \"other/2\", \"inputs\": [], \"layers\": []}", at: "1:12", contains: "unknown schema"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"c\", \"op\": \"cnv\"}]}",
      at: "2:33", contains: "unknown layer type 'cnv'"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"c\", \"op\": \"conv\", \"args\": {\"out\": 4}}]}",
      at: "2:33", contains: "needs a kernel size"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"9c\", \"op\": \"relu\"}]}",
      at: "2:22", contains: "not a valid name"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 4, 4]}],\n \"layers\": [{\"name\": \"c\", \"op\": \"conv\", \"args\": {\"out\": 4, \"k\": 5}}]}",
      at: "2:22", contains: "larger than the input"),
    Mistake(json: String(repeating: "[", count: 100), at: "1:65", contains: "nested deeper"),
    // Issue 8, item 10: `from` is spec syntax, not a layer; it is refused, not dropped.
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"f\", \"op\": \"from\"}]}",
      at: "2:33", contains: "unknown layer type 'from'"),
    // Issue 8, item 21: a reference to a later layer is located in the JSON, with no line number
    // of any intermediate form in the message.
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [\n{\"name\": \"a\", \"op\": \"relu\", \"inputs\": [\"b\"]},\n{\"name\": \"b\", \"op\": \"relu\"}]}",
      at: "3:40", contains: "unknown layer or input 'b'"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [], \"expect\": [\"params 0\\nextra: conv 500 k1\"]}",
      at: "2:27", contains: "one claim on one line"),
    Mistake(
      json: "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [], \"expect\": [\"x 3x8x8 y\"]}",
      at: "2:36", contains: "expected end of line, found 'y'"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"c\", \"op\": \"relu\", \"input\": [\"x\"]}]}",
      at: "2:41", contains: "a layer has no member 'input'"),
  ]

  @Test(arguments: mistakes)
  func locatedInTheJSON(_ mistake: Mistake) throws {
    let source = SourceFile(path: "spec.json", text: mistake.json)
    let compilation = JSONSpecImporter.compile(source)
    var diagnostics = compilation.diagnostics
    if let network = compilation.network { diagnostics += Analyzer.analyze(network).diagnostics }
    let diagnostic = try #require(
      diagnostics.first { $0.message.contains(mistake.contains) }, "\(diagnostics.map(\.message))")
    let (line, column) = source.lineAndColumn(of: try #require(diagnostic.range).start)
    #expect("\(line):\(column)" == mistake.at)
  }
}

/// Issue 8, item 11: no JSON string can be read as spec syntax. Every string value of the docs'
/// example gets a newline, a `#`, a `|` and spec statements appended; each result is either refused
/// with a located error or the same graph (same layer count, operators and connections).
@Suite struct JSONInjectionTests {
  static let payloads = [
    "\n", "#", "|", "\nextra: conv 500 k1", " | conv 500 k1", "\nexpect params 1", "\ninput y 3x9x9", "\nblock b\nend",
    " # comment", "\u{0}",
  ]

  @Test func stringsNeverBecomeSyntax() throws {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/examples/tiny.json"), encoding: .utf8)
    let original = try #require(JSONSpecImporter.compile(SourceFile(path: "tiny.json", text: text)).network)
    let shape = Self.structure(original)
    // String values: a closing quote not followed by a colon.
    let bytes = Array(text.utf8)
    var valueEnds: [Int] = []
    var inString = false

    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") {
      if inString {
        var next = index + 1
        while next < bytes.count, bytes[next] == UInt8(ascii: " ") { next += 1 }
        if next < bytes.count, bytes[next] != UInt8(ascii: ":") { valueEnds.append(index) }
      } else {
        _ = index
      }
      inString.toggle()
    }
    #expect(valueEnds.count >= 15, "the example has names, ops, inputs, modes and expect entries")
    var refused = 0
    var accepted = 0
    for end in valueEnds {
      for payload in Self.payloads {
        let escaped = JSONValue.quote(payload).dropFirst().dropLast()
        let mutated =
          String(decoding: bytes[..<end], as: UTF8.self) + escaped + String(decoding: bytes[end...], as: UTF8.self)
        let compilation = JSONSpecImporter.compile(SourceFile(path: "mutated.json", text: mutated))
        guard let network = compilation.network else {
          #expect(compilation.diagnostics.contains { $0.severity == .error && $0.range != nil })
          refused += 1
          continue
        }
        accepted += 1
        #expect(Self.structure(network) == shape, "payload \(payload.debugDescription) changed the graph")
        #expect(network.expectations.count <= original.expectations.count)
      }
    }
    #expect(refused > 0 && accepted > 0, "names are refused; the network name takes any text")
  }

  /// Layer count, operators and connections: what an injection would change.
  static func structure(_ network: Network) -> [String] {
    network.layers.map { layer in
      "\(layer.op.keyword)(\(layer.inputs.map { "\($0)" }.joined(separator: ",")))"
    }
  }
}

/// Issue 8, item 16: export writes exactly what import reads, for the campaign's round-trip failures.
@Suite struct JSONRoundTripTests {
  static let specs: [(file: String, text: String)] = [
    ("dots.cnn", "input x 3x8x8\nblock b(c)\n  conv c k1\nend\ns2: b(4) * 2\nexpect s2.1.conv_1 4x8x8\n"),
    ("collide.cnn", "input conv_1 3x8x8\nconv 4 k3\nconv 4 k1\n"),
    ("2024-model.cnn", "input x 3x8x8\nconv 4 k3\n"),
    ("merge.cnn", "input x 3x8x8\nr = conv 8 k1\ns1: conv 8 k1 | add r\n"),
    ("slope.cnn", "input x 3x8x8\nleakyrelu -1\nleakyrelu 0.25\n"),
  ]

  @Test(arguments: specs.map(\.file))
  func exportThenImportIsIdentical(file: String) throws {
    let text = try #require(Self.specs.first { $0.file == file }?.text)
    let original = try #require(SpecCompiler.compile(SourceFile(path: file, text: text)).network)
    let exported = SpecExport.json(original).serialized()
    let reimported = JSONSpecImporter.compile(SourceFile(path: "x.json", text: exported))
    let network = try #require(reimported.network, "\(reimported.diagnostics.map(\.message))")
    #expect(network.name == original.name)
    #expect(
      JSONSpecTests.facts(Analyzer.analyze(network, suggestFits: false))
        == JSONSpecTests.facts(Analyzer.analyze(original, suggestFits: false)))
    #expect(SpecExport.json(network).serialized() == exported)
  }

  @Test func networkNamesAreKeptExactly() throws {
    let json = #"{"network": "my net", "inputs": [{"name": "x", "shape": [1, 4]}], "layers": []}"#
    let network = try #require(JSONSpecImporter.compile(SourceFile(path: "n.json", text: json)).network)
    #expect(network.name == "my net")
    let again = JSONSpecImporter.compile(SourceFile(path: "m.json", text: SpecExport.json(network).serialized()))
    #expect(again.network?.name == "my net")
  }
}
