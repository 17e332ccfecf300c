/* The network of a pilot site: organizations (coloured by type) and their relationships. */
(function () {
  "use strict";
  var box = document.getElementById("network");
  if (!box || !window.cytoscape) { return; }
  var elements = JSON.parse(document.getElementById(box.dataset.elementsId).textContent);
  var graph = window.cytoscape({
    container: box,
    elements: elements,
    layout: { name: "cose", animate: false, randomize: false },
    style: [
      { selector: "node", style: { "background-color": "data(color)", label: "data(label)", "font-size": 10,
                                   "text-wrap": "wrap", "text-max-width": 120 } },
      { selector: "edge", style: { width: 2, "line-color": "#999", "target-arrow-color": "#999",
                                   "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)",
                                   "font-size": 8, color: "#555" } }
    ]
  });
  graph.on("tap", "node", function (event) { window.location.href = event.target.data("url"); });
  box.dataset.ready = "true";
  box.portalGraph = graph;
})();
