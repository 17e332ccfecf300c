/* The radar chart of domain scores on an organization's capacity page (baseline vs latest). Domain names are
   wrapped onto several lines at spaces (narrower on a phone) so that Chart.js can fit them inside the canvas;
   the chart fills its box (.radar-box), and the table under it gives the same scores without the picture. */
(function () {
  "use strict";
  var canvas = document.getElementById("capacity-radar");
  var source = document.getElementById("capacity-chart");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colors = ["#b45f06", "#0b5394"];
  var text = "#212529";
  data.datasets.forEach(function (dataset, index) {
    dataset.borderColor = colors[index % colors.length];
    dataset.backgroundColor = index ? "rgba(11, 83, 148, .15)" : "rgba(180, 95, 6, .12)";
    dataset.pointBackgroundColor = dataset.borderColor;
    dataset.borderWidth = 2;
    dataset.pointRadius = 3;
    dataset.borderDash = index ? [] : [6, 4];  // told apart without colour, too
    dataset.spanGaps = true;
  });

  function isNarrow(chart) { return chart.width < 480; }

  // "Ишмердүүлүктүн натыйжалуулугун башкаруу жана үйрөнүү" → lines of about `width` characters; a longer word
  // keeps a line of its own.
  function wrap(label, width) {
    var lines = [];
    String(label).split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) { lines[last] += " " + word; } else { lines.push(word); }
    });
    return lines;
  }

  // Where the domain names, even wrapped, would leave the radar too small (a phone, with Kyrgyz names whose
  // single words are 16 letters long), the axes are numbered instead, like the rows of the table under the chart.
  var numbered = false;
  function pointLabel(label, index, chart) {
    return numbered ? String(index + 1) : wrap(label, isNarrow(chart) ? 12 : 18);
  }

  function crowded(items) {
    return items.some(function (a, i) {
      return items.slice(i + 1).some(function (b) {
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      });
    });
  }

  // Chart.js makes room for the labels by an estimate, which long wrapped labels can beat: after each layout,
  // check where the names landed, and number the axes if one is cut, two overlap, or the radar was left small.
  var fitLabels = {
    id: "fitLabels",
    resize: function () { numbered = false; },
    afterUpdate: function (chart) {
      var scale = chart.scales.r;
      if (numbered || !scale || !scale._pointLabelItems) { return; }
      var area = chart.chartArea;
      var items = scale._pointLabelItems;
      var cut = items.some(function (item) {  // off the canvas, or into the legend under the chart area
        return item.left < 0 || item.right > chart.width || item.top < 0 || item.bottom > area.bottom + 2;
      });
      var small = scale.drawingArea < 0.2 * Math.min(area.right - area.left, area.bottom - area.top);
      canvas.dataset.numbered = String(cut || small || crowded(items));
      if (canvas.dataset.numbered === "true") {
        numbered = true;
        chart.update();
      }
    }
  };

  var chart = new window.Chart(canvas, {
    type: "radar",
    data: data,
    plugins: [fitLabels],
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,  // the box's CSS gives the shape: square on a desk, a little taller on a phone
      layout: { padding: 4 },
      scales: {
        r: {
          min: 0,
          max: 4,
          ticks: { stepSize: 1, color: text, font: { size: 12 }, backdropColor: "rgba(255, 255, 255, .85)" },
          grid: { color: "#ced4da" },
          angleLines: { color: "#ced4da" },
          pointLabels: {
            color: text,
            padding: 6,
            font: function (context) {
              return { size: isNarrow(context.chart) && !numbered ? 12 : 13, weight: numbered ? "bold" : "normal" };
            },
            callback: function (label, index) { return pointLabel(label, index, this.chart); }
          }
        }
      },
      plugins: {
        legend: {
          position: "bottom",
          labels: { color: text, font: { size: 13 }, boxWidth: 28, padding: 12 }
        },
        tooltip: { titleFont: { size: 13 }, bodyFont: { size: 13 } }
      }
    }
  });
  canvas.dataset.ready = "true";
  canvas.portalChart = chart;
})();
