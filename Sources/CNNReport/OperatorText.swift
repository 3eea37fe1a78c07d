import CNNGraph

/// Short descriptions of layers in the spec's own notation (`conv k11 s4`, `maxpool k3 s2 ceil`):
/// the keyword and every argument that differs from its default, as its declaration displays it.
public enum OperatorText {
  /// The layer's keyword with its main hyper-parameters.
  public static func describe(_ op: Operator) -> String {
    var parts = [op.keyword]
    for (parameter, value) in op.changedArguments {
      let name = parameter.name
      switch parameter.display {
      case .hidden: continue
      case .bare:
        if case .flag = value { parts.append(name) } else { parts.append(value.specText) }
      case .glued(let prefix):
        switch value {
        case .integer, .axes: parts.append(prefix + value.specText)
        case .padding(.explicit(let begin, let end)) where begin == end: parts.append(prefix + value.specText)
        default: parts.append("\(name)=\(value.specText)")
        }
      case .keyed: parts.append("\(name)=\(value.specText)")
      }
    }
    return parts.joined(separator: " ")
  }
}
