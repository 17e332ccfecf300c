/* The organizations layer of the map: clustered markers coloured by type, from
   /api/stakeholders.geojson with the filter panel's parameters (the same as the list's). */
(function () {
  "use strict";

  // One icon per organization type, shared by all its markers; the colours go into the portal's
  // own stylesheet as rules (the CSP allows no style attributes in markup).
  var icons = {};
  function sheet() {
    for (var i = 0; i < document.styleSheets.length; i++) {
      if ((document.styleSheets[i].href || "").indexOf("/css/portal") !== -1) { return document.styleSheets[i]; }
    }
    return null;
  }
  function markerIcon(typeCode, colors) {
    if (!icons[typeCode]) {
      var safe = String(typeCode).replace(/[^a-z0-9-]/gi, "");
      var color = colors[typeCode];
      var target = sheet();
      if (target && /^#[0-9a-fA-F]{6}$/.test(color || "")) {
        target.insertRule(".type-" + safe + " .marker-dot { background-color: " + color + "; }", target.cssRules.length);
      }
      icons[typeCode] = L.divIcon({
        html: '<div class="marker-dot"></div>', className: "organization-marker type-" + safe, iconSize: [14, 14]
      });
    }
    return icons[typeCode];
  }

  function typeColors() {
    var node = document.getElementById("organization-type-colors");
    return node ? JSON.parse(node.textContent) : {};
  }

  function setup(element) {
    var P = window.PortalMap;
    var map = element.portalMap;
    var detailUrl = element.dataset.organizationUrl;
    var form = document.getElementById(element.dataset.filterForm);
    var colors = typeColors();
    var count = document.querySelector("[data-organization-count]");
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      // Clusters are computed for every zoom level up to this one: fewer levels, a faster first
      // paint with 20,000 organizations; from village scale on, markers stand on their own.
      disableClusteringAtZoom: 13,
      chunkedLoading: true,
      // Ready only once every marker is in its cluster (chunked loading keeps the page responsive).
      chunkProgress: function (processed, total) {
        if (processed === total) { element.dataset.organizationsReady = "true"; }
      }
    });
    map.addLayer(cluster);

    function load(early) {
      element.dataset.organizationsReady = "false";
      (early || fetchOrganizations(element))
        .then(function (data) {
          cluster.clearLayers();
          var markers = data.features.map(function (feature) {
            var c = feature.geometry.coordinates;
            var props = feature.properties;
            var marker = L.marker([c[1], c[0]], { icon: markerIcon(props.type, colors), title: props.name });
            var link = detailUrl.replace("/0/", "/" + props.id + "/");
            marker.bindPopup('<a href="' + P.escapeHtml(link) + '">' + P.escapeHtml(props.name) + "</a>");
            return marker;
          });
          if (count) { count.textContent = String(markers.length); }
          if (markers.length) { cluster.addLayers(markers); } else { element.dataset.organizationsReady = "true"; }
        })
        .catch(function () { element.classList.add("map-failed"); });
    }

    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
      form.addEventListener("change", function () { load(); });
    }
    load(element.earlyOrganizations);
  }

  function fetchOrganizations(element) {
    var form = document.getElementById(element.dataset.filterForm);
    var query = form ? new URLSearchParams(new FormData(form)).toString() : "";
    return fetch(element.dataset.organizationsUrl + (query ? "?" + query : ""), { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  // Start loading the organizations at once, in parallel with the sites; draw them when the map is ready.
  document.querySelectorAll("[data-organizations-url]").forEach(function (element) {
    element.earlyOrganizations = fetchOrganizations(element);
  });

  // Legend swatches take their colour from data attributes (no inline styles under the CSP).
  document.querySelectorAll(".legend-swatch[data-color]").forEach(function (swatch) {
    if (/^#[0-9a-fA-F]{6}$/.test(swatch.dataset.color)) { swatch.style.backgroundColor = swatch.dataset.color; }
  });

  document.addEventListener("portal:map-ready", function (event) {
    if (event.target.dataset.organizationsUrl) { setup(event.target); }
  });
})();
