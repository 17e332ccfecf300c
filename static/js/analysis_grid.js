/* The power–interest grid: organizations as points (interest across, influence up), coloured and shaped by
   stance, each with its (shortened) name; dashed lines split the four quadrants where "high" begins, and each
   quadrant's name is written in its outer band. Organizations on the same spot are spread around it. A click
   opens the organization's profile. Every word on the canvas comes from the page (#analysis-labels). */
(function () {
  "use strict";
  var canvas = document.getElementById("analysis-grid");
  if (!canvas || !window.Chart) { return; }
  var points = JSON.parse(document.getElementById("analysis-points").textContent);
  var text = JSON.parse(document.getElementById("analysis-labels").textContent);
  var ink = "#212529";
  var muted = "#495057";
  var looks = {
    supportive: { color: "#38761d", shape: "circle" },
    neutral: { color: "#7f6000", shape: "rect" },
    resistant: { color: "#a61c00", shape: "triangle" },
    unknown: { color: "#666666", shape: "rectRot" }
  };
  var datasets = Object.keys(looks).map(function (stance) {
    return {
      label: text[stance],
      data: points.filter(function (p) { return p.stance === stance; }),
      backgroundColor: looks[stance].color,
      borderColor: "#fff",
      borderWidth: 1,
      pointStyle: looks[stance].shape,
      pointRadius: 7,
      pointHoverRadius: 9,
      clip: false
    };
  }).filter(function (dataset) { return dataset.data.length; });

  function isNarrow(chart) { return chart.width < 480; }
  function font(size, weight) { return (weight || "normal") + " " + size + "px " + window.Chart.defaults.font.family; }

  // Several organizations with the same influence and interest: spread them on a small circle around the spot,
  // so that each keeps its own point, label and click.
  var spreadShared = {
    id: "spreadShared",
    afterDatasetsUpdate: function (chart) {
      var spots = {};
      chart.data.datasets.forEach(function (dataset, d) {
        var meta = chart.getDatasetMeta(d);
        if (!chart.isDatasetVisible(d)) { return; }
        meta.data.forEach(function (element, i) {
          var key = dataset.data[i].x + "," + dataset.data[i].y;
          (spots[key] = spots[key] || []).push(element);
        });
      });
      Object.keys(spots).forEach(function (key) {
        var group = spots[key];
        if (group.length < 2) { return; }
        var radius = 9 + 2 * group.length;
        group.forEach(function (element, k) {
          var angle = Math.PI * (2 * k / group.length - 0.5);
          element.x += radius * Math.cos(angle);
          element.y += radius * Math.sin(angle);
          element.$outward = { x: Math.cos(angle), y: Math.sin(angle) };  // its name goes this way first
        });
      });
    }
  };

  // Words in lines no wider than `width` pixels (a longer word keeps a line of its own).
  function wrap(ctx, words, width) {
    var lines = [];
    String(words).split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && ctx.measureText(lines[last] + " " + word).width <= width) { lines[last] += " " + word; } else { lines.push(word); }
    });
    return lines;
  }

  // The quadrant lines where "high" begins, and each quadrant's name in its outer corner (drawn under the points).
  var quadrants = {
    id: "quadrants",
    beforeDatasetsDraw: function (chart) {
      var area = chart.chartArea;
      var x = chart.scales.x.getPixelForValue(text.boundary);
      var y = chart.scales.y.getPixelForValue(text.boundary);
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#6c757d";
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom);
      ctx.moveTo(area.left, y); ctx.lineTo(area.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = font(12, "600");
      ctx.fillStyle = muted;
      var gap = 5;
      var lineHeight = 15;
      chart.$quadrantNames = [];  // where each name went: kept clear of the points' names (and read by the tests)
      [
        ["keep-satisfied", area.left, x, true, "left"],
        ["manage-closely", x, area.right, true, "right"],
        ["monitor", area.left, x, false, "left"],
        ["keep-informed", x, area.right, false, "right"]
      ].forEach(function (q) {
        var lines = wrap(ctx, text.quadrants[q[0]], q[2] - q[1] - 2 * gap);
        ctx.textAlign = q[4];
        ctx.textBaseline = q[3] ? "top" : "bottom";
        var left = q[4] === "left" ? q[1] + gap : q[2] - gap;
        lines.forEach(function (line, n) {
          var top = q[3] ? area.top + gap + n * lineHeight : area.bottom - gap - (lines.length - 1 - n) * lineHeight;
          ctx.fillText(line, left, top);
          var width = ctx.measureText(line).width;
          var x0 = q[4] === "left" ? left : left - width;
          var y0 = q[3] ? top : top - lineHeight;
          chart.$quadrantNames.push({ text: line, left: x0, right: x0 + width, top: y0, bottom: y0 + lineHeight });
        });
      });
      ctx.restore();
    }
  };

  // A name in at most two lines no wider than `width` pixels; what does not fit ends in "…".
  function shortName(ctx, name, width) {
    var lines = wrap(ctx, name, width);
    if (lines.length > 2) { lines = [lines[0], lines.slice(1).join(" ")]; }
    return lines.map(function (line, n) {
      if (ctx.measureText(line).width <= width && (n === 0 || lines.length <= 2)) { return line; }
      while (line.length > 1 && ctx.measureText(line + "…").width > width) { line = line.slice(0, -1); }
      return line.trim() + "…";
    });
  }

  function overlap(a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // Each point's name beside it: right, left, above or below — the first place that hits no other name or
  // point and stays on the canvas. A name with no such place is left out rather than drawn over another (a
  // crowded site): its point keeps its tooltip, the lists beside the grid name every organization, and the
  // note under the grid says so.
  var names = {
    id: "names",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var size = 12;
      var lineHeight = 14;
      ctx.save();
      ctx.font = font(size);
      var items = [];
      chart.data.datasets.forEach(function (dataset, d) {
        if (!chart.isDatasetVisible(d)) { return; }
        chart.getDatasetMeta(d).data.forEach(function (element, i) {
          items.push({ element: element, lines: shortName(ctx, dataset.data[i].name, isNarrow(chart) ? 110 : 170) });
        });
      });
      var taken = items.map(function (item) {
        var r = 8;
        return { left: item.element.x - r, right: item.element.x + r, top: item.element.y - r, bottom: item.element.y + r };
      });
      // A quadrant's name weighs three times: hiding it hides what the corner means.
      (chart.$quadrantNames || []).forEach(function (box) { taken.push(box, box, box); });
      var bounds = chart.chartArea;  // never over the axes' numbers, never cut
      ctx.textBaseline = "middle";
      ctx.textAlign = "left";
      ctx.lineJoin = "round";
      // The points nearest the right edge have the fewest places left: they choose first.
      items.sort(function (a, b) { return b.element.x - a.element.x || a.element.y - b.element.y; });
      chart.$pointNames = [];  // where each name went (read by the tests)
      chart.$namesLeftOut = 0;
      items.forEach(function (item) {
        var width = Math.max.apply(null, item.lines.map(function (line) { return ctx.measureText(line).width; }));
        var height = item.lines.length * lineHeight;
        var x = item.element.x;
        var y = item.element.y;
        var places = [];
        var out = item.element.$outward;
        [0, 14, 28, 42].forEach(function (far) {  // next to the point first, then further out (with a leader line)
          var beside = [
            { left: x + 10 + far, top: y - height / 2 },
            { left: x - 10 - far - width, top: y - height / 2 },
            { left: x - width / 2, top: y - 9 - far - height },
            { left: x - width / 2, top: y + 9 + far },
            { left: x + 7 + far, top: y - 5 - far - height },
            { left: x + 7 + far, top: y + 5 + far },
            { left: x - 7 - far - width, top: y - 5 - far - height },
            { left: x - 7 - far - width, top: y + 5 + far }
          ];
          if (out) {
            // A point spread from a shared spot: first the places that lead away from the others.
            beside.sort(function (a, b) {
              var ax = a.left + width / 2 - x;
              var ay = a.top + height / 2 - y;
              var bx = b.left + width / 2 - x;
              var by = b.top + height / 2 - y;
              return (bx * out.x + by * out.y) / Math.hypot(bx, by) - (ax * out.x + ay * out.y) / Math.hypot(ax, ay);
            });
          }
          places.push.apply(places, beside);
        });
        places = places.map(function (place) {
          var box = { left: place.left, top: place.top, right: place.left + width, bottom: place.top + height };
          var hit = taken.reduce(function (sum, other) { return sum + overlap(box, other); }, 0);
          var outside = width * height - overlap(box, bounds);
          return { box: box, cost: hit + 1000 * outside };  // cut off is worse than crowded
        });
        var chosen = places.reduce(function (a, b) { return b.cost < a.cost ? b : a; });
        if (chosen.cost > 0) {
          chart.$namesLeftOut += 1;
          return;
        }
        taken.push(chosen.box);
        chart.$pointNames.push({ lines: item.lines, x: x, y: y, box: chosen.box });
        var nearX = Math.max(chosen.box.left, Math.min(x, chosen.box.right));
        var nearY = Math.max(chosen.box.top, Math.min(y, chosen.box.bottom));
        if (Math.hypot(nearX - x, nearY - y) > 16) {
          ctx.strokeStyle = "#6c757d";
          ctx.lineWidth = 1;
          ctx.beginPath();
          ctx.moveTo(x, y);
          ctx.lineTo(nearX, nearY);
          ctx.stroke();
        }
        ctx.strokeStyle = "rgba(255, 255, 255, .9)";
        ctx.lineWidth = 3;
        ctx.fillStyle = ink;
        item.lines.forEach(function (line, n) {
          var lineY = chosen.box.top + lineHeight * (n + 0.5);
          ctx.strokeText(line, chosen.box.left, lineY);
          ctx.fillText(line, chosen.box.left, lineY);
        });
      });
      ctx.restore();
      var note = document.getElementById("analysis-names-left-out");
      if (note) { note.hidden = chart.$namesLeftOut === 0; }
    }
  };

  function axis(title) {
    return {
      min: 0.3,
      max: 5.7,
      // Ticks and grid lines on the whole values of the 1–5 scale only (the margins keep edge points whole).
      afterBuildTicks: function (scale) { scale.ticks = [1, 2, 3, 4, 5].map(function (value) { return { value: value }; }); },
      ticks: { color: ink, font: { size: 12 } },
      grid: { color: "#e9ecef" },
      title: { display: true, text: title, color: ink, font: { size: 13, weight: "600" } }
    };
  }

  var chart = new window.Chart(canvas, {
    type: "scatter",
    data: { datasets: datasets },
    plugins: [spreadShared, quadrants, names],
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { right: 8, top: 4 } },
      scales: { x: axis(text.interest), y: axis(text.influence) },
      plugins: {
        legend: { position: "top", labels: { usePointStyle: true, color: ink, font: { size: 13 }, padding: 10 } },
        tooltip: {
          titleFont: { size: 13 },
          bodyFont: { size: 13 },
          callbacks: {
            title: function (items) { return items.map(function (item) { return item.raw.name; }); },
            label: function (item) {
              return [item.dataset.label, text.interest + ": " + item.raw.x, text.influence + ": " + item.raw.y];
            }
          }
        }
      },
      onHover: function (event, elements) { canvas.style.cursor = elements.length ? "pointer" : "default"; },
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
