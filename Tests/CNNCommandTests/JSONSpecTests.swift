import CNNCalc
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
    let original = try #require(SpecCompiler.compile(SourceFile(path: "\(name).cnn", text: text)).network)
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
      at: "2:22", contains: "unknown layer type 'cnv'"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"c\", \"op\": \"conv\", \"args\": {\"out\": 4}}]}",
      at: "2:22", contains: "needs a kernel size"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 8, 8]}],\n \"layers\": [{\"name\": \"9c\", \"op\": \"relu\"}]}",
      at: "2:22", contains: "not a valid name"),
    Mistake(
      json:
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 4, 4]}],\n \"layers\": [{\"name\": \"c\", \"op\": \"conv\", \"args\": {\"out\": 4, \"k\": 5}}]}",
      at: "2:22", contains: "larger than the input"),
    Mistake(json: String(repeating: "[", count: 100), at: "1:65", contains: "nested deeper"),
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
