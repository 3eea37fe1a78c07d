// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "cnncalc",
  products: [
    .executable(name: "cnncalc", targets: ["cnncalc"]),
    .library(name: "CNNCommand", targets: ["CNNCommand"]),
  ],
  targets: [
    .target(name: "CNNSpec"),
    .target(name: "CNNCalc", dependencies: ["CNNSpec"]),
    .target(name: "CNNReport", dependencies: ["CNNSpec", "CNNCalc"]),
    .target(name: "CNNZoo"),
    .target(name: "CNNCommand", dependencies: ["CNNSpec", "CNNCalc", "CNNReport", "CNNZoo"]),
    .executableTarget(name: "cnncalc", dependencies: ["CNNCommand"]),
    .executableTarget(name: "cnncalc-benchmarks", dependencies: ["CNNSpec", "CNNCalc", "CNNReport", "CNNZoo"]),
    .testTarget(name: "CNNSpecTests", dependencies: ["CNNSpec"]),
    .testTarget(name: "CNNCalcTests", dependencies: ["CNNSpec", "CNNCalc", "CNNZoo"]),
    .testTarget(name: "CNNReportTests", dependencies: ["CNNSpec", "CNNCalc", "CNNReport"]),
    .testTarget(
      name: "CNNCommandTests", dependencies: ["CNNCommand", "CNNZoo", "CNNSpec", "CNNCalc", "CNNReport"],
      resources: [.copy("Golden")]),
  ]
)
