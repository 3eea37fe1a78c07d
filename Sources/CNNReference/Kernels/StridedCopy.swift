/// target[i] = source[i · step] for i in 0..<count, step ≥ 2: the strided rows of an im2col
/// gather and of depthwise phase planes. At step 2, sixteen values at a time as the even lanes of
/// 32 contiguous floats, while those 32 end at or before `readableEnd`; otherwise one by one.
@inline(__always)
func copyStrided(
  _ source: UnsafePointer<Float>, step: Int, to target: UnsafeMutablePointer<Float>, count: Int,
  readableEnd: UnsafePointer<Float>
) {
  var i = 0
  if step == 2 {
    while i + 16 <= count, source + i * 2 + 32 <= readableEnd {
      let pair = UnsafeRawPointer(source + i * 2).loadUnaligned(as: SIMD32<Float>.self)
      UnsafeMutableRawPointer(target + i).storeBytes(of: pair.evenHalf, as: SIMD16<Float>.self)
      i += 16
    }
  }
  while i < count {
    target[i] = source[i * step]
    i += 1
  }
}
