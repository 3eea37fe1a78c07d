import CNNGraph

/// Searches input sizes near the declared one for which no layer drops pixels (floor-mode
/// truncation), skips a ceil-mode window, runs a window past the padded input, or pads unevenly.
public enum Fit {
  /// One candidate input size and how far it gets.
  public struct Candidate: Sendable, Equatable {
    /// The spatial extents tried (all axes of the first input).
    public var extents: [Int]
    /// Index of the first layer with a problem at this size; nil when every layer fits.
    public var firstProblem: Int?
    /// Whether the network is valid at all at this size.
    public var isValid: Bool
    /// The one axis varied (an index into `extents`), or nil when all axes were varied together.
    public var axis: Int? = nil

    /// Whether every layer fits exactly.
    public var fitsEverywhere: Bool { isValid && firstProblem == nil }
  }

  /// The outcome of a search around the first input's declared size.
  public struct Report: Sendable {
    /// The input searched.
    public var inputName: String
    /// Its declared spatial extents.
    public var declared: [Int]
    /// Every size tried, in increasing order.
    public var candidates: [Candidate]
    /// Whether all spatial axes were varied together (the declared input is square or cubic).
    public var isSquare: Bool

    /// The candidates that fit everywhere, nearest to the declared size first (larger wins a tie).
    public var fitting: [Candidate] {
      nearestFirst(candidates.filter(\.fitsEverywhere))
    }

    /// The searches made: `[nil]` when all axes varied together, else one per spatial axis.
    public var searches: [Int?] { isSquare ? [nil] : declared.indices.map { Optional($0) } }

    /// What one search found: the nearest fitting sizes on either side of the declared one and
    /// every fitting size in increasing order, as the varied extent (the first one when square).
    public func sizes(along axis: Int?) -> Sizes {
      let centre = declared[axis ?? 0]
      let fits = candidates.filter { $0.axis == axis && $0.fitsEverywhere }.map { $0.extents[axis ?? 0] }
      return Sizes(declared: centre, fitting: fits)
    }

    /// The name of a varied axis in messages: `frame`, `row`, `column`, … (nil: all together).
    public func axisName(_ axis: Int?) -> String {
      axis.map { FindingReporter.axisNoun($0, rank: declared.count) } ?? "all axes"
    }

    /// `candidates` ordered by distance from the declared size, the larger size first on a tie.
    func nearestFirst(_ candidates: [Candidate]) -> [Candidate] {
      candidates.sorted { Fit.isNearer((distance($0), $0.extents[0]), than: (distance($1), $1.extents[0])) }
    }

    func distance(_ candidate: Candidate) -> Int {
      zip(candidate.extents, declared).map { abs($0 - $1) }.max() ?? 0
    }
  }

  /// The fitting extents of one search, along the varied axis.
  public struct Sizes: Sendable, Equatable {
    /// The declared extent.
    public var declared: Int
    /// Every extent in the search that fits every layer, in increasing order.
    public var fitting: [Int]
    /// The largest fitting extent below the declared one.
    public var below: Int?
    /// The smallest fitting extent above the declared one.
    public var above: Int?

    /// Fitting extents (in increasing order) around a declared one.
    public init(declared: Int, fitting: [Int]) {
      self.declared = declared
      self.fitting = fitting
      below = fitting.last { $0 < declared }
      above = fitting.first { $0 > declared }
    }

    /// The fitting extents next to the declared one (below and above), the nearer first.
    public var neighbours: [Int] {
      [below, above].compactMap { $0 }.sorted {
        Fit.isNearer((abs($0 - declared), $0), than: (abs($1 - declared), $1))
      }
    }

    /// Whether the declared extent itself fits.
    public var declaredFits: Bool { fitting.contains(declared) }

    /// `fitting` as runs: a lone size, a range of consecutive sizes, or an arithmetic progression
    /// with a step above 1 (only when the whole list is one); `[160...288]`, `[163, 195, 227]`.
    public var runs: Runs {
      guard fitting.count > 1 else { return .list(fitting.map { $0...$0 }) }
      let steps = Set(zip(fitting.dropFirst(), fitting).map { $0 - $1 })
      if steps.count == 1, let step = steps.first, step > 1 { return .progression(fitting, step: step) }
      var ranges: [ClosedRange<Int>] = []
      for size in fitting {
        if let last = ranges.last, last.upperBound + 1 == size {
          ranges[ranges.count - 1] = last.lowerBound...size
        } else {
          ranges.append(size...size)
        }
      }
      return .list(ranges)
    }

    /// How the fitting sizes group.
    public enum Runs: Sendable, Equatable {
      /// Runs of consecutive sizes (a lone size is a one-element range).
      case list([ClosedRange<Int>])
      /// Sizes spaced `step` apart, all of them.
      case progression([Int], step: Int)
    }
  }

  /// The order of every "nearest first" list: the smaller distance from the declared size first,
  /// the larger size on a tie (227 before 221 around 224).
  static func isNearer(_ a: (distance: Int, size: Int), than b: (distance: Int, size: Int)) -> Bool {
    a.distance != b.distance ? a.distance < b.distance : a.size > b.size
  }

  /// How far from the declared size to search by default (each side).
  public static let defaultRadius = 64

  /// Tries every size within `radius` of the declared one. Square inputs vary all axes together;
  /// otherwise each axis varies alone with the others as declared.
  public static func search(_ network: Network, radius: Int = defaultRadius) -> Report? {
    guard let input = network.inputs.first, input.shape.count >= 2 else { return nil }
    let declared = Array(input.shape.dropFirst())
    let isSquare = Set(declared).count == 1
    var candidates: [Candidate] = []
    let axes = isSquare ? [nil] : declared.indices.map { Optional($0) }
    for axis in axes {
      let centre = axis.map { declared[$0] } ?? declared[0]
      for size in max(1, centre - radius)...(centre + radius) {
        var extents = declared
        if let axis { extents[axis] = size } else { extents = Array(repeating: size, count: declared.count) }
        var candidate = probe(network, extents: extents)
        candidate.axis = axis
        candidates.append(candidate)
      }
    }
    return Report(inputName: input.name, declared: declared, candidates: candidates, isSquare: isSquare)
  }

  /// Runs the shape calculation with the first input's spatial extents replaced.
  public static func probe(_ network: Network, extents: [Int]) -> Candidate {
    var resized = network
    resized.inputs[0].shape = [network.inputs[0].shape[0]] + extents
    var run = AnalysisRun(network: resized, options: AnalysisOptions())
    run.computeLayers()
    let valid = run.layers.count == network.layers.count
    let firstProblem = run.findings.firstIndex { !$0.isEmpty } ?? (valid ? nil : run.layers.count)
    return Candidate(extents: extents, firstProblem: firstProblem, isValid: valid)
  }
}

extension AnalysisRun {
  /// Adds "network input N fits" to truncation hints, when the network has one input.
  mutating func addFitHints() {
    guard network.inputs.count == 1, diagnostics.contains(where: { $0.code == .truncation }),
      network.layers.count * (2 * Fit.defaultRadius + 1) <= 20_000_000,
      let report = Fit.search(network)
    else { return }
    let layerIndex = Dictionary(network.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    let everywhere = report.fitting.first
    for index in diagnostics.indices where diagnostics[index].code == .truncation {
      guard let name = diagnostics[index].layer, let position = layerIndex[name] else { continue }
      let local = report.nearestFirst(
        report.candidates.filter { $0.isValid && ($0.firstProblem ?? Int.max) > position }
      ).first
      var addition: String
      if let everywhere {
        addition = "network input \(ExtentText.of(everywhere.extents)) fits every layer (cnncalc fit)"
      } else if let local {
        addition = "network input \(ExtentText.of(local.extents)) fits every layer up to \(name) (cnncalc fit)"
      } else {
        continue
      }
      diagnostics[index].hint = [addition, diagnostics[index].hint].compactMap { $0 }.joined(separator: "; ")
    }
  }

}
