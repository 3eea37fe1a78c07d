// The browser check's probe (scripts/browser-check.sh): appended to a copy of a cnncalc HTML
// report, it runs in headless Chromium after the report's own script and writes its verdict into
// the page, which --dump-dom prints. It fails on:
//  - a JavaScript error (window.__cnncalcErrors, filled by a listener the check puts first in <head>);
//  - a blank or broken picture: an SVG with no area, a drawing with no boxes, a box whose
//    rectangle has no area or no fill, an arrow of zero length, a chart without marks;
//  - overlapping boxes, measured from the rendered boxes' bounding rectangles in every fold view;
//  - interaction that does nothing: selecting a box must fill the details panel, Expand must
//    switch to a finer drawing, sorting must reorder the table.
(function () {
  "use strict";
  var problems = [];
  var facts = [];
  function fail(message) { if (problems.length < 20) problems.push(message); }
  function area(rect) { return rect.width * rect.height; }
  // The report's own errors first (its script ran before this probe), then what the probe finds.
  function reportErrors() {
    var errors = window.__cnncalcErrors || [];
    var found = errors.slice(reported);
    reported = errors.length;
    found.forEach(function (message) { fail("JavaScript error: " + message); });
  }
  var reported = 0;
  reportErrors();
  try {
    var svgs = document.querySelectorAll("main svg");
    var views = Array.prototype.slice.call(document.querySelectorAll("figure.drawing"));
    if (views.length === 0) fail("no graph drawing");
    var shown = views.filter(function (view) { return !view.hidden; });
    if (shown.length !== 1) fail(shown.length + " drawings shown at once, not 1");
    var totalBoxes = 0;
    views.forEach(function (view) {
      var wasHidden = view.hidden;
      view.hidden = false;
      var svg = view.querySelector("svg");
      if (!svg || area(svg.getBoundingClientRect()) === 0) fail(view.id + ": the drawing has no area");
      var boxes = Array.prototype.map.call(view.querySelectorAll(".node"), function (node) {
        var rect = node.querySelector("rect");
        var box = rect.getBoundingClientRect();
        if (area(box) === 0) fail(view.id + ": box " + node.getAttribute("data-layer") + " has no area");
        var fill = getComputedStyle(rect).fill;
        if (!fill || fill === "none") fail(view.id + ": box " + node.getAttribute("data-layer") + " is not filled");
        var name = node.querySelector("text");
        if (!name || !name.textContent || area(name.getBoundingClientRect()) === 0) {
          fail(view.id + ": box " + node.getAttribute("data-layer") + " shows no name");
        }
        return { name: node.getAttribute("data-layer"), left: box.left, right: box.right, top: box.top, bottom: box.bottom };
      });
      if (boxes.length === 0) fail(view.id + ": no boxes");
      totalBoxes += boxes.length;
      // Overlaps: sweep by top edge; touching edges are not an overlap.
      boxes.sort(function (a, b) { return a.top - b.top; });
      var epsilon = 0.5;
      for (var i = 0; i < boxes.length; i++) {
        for (var j = i + 1; j < boxes.length && boxes[j].top < boxes[i].bottom - epsilon; j++) {
          var a = boxes[i];
          var b = boxes[j];
          if (a.left < b.right - epsilon && b.left < a.right - epsilon) {
            fail(view.id + ": boxes " + a.name + " and " + b.name + " overlap");
          }
        }
      }
      view.querySelectorAll("path.edge").forEach(function (edge) {
        if (!(edge.getTotalLength() > 0)) fail(view.id + ": an arrow of zero length into " + edge.getAttribute("data-to"));
      });
      view.hidden = wasHidden;
    });
    facts.push(views.length + " views, " + totalBoxes + " boxes");
    // The charts: each section holds an SVG with area and marks, or says why it has none.
    ["field", "memory", "cost"].forEach(function (id) {
      var section = document.getElementById(id);
      if (!section) return fail("no " + id + " section");
      var svg = section.querySelector("svg");
      if (!svg) {
        if (!section.querySelector(".incomplete")) fail(id + ": neither a chart nor a reason");
        return;
      }
      if (area(svg.getBoundingClientRect()) === 0) fail(id + ": the chart has no area");
      var marks = svg.querySelectorAll("polyline, polygon, circle, rect.bar-macs, rect.bar-params");
      if (marks.length === 0) fail(id + ": the chart has no marks");
    });
    if (svgs.length < views.length) fail("fewer pictures than drawings");
    // Interaction: select a layer box, then a group box and expand it, then sort the table.
    var details = document.getElementById("details");
    var view = shown[0];
    var layerBox = view && view.querySelector(".node:not(.group):not(.input)");
    if (layerBox) {
      layerBox.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      var heading = details.querySelector("h3");
      if (!heading || heading.textContent !== layerBox.getAttribute("data-layer")) fail("clicking a box did not show its numbers");
      if (!layerBox.classList.contains("selected")) fail("clicking a box did not mark it");
    }
    var groupBox = view && view.querySelector(".node.group");
    if (groupBox) {
      groupBox.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      var expand = Array.prototype.filter.call(details.querySelectorAll("button"), function (button) {
        return button.textContent === "Expand";
      })[0];
      var finer = views[views.indexOf(view) + 1];
      if (finer && !expand) fail("a folded group offers no Expand");
      if (expand) {
        expand.click();
        if (finer.hidden) fail("Expand did not show the finer drawing");
        if (!finer.querySelector(".node.selected")) fail("Expand selected nothing in the finer drawing");
      }
    }
    var table = document.querySelector("table.layers");
    var rows = table.tBodies[0].rows;
    if (rows.length === 0) fail("the table has no rows");
    var macs = table.tHead.rows[0].cells[7].querySelector("button");
    macs.click();
    var first = rows[0].cells[7].textContent.replace(/,/g, "");
    var most = 0;
    Array.prototype.forEach.call(rows, function (row) {
      most = Math.max(most, Number(row.cells[7].textContent.replace(/,/g, "")) || 0);
    });
    if ((Number(first) || 0) !== most) fail("sorting by MACs did not put the largest first");
    table.tHead.rows[0].cells[0].querySelector("button").click();
    facts.push(rows.length + " rows");
  } catch (error) {
    fail("the check itself threw: " + error);
  }
  reportErrors();
  var verdict = document.createElement("pre");
  verdict.id = "browser-check";
  verdict.textContent = (problems.length ? "BROWSER-CHECK FAIL: " + problems.join("; ") : "BROWSER-CHECK PASS") +
    " (" + facts.join(", ") + ")";
  document.body.appendChild(verdict);
})();
