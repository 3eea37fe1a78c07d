/// Help texts, tested as whole strings.
enum Help {
  static let overview = """
    cnncalc — shapes, parameters, MACs, memory and receptive fields of convolutional networks

    usage: cnncalc [summary] SPEC…        per-layer table and totals (SPEC: a file or a zoo name)
           cnncalc check PATH…            validate specs and their expect lines (CI gate)
           cnncalc fit SPEC               input sizes for which every layer fits exactly
           cnncalc zoo                    list the bundled specs
           cnncalc diff OLD NEW           what changed: layers and totals with deltas
           cnncalc export SPEC            the expanded graph as a JSON spec (--format json)
           cnncalc explain SPEC LAYER     how LAYER's output size and receptive field are derived
           cnncalc graph SPEC             the network as an SVG drawing (--format dot: Graphviz)
           cnncalc chart SPEC --kind K    an SVG chart: rf (field growth), memory, cost
           cnncalc report SPEC -o F.html  one HTML page: graph, charts, table, diagnostics
           cnncalc verify SPEC            run the reference engine; compare shapes, fields, memory
           cnncalc bench SPEC…            reference engine speed next to the machine's FMA peak

    options:
      --format FORMAT     summary: table, markdown, csv, json; check: text, github, json;
                          diff: table, markdown, json; export: json; explain: text, markdown;
                          graph: svg, dot; report: html
      -o, --output FILE   graph, chart, report: write to FILE instead of standard output
      --kind KIND         chart: rf, memory or cost (default rf)
      --junit FILE        check: also write a JUnit XML report
      --input CxHxW       override the first input's shape (or NAME=CxHxW)
      --batch N           batch size (default 1)
      --dtype TYPE        f32, f16, bf16 or i8 for memory figures (default f32)
      --exact             exact integers instead of short forms in tables
      --columns LIST      summary: layer,type,from,output,params,param%,macs,mac%,memory,rf,jump,start
                          or all (default: all that fit the terminal)
      --width N           summary, verify: fit the table into N characters (default: the terminal's)
      --depth N           summary, graph: fold groups below level N (0: the network, 1: layer1, …)
      --strict            check: warnings fail too
      --verbose           check: print notes too; bench: every layer's time
      --radius N          fit: how far from the declared size to search (default 64)
      --threads N         verify, bench: engine threads (default: all processors)
      --max-memory SIZE   verify: refuse runs that need more (default: half the memory)
      --seed N, --runs N  verify, bench: weight seed; bench: timed runs
      --timings           verify: add per-layer times (output then differs run to run)
      --help, --version

    exit codes: 0 success; 1 spec errors, failed expect lines (check --strict: warnings);
                2 usage error or unreadable file
    docs: docs/cli.md, docs/spec-format.md, docs/conventions.md

    """

  static func text(for command: String) -> String {
    switch command {
    case "check":
      return """
        usage: cnncalc check [--strict] [--verbose] [--format text|github|json] [--junit FILE] PATH…

        Checks every .cnn and .json file under each PATH (folders recursively): syntax, shapes, merges and
        expect lines. Prints each error and warning (with --verbose, notes too) with
        file:line:column, then a summary line.
        Exit 0 when all pass, 1 when any spec has errors (with --strict: warnings), 2 when a path
        cannot be read.

        """
    case "fit":
      return """
        usage: cnncalc fit [--radius N] SPEC

        Says whether every layer fits the declared input exactly (no layer drops pixels, skips a
        ceil-mode window, runs a window past the padded input or pads unevenly), and for each
        layer that does not, the padding or input that fixes it; then the nearest sizes on either
        side that fit and every fitting size within N (default 64) of the declared one, grouped.
        An input that is not square is varied one axis at a time.

        """
    case "verify":
      return """
        usage: cnncalc verify [--threads N] [--max-memory SIZE] [--seed N] [--timings] [--width N] SPEC

        Runs the network on seeded random weights with the reference engine and compares, layer
        by layer, the measured output shapes, receptive fields and live memory with the calculated
        ones. Exit 0 when all agree, 1 on a mismatch. The output is the same on every run;
        --timings adds per-layer times and the speed, from a third pass after two that draw the
        weights and settle the memory. On a terminal (or with --width) the table fits the width.
        See docs/verify.md.

        """
    case "bench":
      return """
        usage: cnncalc bench [--threads N] [--runs N] [--batch N] [--verbose] [--unfused] [--no-winograd]
                             [--format text|json] SPEC…

        Measures the machine's FMA peak, then the median forward-pass time of each network after a
        warm-up, its GFLOP/s (2 × MACs / time), the slowest layers (with --verbose, every layer in
        network order: mean time and GFLOP/s) and the time per operator. A batch norm, ReLU or
        ReLU6 right after a convolution, and a ReLU right after a sum, run inside it, and a batch
        runs a few samples at a time up to its first fully connected layer (same results bit for
        bit, less memory traffic). 3 × 3 stride-1 convolutions of at least 128 input and output
        channels run as Winograd F(2 × 2, 3 × 3), marked "Winograd": 16 multiplications per 2 × 2
        tile instead of 36, the same results up to rounding; their GFLOP/s count the direct
        convolution's multiply-adds, so they can pass the FMA peak. --no-winograd runs them as
        direct sums; --unfused runs every layer on its own, directly, and the whole batch at once,
        as verify does.

        """
    case "diff":
      return """
        usage: cnncalc diff [--format table|markdown|json] [--input CxHxW] [--batch N] [--dtype TYPE] OLD NEW

        Compares two versions of a network, layers matched by name: the layers added, removed
        and changed (operator, shape, params, MACs, receptive field; a changed field shows the
        figures that moved), every total with its exact delta and percentage, and the warnings
        and notes of NEW, each marked new, kept or gone against OLD. NEW's diagnostics are also
        printed in full on stderr. --format markdown is for pull-request comments.

        """
    case "graph":
      return """
        usage: cnncalc graph [--format svg|dot] [--depth N] [-o FILE] SPEC

        Draws the network top to bottom: a box per input and layer (name, operator, output
        shape; boxes with warnings or errors outlined) and an arrow per connection, laid out in
        rows with crossings reduced. Networks of more than 60 layers are folded at the deepest
        level of their groups and block instances that still draws at most 80 boxes;
        --depth N folds at level N (--depth 64 draws every layer). SVG by default (self-contained, light and dark colours, text as
        text); --format dot writes Graphviz DOT.

        """
    case "chart":
      return """
        usage: cnncalc chart [--kind rf|memory|cost] [-o FILE] [--input CxHxW] [--batch N] [--dtype T] SPEC

        Draws one chart as a standalone SVG. rf: the receptive-field size per layer in execution
        order with the jump as a step line, the input extent as a reference, bands where paths
        differ, whole fields marked. memory: the live activation bytes while each layer runs,
        the peak marked, the forward total and parameter bytes beside it. cost: parameters and
        MACs per layer (per top-level group above 40 layers) with their shares.

        """
    case "report":
      return """
        usage: cnncalc report [-o FILE] [--input CxHxW] [--batch N] [--dtype T] SPEC

        Writes one self-contained HTML page (no network access: inline CSS, SVG and a little
        JavaScript) with the network's graph (switch between fold levels, click or Enter on a
        box for all its numbers, Expand a folded group), the receptive-field, memory and cost
        charts, the layer table (exact figures, sortable) and the diagnostics linked to their
        layers. Light and dark colours, printable. Written for any spec that parses; what
        could not be computed says so, and an error makes the exit code 1.

        """
    case "explain":
      return """
        usage: cnncalc explain [--format text|markdown] [--input CxHxW] SPEC LAYER

        Derives LAYER's output size and receptive field step by step from the network input:
        for every layer it depends on, the output-size arithmetic with the numbers filled in
        (⌊(224 − 11)/4⌋ + 1 = ⌊53.25⌋ + 1 = 54, and which input rows no window reaches) and the
        receptive-field recurrence (r = r′ + (k − 1)·j′, j = j′·s, c = c′ + ((k − 1)/2 − b)·j′),
        or the rule for merges, resampling and transposed convolutions; then the field along
        the way as a table. LAYER may also name a block instance or group (its output layer).
        See docs/conventions.md for the notation.

        """
    case "zoo":
      return "usage: cnncalc zoo\n\nLists the bundled specs; any of their names can be given instead of a path.\n"
    default:
      return overview
    }
  }
}
