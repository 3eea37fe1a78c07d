/// Text for XML documents (JUnit reports, SVG, HTML).
public enum XMLText {
  /// `text` safe inside an element or a quoted attribute: the five XML escapes, and control
  /// characters other than tab and line breaks, which XML 1.0 forbids, as spaces.
  public static func escaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      default:
        if scalar.value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" {
          result += " "
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }
}
