import CNNReport

/// Small helpers for writing SVG and HTML text by hand.
enum SVG {
  /// `text` safe inside an element or a double-quoted attribute.
  static func escaped(_ text: String) -> String { XMLText.escaped(text) }

  /// A coordinate with at most one decimal: `12`, `12.5`.
  static func number(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
  }

  /// The colours of the drawings: light by default, dark under `prefers-color-scheme: dark`, and
  /// plain black on white when printed.
  static let style = """
    svg{--ink:#1f2328;--muted:#59636e;--paper:#ffffff;--box:#f6f8fa;--line:#8c959f;--group:#ddf4ff;\
    --input:#fff8c5;--warning:#bf8700;--error:#cf222e;--note:#0969da;--accent:#0969da;\
    font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
    @media (prefers-color-scheme:dark){svg{--ink:#e6edf3;--muted:#9198a1;--paper:#0d1117;--box:#161b22;\
    --line:#6e7681;--group:#0c2d6b;--input:#3b2e00;--warning:#d29922;--error:#f85149;--note:#4493f8;\
    --accent:#4493f8}}
    @media print{svg{--ink:#000;--muted:#333;--paper:#fff;--box:#fff;--line:#555;--group:#eee;--input:#fff}}
    .paper{fill:var(--paper)}
    .node rect{fill:var(--box);stroke:var(--line);stroke-width:1}
    .node.group rect{fill:var(--group)}
    .node.input rect{fill:var(--input)}
    .node.warning rect{stroke:var(--warning);stroke-width:2.5}
    .node.error rect{stroke:var(--error);stroke-width:2.5}
    .node.note rect{stroke:var(--note);stroke-width:1.5}
    .node:focus rect,.node:hover rect{stroke:var(--accent);stroke-width:2.5}
    .node:focus{outline:none}
    .node text{text-anchor:middle}
    .name{fill:var(--ink);font-weight:600}
    .op,.shape{fill:var(--muted)}
    .edge{fill:none;stroke:var(--line);stroke-width:1.2}
    .arrow{fill:var(--line)}
    .axis,.grid{stroke:var(--line);stroke-width:1;fill:none}
    .grid{stroke-dasharray:2 3;opacity:.6}
    .label{fill:var(--muted)}
    .title{fill:var(--ink);font-weight:600;font-size:14px}
    .series-rf{fill:none;stroke:var(--accent);stroke-width:2}
    .series-jump{fill:none;stroke:var(--warning);stroke-width:1.5;stroke-dasharray:5 3}
    .series-memory{fill:none;stroke:var(--accent);stroke-width:1.5}
    .area{fill:var(--accent);opacity:.15}
    .band{fill:var(--accent);opacity:.18}
    .reference{stroke:var(--muted);stroke-width:1;stroke-dasharray:6 4}
    .dot{fill:var(--accent)}
    .whole{fill:var(--paper);stroke:var(--accent);stroke-width:2}
    .peak{fill:var(--error)}
    .live-tick{stroke:var(--error);stroke-width:2}
    .bar-macs{fill:var(--accent)}
    .bar-params{fill:var(--warning)}
    .legend{fill:var(--muted)}
    """
}
