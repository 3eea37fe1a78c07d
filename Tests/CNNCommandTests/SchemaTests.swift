import CNNGraph
import CNNSpec
import CNNZoo
import Foundation
import Testing

/// The tool's JSON outputs against the schema files in docs/schema, for every zoo spec.
@Suite(.serialized) struct SchemaTests {
  static let schemas = packageRoot.appendingPathComponent("docs/schema")

  @Test func validatorCatchesViolations() throws {
    let validator = try SchemaValidator(schemaFile: Self.schemas.appendingPathComponent("cnncalc-spec.schema.json"))
    let bad = try JSONReader.parse(
      SourceFile(path: "bad.json", text: #"{"inputs": [{"name": "9x", "shape": [0]}], "layers": [], "extra": 1}"#))
    let problems = validator.validate(bad)
    #expect(problems.contains { $0.contains("does not match") })
    #expect(problems.contains { $0.contains("below the minimum") })
    #expect(problems.contains { $0.contains("unexpected member extra") })
  }

  @Test(arguments: Zoo.names)
  func reportAndExportFollowTheirSchemas(name: String) throws {
    let report = try SchemaValidator(schemaFile: Self.schemas.appendingPathComponent("cnncalc-report.schema.json"))
    let spec = try SchemaValidator(schemaFile: Self.schemas.appendingPathComponent("cnncalc-spec.schema.json"))
    let summary = run([name, "--format", "json"])
    let summaryProblems = report.validate(try JSONReader.parse(SourceFile(path: "report.json", text: summary.out)))
    #expect(summaryProblems.count == 0, "\(summaryProblems.prefix(5))")
    let exported = run(["export", name, "--format", "json"])
    let exportProblems = spec.validate(try JSONReader.parse(SourceFile(path: "spec.json", text: exported.out)))
    #expect(exportProblems.count == 0, "\(exportProblems.prefix(5))")
  }

  @Test func checkDiagnosticsFollowTheReportSchema() throws {
    let report = try SchemaValidator(schemaFile: Self.schemas.appendingPathComponent("cnncalc-report.schema.json"))
    let output = run(["check", "--verbose", "--format", "json", "specs"])
    guard case .array(let diagnostics, _) = try JSONReader.parse(SourceFile(path: "d.json", text: output.out)) else {
      Issue.record("not an array")
      return
    }
    #expect(!diagnostics.isEmpty)
    let definition = try #require(report.root["$defs"]?["diagnostic"])
    for diagnostic in diagnostics { #expect(report.validate(diagnostic, against: definition).isEmpty) }
  }
}
