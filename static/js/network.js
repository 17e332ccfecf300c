/* The network of a pilot site: organizations (coloured by type) and their relationships (colour, line style and
   arrow by kind, as in the page's legend). Names sit under their node on a white background; a relationship's
   name shows only while a line or one of its organizations is pointed at (or a line is tapped), so labels never
   pile up. On a narrow screen the graph is laid out tall rather than wide, so that names stay readable without
   zooming, and the page scrolls past it. */
(function () {
  "use strict";
  var box = document.getElementById("network");
  if (!box || !window.cytoscape) { return; }
  var elements = JSON.parse(document.getElementById(box.dataset.elementsId).textContent);
  var kinds = JSON.parse(document.getElementById(box.dataset.kindsId).textContent);
  var narrow = box.clientWidth < 576;
  var style = [
    { selector: "node", style: {
      "background-color": "data(color)", width: 22, height: 22, "border-width": 2, "border-color": "#fff",
      label: "data(label)", "font-size": 12, color: "#212529", "text-wrap": "wrap", "text-max-width": narrow ? 110 : 130,
      "text-valign": "bottom", "text-margin-y": 4, "text-background-color": "#fff", "text-background-opacity": 0.9,
      "text-background-padding": 2, "text-background-shape": "roundrectangle"
    } },
    { selector: "node.hover", style: { "border-color": "#212529", "z-index": 10 } },
    { selector: "edge", style: {
      width: 3, "curve-style": "bezier", "arrow-scale": 1.2, label: "", "font-size": 12, color: "#212529",
      "text-background-color": "#fff", "text-background-opacity": 1, "text-background-padding": 2,
      "text-background-shape": "roundrectangle", "text-border-width": 1, "text-border-color": "#adb5bd",
      "text-border-opacity": 1
    } },
    { selector: "edge.show-label", style: { label: "data(label)", width: 4, "z-index": 20 } }
  ];
  kinds.forEach(function (kind) {
    style.push({ selector: 'edge[kind = "' + kind.kind + '"]', style: {
      "line-color": kind.color, "line-style": kind.line, "target-arrow-color": kind.color,
      "target-arrow-shape": kind.arrow ? "triangle" : "none"
    } });
  });
  var graph = window.cytoscape({
    container: box,
    elements: elements,
    style: style,
    minZoom: 0.3,
    maxZoom: 2.5,
    boxSelectionEnabled: false,
    // On a phone the page must scroll past the graph: no panning or pinching inside it.
    userPanningEnabled: !narrow,
    userZoomingEnabled: !narrow
  });

  var padding = 16;
  var size = 12;
  function drawingShape() { return graph.elements().boundingBox({ includeLabels: true }); }
  function layOut() {
    graph.layout({
      name: "cose", animate: false, randomize: false, fit: false, nodeDimensionsIncludeLabels: true,
      idealEdgeLength: function () { return 50; }, nodeRepulsion: function () { return 4000; },
      nodeOverlap: 12, componentSpacing: 40, gravity: 1
    }).run();
    // Turn the drawing to the shape of its box: upright on a phone, lying on a desk.
    var shape = drawingShape();
    if ((shape.w > shape.h) === narrow) {
      graph.nodes().positions(function (node) { return { x: node.position("y"), y: node.position("x") }; });
      shape = drawingShape();
    }
    // As tall as the drawing needs at the zoom that fills the width (at most 1:1 on a phone; on a desk at most
    // three quarters of the window, where the graph can be panned and zoomed).
    var zoom = Math.min(narrow ? 1 : 1.25, (box.clientWidth - 2 * padding) / shape.w);
    var height = Math.max(narrow ? 240 : 360, Math.ceil(shape.h * zoom + 2 * padding));
    box.style.height = (narrow ? height : Math.min(height, Math.round(window.innerHeight * 0.75))) + "px";
    graph.resize();
    graph.fit(undefined, padding);
  }
  // A circle first, so that the force-directed layout starts from the same place every time.
  graph.layout({ name: "circle", animate: false, fit: false }).run();
  layOut();
  // Names must read at 12 px on the screen: where the drawing had to shrink, write them larger and lay out again.
  for (var round = 0; round < 3 && size * graph.zoom() < 11.9; round += 1) {
    size = Math.ceil(12 / graph.zoom());
    graph.style().selector("node").style("font-size", size).selector("edge").style("font-size", size).update();
    layOut();
  }
  if (graph.zoom() > 1.5) { graph.zoom({ level: 1.5, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } }); }
  box.dataset.labelSize = (size * graph.zoom()).toFixed(1);

  function showLabels(edges, on) { if (on) { edges.addClass("show-label"); } else { edges.removeClass("show-label"); } }
  graph.on("mouseover", "node", function (event) {
    event.target.addClass("hover");
    showLabels(event.target.connectedEdges(), true);
    box.classList.add("pointing");
  });
  graph.on("mouseout", "node", function (event) {
    event.target.removeClass("hover");
    showLabels(event.target.connectedEdges(), false);
    box.classList.remove("pointing");
  });
  graph.on("mouseover", "edge", function (event) { showLabels(event.target, true); });
  graph.on("mouseout", "edge", function (event) { if (!event.target.selected()) { showLabels(event.target, false); } });
  graph.on("select", "edge", function (event) { showLabels(event.target, true); });
  graph.on("unselect", "edge", function (event) { showLabels(event.target, false); });
  graph.on("tap", "node", function (event) { window.location.href = event.target.data("url"); });
  box.dataset.ready = "true";
  box.portalGraph = graph;
})();
