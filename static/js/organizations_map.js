/* The organizations layer of the map: clustered markers coloured by type, from
   /api/stakeholders.geojson with the filter panel's parameters (the same as the list's). */
(function () {
  "use strict";

  function markerIcon(color) {
    var dot = document.createElement("div");
    dot.className = "marker-dot";
    dot.style.backgroundColor = /^#[0-9a-fA-F]{6}$/.test(color) ? color : "#0b5394";
    return L.divIcon({ html: dot, className: "organization-marker", iconSize: [14, 14] });
  }

  function setup(element) {
    var P = window.PortalMap;
    var map = element.portalMap;
    var detailUrl = element.dataset.organizationUrl;
    var form = document.getElementById(element.dataset.filterForm);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    map.addLayer(cluster);
    var count = document.querySelector("[data-organization-count]");

    function load() {
      var query = form ? new URLSearchParams(new FormData(form)).toString() : "";
      element.dataset.organizationsReady = "false";
      fetch(element.dataset.organizationsUrl + (query ? "?" + query : ""), { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          cluster.clearLayers();
          var markers = data.features.map(function (feature) {
            var c = feature.geometry.coordinates;
            var props = feature.properties;
            var marker = L.marker([c[1], c[0]], { icon: markerIcon(props.color), title: props.name });
            var link = detailUrl.replace("/0/", "/" + props.id + "/");
            marker.bindPopup('<a href="' + P.escapeHtml(link) + '">' + P.escapeHtml(props.name) + "</a>");
            return marker;
          });
          cluster.addLayers(markers);
          if (count) { count.textContent = String(markers.length); }
          element.dataset.organizationsReady = "true";
        })
        .catch(function () { element.classList.add("map-failed"); });
    }

    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
      form.addEventListener("change", load);
    }
    load();
  }

  // Legend swatches take their colour from data attributes (no inline styles under the CSP).
  document.querySelectorAll(".legend-swatch[data-color]").forEach(function (swatch) {
    if (/^#[0-9a-fA-F]{6}$/.test(swatch.dataset.color)) { swatch.style.backgroundColor = swatch.dataset.color; }
  });

  document.addEventListener("portal:map-ready", function (event) {
    if (event.target.dataset.organizationsUrl) { setup(event.target); }
  });
})();
