import CNNGraph
import CNNSpec
import CNNZoo
import Foundation

/// `cnncalc zoo`: the bundled specs, each with the start of its header comment.
struct ZooCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    guard options.operands.isEmpty else { throw UsageError(message: "zoo takes no operands") }
    let width = Zoo.names.map(\.count).max() ?? 0
    for (name, text) in Zoo.specs.sorted(by: { $0.name < $1.name }) {
      environment.writeOut(name + String(repeating: " ", count: width - name.count) + "  " + Self.summary(text) + "\n")
    }
    return .success
  }

  /// The header comment's first paragraph up to its first colon, semicolon or full stop, without
  /// the parenthesised asides that cite files or sources: "AlexNet as trained", "AlexNet as
  /// torchvision builds it", "GoogLeNet (Inception v1)" — whole phrases, never cut mid-way.
  static func summary(_ text: String) -> String {
    var paragraph: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      guard line.hasPrefix("#") else { break }
      let words = line.dropFirst().trimmingPrefix(" ")
      if words.isEmpty { break }
      paragraph.append(words)
    }
    // Drop asides in parentheses that hold a path, a citation or a list.
    var kept = ""
    var aside = ""
    var depth = 0
    for character in paragraph.joined(separator: " ") {
      if character == "(" { depth += 1 }
      if depth > 0 { aside.append(character) } else { kept.append(character) }
      if character == ")", depth > 0 {
        depth -= 1
        if depth == 0 {
          if !aside.contains(where: { ":/,".contains($0) }) { kept += aside }
          aside = ""
        }
      }
    }
    // Up to the first colon, semicolon or sentence end (a full stop before a capital or a digit).
    let characters = Array(kept)
    var end = characters.count
    for index in characters.indices {
      let next = index + 2 < characters.count ? characters[index + 2] : " "
      if characters[index] == ":" || characters[index] == ";"
        || (characters[index] == "." && index + 1 < characters.count && characters[index + 1] == " "
          && (next.isUppercase || next.isNumber))
      {
        end = index
        break
      }
    }
    let words = String(characters[..<end]).split(separator: " ").joined(separator: " ")
    return words.replacingOccurrences(of: " ,", with: ",").trimmingCharacters(in: .whitespaces)
  }
}
