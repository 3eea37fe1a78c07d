/// Limits that keep expansion of hostile or mistaken specs bounded in time and memory.
public struct ExpansionLimits: Sendable {
  /// Most layers an expanded network may have.
  public var maximumLayers: Int
  /// Deepest nesting of block calls (a block that calls itself hits this).
  public var maximumCallDepth: Int
  /// Most bytes all layer names together may take: a block calling itself makes long names.
  public var maximumNameBytes: Int

  /// Creates limits.
  public init(maximumLayers: Int = 1_000_000, maximumCallDepth: Int = 64, maximumNameBytes: Int = 1 << 26) {
    self.maximumLayers = maximumLayers
    self.maximumCallDepth = maximumCallDepth
    self.maximumNameBytes = maximumNameBytes
  }
}

/// The result of reading a spec: the expanded network (nil when the spec has errors) and every
/// diagnostic found on the way.
public struct Compilation: Sendable {
  /// The spec that was read.
  public var source: SourceFile
  /// The expanded network; nil if any error was found.
  public var network: Network?
  /// Lexical, syntactic and expansion diagnostics, in source order.
  public var diagnostics: [Diagnostic]

  /// Creates a compilation result.
  public init(source: SourceFile, network: Network?, diagnostics: [Diagnostic]) {
    self.source = source
    self.network = network
    self.diagnostics = diagnostics
  }
}
