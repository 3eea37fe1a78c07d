/// Normalisation with statistics computed per sample: layer, group and instance norm.
enum NormalizationKernel {
  /// Normalises each set of elements `members(sample, set)` lists to mean 0 and variance 1
  /// (biased variance, ε inside the root, as PyTorch), then applies `scale` and `shift` indexed
  /// by `parameterIndex` of the element's flat offset within its sample.
  static func normalize(
    _ input: Tensor, sets: Int, members: (Int) -> [Int], epsilon: Float, scale: [Float]?, shift: [Float]?,
    parameterIndex: (Int) -> Int
  ) -> Tensor {
    var output = input
    let perSample = input.data.count / input.batch
    let memberLists = (0..<sets).map(members)
    for sample in 0..<input.batch {
      let base = sample * perSample
      for offsets in memberLists {
        var sum: Double = 0
        var squares: Double = 0
        for offset in offsets {
          let x = Double(input.data[base + offset])
          sum += x
          squares += x * x
        }
        let mean = sum / Double(offsets.count)
        let variance = max(0, squares / Double(offsets.count) - mean * mean)
        let inverse = 1 / (variance + Double(epsilon)).squareRoot()
        for offset in offsets {
          var y = Float((Double(input.data[base + offset]) - mean) * inverse)
          if let scale, let shift {
            let p = parameterIndex(offset)
            y = y * scale[p] + shift[p]
          }
          output.data[base + offset] = y
        }
      }
    }
    return output
  }
}
