/// Deterministic pseudo-random numbers (SplitMix64) for weights and inputs: the same seed and layer
/// give the same values on every machine and every thread count.
struct SeededRandom {
  private var state: UInt64

  /// A stream for `stream` (a layer index) under `seed`.
  init(seed: UInt64, stream: UInt64) {
    state = seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &+ 1) &* 0xD1B5_4A32_D192_ED03
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1) with 24 random bits.
  mutating func unit() -> Float { Float(next() >> 40) * 0x1p-24 }

  /// `count` values uniform in [−scale, scale).
  mutating func uniform(_ count: Int, scale: Float) -> [Float] {
    (0..<count).map { _ in (unit() * 2 - 1) * scale }
  }
}

/// Weight scale for a layer with `fanIn` inputs per output: He-uniform, √(6 / fan-in), so that
/// activations keep their magnitude through deep ReLU networks.
func heScale(fanIn: Int) -> Float { (6 / Float(max(fanIn, 1))).squareRoot() }
