/// The JSON form of a network (docs/json-spec.md): CNNSpec reads it, CNNReport writes it.
public enum JSONSpecSchema {
  /// The value of the document's "schema" member.
  public static let identifier = "cnncalc-spec/1"
}
