import CCPUFeatures
import CNNKernelSet
import CNNKernelsPortable
import Foundation

#if canImport(CNNKernelsX86V3)
  import CNNKernelsX86V3
#endif
#if canImport(CNNKernelsX86V4)
  import CNNKernelsX86V4
#endif

/// Chooses the engine's kernel set at run time: the best this build holds that the processor (as
/// CPUID and XGETBV report it) runs, unless the `CNNCALC_KERNELS` environment variable names one.
///
/// A set's module is touched only after its level is confirmed: even its global initialiser is
/// compiled for its instruction set.
public enum KernelSelection {
  /// The environment variable that forces a kernel set by name.
  public static let environmentVariable = "CNNCALC_KERNELS"

  /// The sets this build holds, best first, each with the x86-64 level it needs (0: none).
  static let built: [(name: String, level: Int32, make: @Sendable () -> KernelSet)] = {
    var sets: [(name: String, level: Int32, make: @Sendable () -> KernelSet)] = []
    #if canImport(CNNKernelsX86V4)
      sets.append(("x86-64-v4", 4, { .x86_64_v4 }))
    #endif
    #if canImport(CNNKernelsX86V3)
      sets.append(("x86-64-v3", 3, { .x86_64_v3 }))
    #endif
    sets.append(("portable", 0, { .portable }))
    return sets
  }()

  /// The names of every set this build holds, best first.
  public static var builtNames: [String] { built.map(\.name) }

  /// The processor's x86-64 level (1 to 4; 0 on another architecture).
  public static let processorLevel = Int(cnncalc_x86_64_level())

  /// The sets this processor runs, best first; the portable set is always last.
  public static let available: [KernelSet] = built.filter { $0.level <= processorLevel }.map { $0.make() }

  /// The set `CNNCALC_KERNELS` names, read once; nil when it is unset or empty.
  public static let requestedName: String? = ProcessInfo.processInfo.environment[environmentVariable].flatMap {
    $0.isEmpty ? nil : $0
  }

  /// The set `CNNCALC_KERNELS` asks for, or the best available when it is unset or empty.
  public static let requested: Result<KernelSet, KernelSelectionError> = choose(requestedName)

  /// What the engine uses unless told otherwise: the requested set, or the best available when the
  /// request cannot be met (the commands report that request as an error before running).
  public static var preferred: KernelSet { (try? requested.get()) ?? available[0] }

  /// The set `name` names (nil or empty: the best available).
  public static func choose(_ name: String?) -> Result<KernelSet, KernelSelectionError> {
    guard let name, !name.isEmpty else { return .success(available[0]) }
    guard let entry = built.first(where: { $0.name == name }) else {
      return .failure(.unknown(name, known: builtNames))
    }
    guard entry.level <= processorLevel else {
      return .failure(
        .unsupported(name, processorLevel: processorLevel, available: available.map(\.name)))
    }
    return .success(available.first { $0.name == name }!)
  }
}

/// Why a requested kernel set cannot be used.
public enum KernelSelectionError: Error, Equatable, CustomStringConvertible {
  /// No set of that name in this build.
  case unknown(String, known: [String])
  /// The processor lacks an instruction set the named set needs.
  case unsupported(String, processorLevel: Int, available: [String])

  public var description: String {
    switch self {
    case .unknown(let name, let known):
      "\(KernelSelection.environmentVariable)=\(name): no kernel set of that name; this build has "
        + known.joined(separator: ", ")
    case .unsupported(let name, let level, let available):
      "\(KernelSelection.environmentVariable)=\(name): this processor cannot run it "
        + "(it supports x86-64-v\(level) at most); it runs " + available.joined(separator: ", ")
    }
  }
}

extension KernelSelection {
  /// How the set in use was chosen, for people: forced by the environment, or from the processor.
  public static var howChosen: String {
    if requestedName != nil { return "forced by \(environmentVariable)" }
    return processorLevel > 0
      ? "the best this x86-64-v\(processorLevel) processor runs (CPUID); \(environmentVariable) forces another"
      : "the only set on this architecture"
  }
}
