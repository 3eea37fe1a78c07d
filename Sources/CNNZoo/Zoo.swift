/// The bundled architecture specs (`specs/*.cnn`), compiled into the binary so that
/// `cnncalc resnet50` works from any directory.
public enum Zoo {
  /// The text of the bundled spec called `name` (file name without `.cnn`), if there is one.
  public static func text(named name: String) -> String? {
    specs.first { $0.name == name }?.text
  }

  /// The names of all bundled specs, sorted.
  public static var names: [String] { specs.map(\.name) }
}
