/// A checked claim from an `expect` line, with its literals already read.
public struct Expectation: Sendable {
  /// The layer (or input) the claim is about; nil for network totals. For a group, its output.
  public var layer: String?
  /// When the subject is a group (a label over several layers): its name and members. Counts
  /// are the members' sums; shape and field are the output's.
  public var group: (name: String, members: [String])?

  /// The subject as written: the group's name, else the layer's.
  public var subject: String? { group?.name ?? layer }
  /// The quantity for value claims.
  public var metric: Metric?
  /// What is claimed.
  public var claim: Claim
  /// The `expect` line.
  public var range: SourceRange?

  /// Creates an expectation.
  public init(layer: String?, metric: Metric?, claim: Claim, range: SourceRange?) {
    self.layer = layer
    self.metric = metric
    self.claim = claim
    self.range = range
  }
}

/// The quantities an `expect` line can name.
public enum Metric: String, Sendable, CaseIterable {
  /// Learned parameters: weights, biases, norm scales and shifts (running statistics are buffers).
  case params
  case trainableParams = "trainable_params"
  /// Non-trainable state (batch-norm running mean and variance).
  case buffers
  /// Multiply-accumulates of conv, transposed conv and fully connected layers.
  case macs
  /// 2 × MACs.
  case flops
  /// Work outside MACs: pooling, activations, norms, elementwise ops.
  case otherOps = "other_ops"
  /// Forward total of activation bytes.
  case activations
  /// Peak of live activation bytes.
  case peak
  /// Same as `peak`.
  case memory
  /// Bytes of parameters and buffers.
  case paramBytes = "param_bytes"
  /// Number of layers.
  case layers

  /// Whether the quantity is in bytes (so `MiB` suffixes make sense).
  public var isBytes: Bool { [.activations, .peak, .memory, .paramBytes].contains(self) }
}

/// What an expectation claims.
public enum Claim: Sendable {
  /// A value compared with the actual one, with an optional tolerance.
  case value(Comparison, Rational, tolerance: Tolerance?)
  /// A layer's output shape without batch.
  case shape([Int])
  /// A layer's receptive field: size, and optionally jump and start, per axis or for all axes.
  case receptiveField(size: [Rational], jump: [Rational]?, start: [Rational]?)
}

/// How far an `=` claim may be off.
public enum Tolerance: Sendable {
  /// An absolute amount.
  case absolute(Rational)
  /// A fraction of the claimed value, in percent.
  case percent(Rational)
}

/// A comparison in an `expect` line.
public enum Comparison: String, Sendable, Codable {
  case equal = "=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">"
}
