import CNNReport

/// A JUnit XML report of `check`: one test case per spec, failing with its diagnostics, for GitLab,
/// Jenkins and other CI systems.
enum JUnitReport {
  struct Case {
    var name: String
    var failures: [String]
    var seconds: Double
  }

  static func xml(_ cases: [Case]) -> String {
    let failed = cases.filter { !$0.failures.isEmpty }.count
    var lines = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<testsuites name=\"cnncalc check\" tests=\"\(cases.count)\" failures=\"\(failed)\">",
      "  <testsuite name=\"cnncalc check\" tests=\"\(cases.count)\" failures=\"\(failed)\">",
    ]
    for testCase in cases {
      let time = String(Double(Int(testCase.seconds * 1000)) / 1000)
      let opening = "    <testcase classname=\"cnncalc.check\" name=\"\(escape(testCase.name))\" time=\"\(time)\""
      if testCase.failures.isEmpty {
        lines.append(opening + "/>")
      } else {
        lines.append(opening + ">")
        let first = testCase.failures[0].split(separator: "\n").first.map(String.init) ?? ""
        lines.append(
          "      <failure message=\"\(escape(first))\">\(escape(testCase.failures.joined(separator: "\n")))</failure>")
        lines.append("    </testcase>")
      }
    }
    lines += ["  </testsuite>", "</testsuites>"]
    return lines.joined(separator: "\n") + "\n"
  }

  /// XML escapes for text and attribute values.
  static func escape(_ text: String) -> String { XMLText.escaped(text) }
}
