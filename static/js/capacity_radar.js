/* The radar chart of domain scores on an organization's capacity page (baseline vs latest). */
(function () {
  "use strict";
  var canvas = document.getElementById("capacity-radar");
  var source = document.getElementById("capacity-chart");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colors = ["#b45f06", "#0b5394"];
  data.datasets.forEach(function (dataset, index) {
    dataset.borderColor = colors[index % colors.length];
    dataset.backgroundColor = index ? "rgba(11, 83, 148, .15)" : "rgba(180, 95, 6, .12)";
    dataset.spanGaps = true;
  });
  new window.Chart(canvas, {
    type: "radar",
    data: data,
    options: {
      animation: false,
      scales: { r: { min: 0, max: 4, ticks: { stepSize: 1 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
  canvas.dataset.ready = "true";
})();
