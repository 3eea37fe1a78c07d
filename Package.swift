// swift-tools-version:6.0
import PackageDescription

/// The engine is optimised in debug builds too, so that `swift test` can run whole networks
/// through it in seconds.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// Every module builds for the toolchain's default target (x86-64 baseline, aarch64's defaults),
/// so the binary runs on any processor of its architecture. The engine's inner loops are built a
/// second and third time for newer x86-64 levels, each in its own module with its own target,
/// and chosen at run time from CPUID (CNNReference's `KernelSelection`, docs/performance.md
/// "Kernel sets"). Without a target that has FMA, vector fused multiply-adds become libm calls,
/// which is why the portable set multiplies and adds separately.
///
/// Each level is set through the Clang importer (`-Xcc -march=x86-64-vN`), whose target Swift's
/// code generation adopts: exactly the psABI level's features, nothing a particular processor
/// adds. (`-target-cpu` takes processor names only.) `-mtune=znver5` schedules for the machine the
/// speed is measured on (docs/performance.md); tuning never changes which instructions are used.
#if arch(x86_64)
  let kernelSets: [Target.Dependency] = ["CNNKernelsX86V3", "CNNKernelsX86V4"]
  let kernelSetTargets: [Target] = [
    .target(
      name: "CNNKernelsX86V3", dependencies: ["CNNKernelSet"],
      swiftSettings: [.unsafeFlags(["-Xcc", "-march=x86-64-v3", "-Xcc", "-mtune=znver5"])] + optimised),
    .target(
      name: "CNNKernelsX86V4", dependencies: ["CNNKernelSet"],
      swiftSettings: [.unsafeFlags(["-Xcc", "-march=x86-64-v4", "-Xcc", "-mtune=znver5"])] + optimised),
  ]
#else
  let kernelSets: [Target.Dependency] = []
  let kernelSetTargets: [Target] = []
#endif

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
    .target(name: "CCPUFeatures"),
    .target(name: "CNNKernelSet", swiftSettings: optimised),
    .target(name: "CNNKernelsPortable", dependencies: ["CNNKernelSet"], swiftSettings: optimised),
    .target(
      name: "CNNReference",
      dependencies: ["CNNGraph", "CNNKernelSet", "CNNKernelsPortable", "CCPUFeatures"] + kernelSets,
      swiftSettings: optimised),
    .target(name: "CNNVerify", dependencies: ["CNNGraph", "CNNCalc", "CNNReference"]),
    .target(
      name: "CNNCommand",
      dependencies: [
        "CNNGraph", "CNNSpec", "CNNCaffe", "CNNONNX", "CNNCalc", "CNNReport", "CNNPicture", "CNNZoo", "CNNReference",
        "CNNKernelSet", "CNNVerify",
      ]),
    .executableTarget(name: "cnncalc", dependencies: ["CNNCommand"]),
    .executableTarget(
      name: "cnncalc-benchmarks",
      dependencies: [
        "CNNGraph", "CNNSpec", "CNNONNX", "CNNCalc", "CNNReport", "CNNPicture", "CNNZoo", "CNNReference",
        "CNNKernelSet",
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
      dependencies: [
        "CNNGraph", "CNNSpec", "CNNCalc", "CNNReference", "CNNKernelSet", "CNNVerify", "CNNZoo", "CNNFuzz",
      ],
      swiftSettings: optimised),
    .testTarget(
      name: "CNNCommandTests",
      dependencies: ["CNNCommand", "CNNZoo", "CNNGraph", "CNNSpec", "CNNCalc", "CNNReport", "CNNFuzz"],
      resources: [.copy("Golden")]),
  ] + kernelSetTargets
)
