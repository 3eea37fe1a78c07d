/// The style sheet and the script of the HTML report (`HTMLReport`). The drawings' own colours
/// come from `SVG.style`, which the page includes before this sheet; class names here avoid
/// those the drawings use (`name`, `label`, `node`, …).
enum HTMLPage {
  static let style = """
    :root{color-scheme:light dark;--ink:#1f2328;--muted:#59636e;--paper:#ffffff;--box:#f6f8fa;--line:#d1d9e0;\
    --accent:#0969da;--warning:#9a6700;--error:#cf222e;--note:#0969da;--selected:#ddf4ff}
    @media (prefers-color-scheme:dark){:root{--ink:#e6edf3;--muted:#9198a1;--paper:#0d1117;--box:#161b22;\
    --line:#3d444d;--accent:#4493f8;--warning:#d29922;--error:#f85149;--note:#4493f8;--selected:#0c2d6b}}
    body{margin:0;background:var(--paper);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
    header,main{padding:0 1.5rem}
    h1{font-size:1.5rem;margin:1rem 0 .2rem}
    h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
    a{color:var(--accent)}
    .subtitle,.hint{color:var(--muted);margin:.2rem 0}
    .incomplete{color:var(--error)}
    dl.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:.2rem 1.5rem;margin:.8rem 0}
    dl.totals div{display:flex;gap:.6rem}
    dl.totals dt{color:var(--muted);min-width:7.5rem}
    dl.totals dd{margin:0;font-variant-numeric:tabular-nums}
    nav{display:flex;flex-wrap:wrap;gap:1rem;margin:.6rem 0 0;padding:.4rem 0;border-top:1px solid var(--line)}
    svg.defs{position:absolute}
    .fold{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
    .fold span{color:var(--muted)}
    button{font:inherit;color:inherit;background:var(--box);border:1px solid var(--line);border-radius:6px;\
    padding:.15rem .6rem;cursor:pointer}
    button[aria-pressed=true]{border-color:var(--accent);background:var(--selected)}
    .graph-area{display:flex;gap:1rem;align-items:flex-start}
    .drawings{flex:1;min-width:0;overflow:auto;max-height:85vh;border:1px solid var(--line);border-radius:6px}
    figure.drawing{margin:0}
    figure.drawing svg{display:block;margin:0 auto}
    .node{cursor:pointer}
    .node.selected rect{stroke:var(--accent);stroke-width:3;fill:var(--selected)}
    #details{flex:0 0 22rem;position:sticky;top:.5rem;max-height:85vh;overflow:auto;border:1px solid var(--line);\
    border-radius:6px;padding:.2rem .9rem .8rem;background:var(--box)}
    #details h3{margin:.6rem 0 .2rem;font-size:1rem;word-break:break-all}
    #details dl{display:grid;grid-template-columns:auto 1fr;gap:.1rem .8rem;margin:.4rem 0}
    #details dt{color:var(--muted)}
    #details dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
    #details ul{padding-left:1.2rem;margin:.3rem 0}
    .chart{overflow-x:auto}
    .chart svg{display:block;max-width:100%;height:auto}
    .table-scroll{overflow-x:auto}
    table.layers{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
    table.layers th,table.layers td{padding:.15rem .6rem;border-bottom:1px solid var(--line);text-align:left;\
    white-space:nowrap}
    table.layers tbody th{font-weight:500}
    table.layers .num,table.layers td:nth-child(n+6){text-align:right}
    table.layers thead th{position:sticky;top:0;background:var(--paper)}
    table.layers thead button{border:0;background:none;padding:0;font-weight:600}
    table.layers thead th[aria-sort=ascending] button::after{content:" ▲"}
    table.layers thead th[aria-sort=descending] button::after{content:" ▼"}
    table.layers tr.selected{background:var(--selected)}
    a.mark{display:inline-block;min-width:1.1em;text-align:center;border-radius:50%;color:var(--paper);\
    text-decoration:none;font-weight:700;font-size:11px}
    a.mark.warning{background:var(--warning)}
    a.mark.error{background:var(--error)}
    a.mark.note{background:var(--note)}
    ol.diagnostics{padding-left:1.5rem}
    li.diagnostic{margin:.5rem 0}
    li.diagnostic p{margin:0}
    li.diagnostic pre{margin:.2rem 0;padding:.4rem .6rem;background:var(--box);border-radius:6px;overflow-x:auto}
    .severity{font-weight:600}
    li.warning .severity{color:var(--warning)}
    li.error .severity{color:var(--error)}
    li.note .severity{color:var(--note)}
    li.diagnostic.selected pre{outline:2px solid var(--accent)}
    @media print{nav,.fold,.hint,#details,svg.defs{display:none}.drawings{max-height:none;overflow:visible;border:0}\
    .graph-area{display:block}table.layers thead button::after{content:none}button{border:0;background:none}\
    section{break-inside:avoid-page}}
    """

  /// Plain JavaScript, no library: the fold switch, selecting a box or row (details panel, the
  /// box in the graph, the row in the table), expanding a folded group one level deeper, sorting
  /// the table. Layers are found by name through the table's rows (`data-layer`, `data-index`).
  static let script = """
    "use strict";
    (function () {
      var details = document.getElementById("details");
      var table = document.querySelector("table.layers");
      var tbody = table.tBodies[0];
      var rows = Array.prototype.slice.call(tbody.rows);
      var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
        return cell.textContent;
      });
      var rowByName = {};
      var rowByIndex = {};
      function nameOf(row) { return row.id.slice(6); }
      /** A cell's number: its data-sort, else its text without the commas (blank: 0). */
      function valueOf(cell) {
        if (cell.hasAttribute("data-sort")) return Number(cell.getAttribute("data-sort"));
        return Number(cell.textContent.replace(/,/g, "")) || 0;
      }
      rows.forEach(function (row, order) {
        row.setAttribute("data-order", String(order));
        rowByName[nameOf(row)] = row;
        if (row.hasAttribute("data-index")) rowByIndex[row.getAttribute("data-index")] = row;
      });
      var views = Array.prototype.slice.call(document.querySelectorAll("figure.drawing"));
      var foldButtons = Array.prototype.slice.call(document.querySelectorAll(".fold button"));
      var selected = null;

      function currentView() {
        for (var i = 0; i < views.length; i++) if (!views[i].hidden) return views[i];
        return null;
      }
      function showView(view) {
        views.forEach(function (each) { each.hidden = each !== view; });
        foldButtons.forEach(function (button) {
          button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === view.id));
        });
      }
      /** The box drawing layer `name` in `view`: its own, or the folded group holding it. */
      function boxFor(view, name) {
        if (!view) return null;
        var nodes = view.querySelectorAll(".node");
        var row = rowByName[name];
        var index = row && row.hasAttribute("data-index") ? Number(row.getAttribute("data-index")) : -1;
        for (var i = 0; i < nodes.length; i++) {
          var node = nodes[i];
          if (node.getAttribute("data-layer") === name) return node;
          if (index >= 0 && node.hasAttribute("data-first")) {
            var first = Number(node.getAttribute("data-first"));
            if (index >= first && index < first + Number(node.getAttribute("data-count"))) return node;
          }
        }
        return null;
      }
      function element(tag, text, className) {
        var made = document.createElement(tag);
        if (text !== undefined) made.textContent = text;
        if (className) made.className = className;
        return made;
      }
      function layerButton(name) {
        var button = element("button", name);
        button.type = "button";
        button.addEventListener("click", function () { select(name, true); });
        return button;
      }
      function diagnosticsOf(names) {
        var list = element("ul");
        document.querySelectorAll("li.diagnostic").forEach(function (item) {
          if (names.indexOf(item.getAttribute("data-layer")) < 0) return;
          var entry = element("li");
          var link = element("a", item.querySelector("pre").textContent.split("\\n")[0]);
          link.href = "#" + item.id;
          entry.appendChild(link);
          list.appendChild(entry);
        });
        return list.childNodes.length ? list : null;
      }
      function facts(pairs) {
        var list = element("dl");
        pairs.forEach(function (pair) {
          if (!pair[1]) return;
          list.appendChild(element("dt", pair[0]));
          list.appendChild(element("dd", pair[1]));
        });
        return list;
      }
      function clearSelection() {
        document.querySelectorAll(".selected").forEach(function (each) { each.classList.remove("selected"); });
      }
      function mark(box, focus) {
        if (!box) return;
        box.classList.add("selected");
        if (box.scrollIntoView) box.scrollIntoView({ block: "nearest", inline: "nearest" });
        if (focus) box.focus();
      }
      /** Shows layer `name`: its numbers, its box (or its group's) in the graph, its table row. */
      function select(name, focus) {
        var row = rowByName[name];
        if (!row) return;
        selected = name;
        clearSelection();
        row.classList.add("selected");
        var box = boxFor(currentView(), name);
        mark(box, focus);
        details.textContent = "";
        details.appendChild(element("h3", name));
        var pairs = Array.prototype.map.call(row.cells, function (cell, column) {
          return [headers[column], cell.textContent];
        });
        details.appendChild(facts(pairs.slice(2)));
        if (box && box.getAttribute("data-layer") !== name) {
          details.appendChild(element("p", "Drawn inside the folded group " + box.getAttribute("data-layer") + ".", "hint"));
        }
        var found = diagnosticsOf([name]);
        if (found) details.appendChild(found);
        var show = element("button", "Show in the table");
        show.type = "button";
        show.addEventListener("click", function () { row.scrollIntoView({ block: "center" }); });
        details.appendChild(show);
      }
      function sum(members, column) {
        return members.reduce(function (total, row) {
          return total + valueOf(row.cells[column]);
        }, 0);
      }
      /** Shows a folded group: its sums, its layers, and Expand when a finer drawing exists. */
      function selectGroup(box, focus) {
        clearSelection();
        mark(box, focus);
        var first = Number(box.getAttribute("data-first"));
        var count = Number(box.getAttribute("data-count"));
        var members = [];
        for (var i = first; i < first + count; i++) if (rowByIndex[i]) members.push(rowByIndex[i]);
        var texts = box.querySelectorAll("text");
        details.textContent = "";
        details.appendChild(element("h3", box.getAttribute("data-layer")));
        var format = function (value) { return value.toLocaleString("en-US"); };
        details.appendChild(facts([
          ["Block", texts[1] ? texts[1].textContent : ""], ["Output", texts[2] ? texts[2].textContent : ""],
          ["Layers", String(count)], ["Params", format(sum(members, 5))], ["MACs", format(sum(members, 7))],
          ["Memory", format(sum(members, 9)) + " bytes allocated"]
        ]));
        var view = currentView();
        var finer = views[views.indexOf(view) + 1];
        if (finer) {
          var expand = element("button", "Expand");
          expand.type = "button";
          expand.addEventListener("click", function () {
            showView(finer);
            var firstRow = rowByIndex[first];
            var inner = firstRow ? boxFor(finer, nameOf(firstRow)) : null;
            if (inner && inner.hasAttribute("data-first")) selectGroup(inner, true);
            else if (firstRow) select(nameOf(firstRow), true);
          });
          details.appendChild(expand);
        }
        var names = members.map(nameOf);
        var found = diagnosticsOf(names);
        if (found) details.appendChild(found);
        var list = element("ul");
        names.forEach(function (name) {
          var entry = element("li");
          entry.appendChild(layerButton(name));
          list.appendChild(entry);
        });
        details.appendChild(list);
      }
      function activate(box) {
        if (box.hasAttribute("data-first")) selectGroup(box, false);
        else select(box.getAttribute("data-layer"), false);
      }
      views.forEach(function (view) {
        view.addEventListener("click", function (event) {
          var box = event.target.closest(".node");
          if (box) activate(box);
        });
        view.addEventListener("keydown", function (event) {
          var box = event.target.closest(".node");
          if (box && (event.key === "Enter" || event.key === " ")) {
            event.preventDefault();
            activate(box);
          }
        });
      });
      foldButtons.forEach(function (button) {
        button.addEventListener("click", function () {
          showView(document.getElementById(button.getAttribute("data-view")));
          if (selected) select(selected, false);
        });
      });
      // Links to a layer (table names, diagnostics) and chart marks select it in the graph.
      document.addEventListener("click", function (event) {
        var link = event.target.closest('a[href^="#layer-"]');
        var mark = event.target.closest(".chart [data-layer]");
        var name = link ? decodeURIComponent(link.getAttribute("href").slice(7)) : mark ? mark.getAttribute("data-layer") : null;
        if (name === null || !rowByName[name]) return;
        event.preventDefault();
        select(name, false);
        document.getElementById("graph").scrollIntoView({ block: "start" });
      });
      // Sorting: a header's button sorts by its column, again to reverse; `#` restores the order.
      var sortedBy = -1;
      var ascending = true;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, column) {
        cell.querySelector("button").addEventListener("click", function () {
          var numeric = cell.classList.contains("num");
          // Numbers sort largest first at the first click (the heaviest layers on top), `#` and text in order.
          ascending = sortedBy === column ? !ascending : !numeric || column === 0;
          sortedBy = column;
          var ordered = rows.slice().sort(function (a, b) {
            var x = a.cells[column];
            var y = b.cells[column];
            var order = numeric ? valueOf(x) - valueOf(y) : x.textContent.localeCompare(y.textContent);
            if (!ascending) order = -order;
            return order || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
          });
          ordered.forEach(function (row) { tbody.appendChild(row); });
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
            other.removeAttribute("aria-sort");
          });
          cell.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        });
      });
      var hash = decodeURIComponent(location.hash.slice(1));
      if (hash.indexOf("layer-") === 0 && rowByName[hash.slice(6)]) {
        select(hash.slice(6), false);
      }
    })();
    """
}
