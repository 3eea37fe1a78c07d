// swift-tools-version:6.0
import PackageDescription

/// The numeric engine's code generation: on x86-64 let the optimiser use the host's vector units
/// (AVX-512 FMA); without `-target-cpu`, `SIMD16.addingProduct` becomes a slow libm call. Other
/// architectures build with the toolchain's defaults. The engine is optimised in debug builds too,
/// so that `swift test` can run whole networks through it in seconds.
let nativeCPU: [SwiftSetting] = {
  #if arch(x86_64)
    return [.unsafeFlags(["-target-cpu", "native"]), .unsafeFlags(["-O"], .when(configuration: .debug))]
  #else
    return [.unsafeFlags(["-O"], .when(configuration: .debug))]
  #endif
}()

let package = Package(
  name: "cnncalc",
  products: [
    .executable(name: "cnncalc", targets: ["cnncalc"]),
    .library(name: "CNNCommand", targets: ["CNNCommand"]),
  ],
  targets: [
    .target(name: "CNNGraph"),
    .target(name: "CNNSpec", dependencies: ["CNNGraph"]),
    .target(name: "CNNCaffe", dependencies: ["CNNGraph"]),
    .target(name: "CNNONNX", dependencies: ["CNNGraph"]),
    .target(name: "CNNCalc", dependencies: ["CNNGraph"]),
    .target(name: "CNNReport", dependencies: ["CNNGraph", "CNNCalc"]),
    .target(name: "CNNPicture", dependencies: ["CNNGraph", "CNNCalc", "CNNReport"]),
    .target(name: "CNNZoo"),
    .target(name: "CNNReference", dependencies: ["CNNGraph"], swiftSettings: nativeCPU),
    .target(name: "CNNVerify", dependencies: ["CNNGraph", "CNNCalc", "CNNReference"]),
    .target(
      name: "CNNCommand",
      dependencies: [
        "CNNGraph", "CNNSpec", "CNNCaffe", "CNNONNX", "CNNCalc", "CNNReport", "CNNPicture", "CNNZoo", "CNNReference",
        "CNNVerify",
      ]),
    .executableTarget(name: "cnncalc", dependencies: ["CNNCommand"]),
    .executableTarget(
      name: "cnncalc-benchmarks",
      dependencies: [
        "CNNGraph", "CNNSpec", "CNNONNX", "CNNCalc", "CNNReport", "CNNPicture", "CNNZoo", "CNNReference",
      ]),
    .target(
      name: "CNNFuzz",
      dependencies: ["CNNCommand", "CNNGraph", "CNNSpec", "CNNONNX", "CNNCaffe", "CNNCalc", "CNNReport", "CNNZoo"]),
    .executableTarget(name: "cnncalc-fuzz", dependencies: ["CNNFuzz"]),
    .testTarget(name: "CNNSpecTests", dependencies: ["CNNGraph", "CNNSpec"]),
    .testTarget(name: "CNNCalcTests", dependencies: ["CNNGraph", "CNNSpec", "CNNCalc", "CNNZoo", "CNNFuzz"]),
    .testTarget(
      name: "CNNImportTests",
      dependencies: ["CNNGraph", "CNNSpec", "CNNCaffe", "CNNONNX", "CNNCalc", "CNNReport", "CNNZoo", "CNNFuzz"],
      exclude: ["Fixtures"]),
    .testTarget(name: "CNNReportTests", dependencies: ["CNNGraph", "CNNSpec", "CNNCalc", "CNNReport"]),
    .testTarget(
      name: "CNNPictureTests", dependencies: ["CNNGraph", "CNNSpec", "CNNCalc", "CNNReport", "CNNPicture", "CNNZoo"]),
    .testTarget(
      name: "CNNReferenceTests",
      dependencies: ["CNNGraph", "CNNSpec", "CNNCalc", "CNNReference", "CNNVerify", "CNNZoo", "CNNFuzz"],
      swiftSettings: nativeCPU),
    .testTarget(
      name: "CNNCommandTests",
      dependencies: ["CNNCommand", "CNNZoo", "CNNGraph", "CNNSpec", "CNNCalc", "CNNReport", "CNNFuzz"],
      resources: [.copy("Golden")]),
  ]
)
