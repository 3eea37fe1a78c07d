/// One block call on the way from a spec's top level to a layer, as a compiler records a macro
/// expansion: diagnostics about a layer made inside a block name the calls that made it.
public struct ExpansionFrame: Sendable, Equatable {
  /// The block's name, as defined (`bottleneck`).
  public var block: String
  /// The instance's name: the prefix of the layers it made (`layer1.0`).
  public var instance: String
  /// Where the call was written.
  public var call: SourceRange

  /// Creates a frame.
  public init(block: String, instance: String, call: SourceRange) {
    self.block = block
    self.instance = instance
    self.call = call
  }
}
