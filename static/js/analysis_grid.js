/* The power–interest grid: organizations as points (interest across, influence up), coloured by
   stance; a click opens the organization's profile. */
(function () {
  "use strict";
  var canvas = document.getElementById("analysis-grid");
  if (!canvas || !window.Chart) { return; }
  var points = JSON.parse(document.getElementById("analysis-points").textContent);
  var labels = JSON.parse(document.getElementById("analysis-labels").textContent);
  var colors = { supportive: "#38761d", neutral: "#7f6000", resistant: "#a61c00", unknown: "#666666" };
  var datasets = Object.keys(colors).map(function (stance) {
    return {
      label: labels[stance],
      data: points.filter(function (p) { return p.stance === stance; }),
      backgroundColor: colors[stance],
      pointRadius: 7
    };
  }).filter(function (dataset) { return dataset.data.length; });
  var chart = new window.Chart(canvas, {
    type: "scatter",
    data: { datasets: datasets },
    options: {
      animation: false,
      scales: {
        x: { min: 0.5, max: 5.5, ticks: { stepSize: 1 }, title: { display: true, text: labels.interest } },
        y: { min: 0.5, max: 5.5, ticks: { stepSize: 1 }, title: { display: true, text: labels.influence } }
      },
      plugins: { tooltip: { callbacks: { label: function (item) { return item.raw.name; } } } },
      onClick: function (event, elements) {
        if (!elements.length) { return; }
        var hit = elements[0];
        window.location.href = chart.data.datasets[hit.datasetIndex].data[hit.index].url;
      }
    }
  });
  canvas.dataset.ready = "true";
  canvas.portalChart = chart;
})();
