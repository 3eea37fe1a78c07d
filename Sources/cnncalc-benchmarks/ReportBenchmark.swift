import CNNCalc
import CNNGraph
import CNNPicture
import CNNSpec
import CNNZoo
import Foundation

/// The HTML report benchmark (`cnncalc-benchmarks report`): for three zoo networks and a
/// generated 10,000-layer residual network, the median time to compile and analyse the spec and
/// to write the page (every drawing laid out, the charts, the table), and the page's size.
enum ReportBenchmark {
  /// Ten stages of 143 residual blocks (conv, bn, relu, conv, bn, add, relu) on an 8x32x32
  /// input: 10,010 layers with two levels of groups, as a real deep network has.
  static let residual10k: String = {
    var lines = [
      "network residual-10k", "input x 8x32x32", "block res(c)", "  a: conv c k3 p1 | bn | relu",
      "  b: conv c k3 p1 | bn", "  out: add b in | relu", "end",
    ]
    for stage in 0..<10 { lines.append("stage\(stage): res(8) * 143") }
    return lines.joined(separator: "\n") + "\n"
  }()

  static func run() {
    let workloads =
      ["resnet152", "densenet121", "googlenet"].map { ($0, Zoo.text(named: $0) ?? "") }
      + [("residual 10k", residual10k)]
    print("workload        layers   analyse ms   report ms   report KiB")
    for (name, text) in workloads {
      var analysis: Analysis?
      let analyse = medianMilliseconds(runs: 7) {
        let source = SourceFile(path: name, text: text)
        analysis = SpecCompiler.compile(source, shapes: CalculatedShapes()).network.map { Analyzer.analyze($0) }
      }
      guard let analysis else {
        print("\(name): does not compile")
        exit(1)
      }
      var page = ""
      let report = medianMilliseconds(runs: 7) {
        page = HTMLReport.document(analysis, diagnostics: analysis.diagnostics, source: nil)
      }
      print(
        pad(name, 16) + pad(Grouping.integer(analysis.layers.count), 9) + pad(String(format: "%.1f", analyse), 13)
          + pad(String(format: "%.1f", report), 12) + Grouping.integer(page.utf8.count / 1024))
    }
  }
}
