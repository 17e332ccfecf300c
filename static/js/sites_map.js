/* The map of the pilot sites: centres (an approximate one drawn as an area, never as a pin),
   boundaries where loaded, and settlement points where known — from /api/sites.geojson. */
(function () {
  "use strict";

  var APPROXIMATE_RADIUS_M = 12000;

  function popupHtml(properties, labels, siteUrl) {
    var P = window.PortalMap;
    var html = "<strong>" + P.escapeHtml(P.pickName(properties.names)) + "</strong>";
    html += "<br>" + P.escapeHtml(P.pickName(properties.district)) + ", " + P.escapeHtml(P.pickName(properties.oblast));
    var precision = labels[properties.precision === "district_seat" ? "approximate" : properties.precision] || "";
    html += "<br><em>" + P.escapeHtml(precision) + "</em>";
    if (properties.settlements && properties.settlements.length) {
      html += "<br>" + P.escapeHtml(labels.settlements) + ": " + properties.settlements.length;
    }
    if (siteUrl) {
      html += '<br><a href="' + P.escapeHtml(siteUrl.replace("SLUG", properties.slug)) + '">' + P.escapeHtml(labels.sitePage) + "</a>";
    }
    return html;
  }

  function draw(element, data) {
    var P = window.PortalMap;
    var labels = P.labels();
    var map = P.createMap(element);
    var bounds = L.latLngBounds([]);
    var layers = {};
    var focus = element.dataset.focus;

    data.features.forEach(function (feature) {
      var props = feature.properties;
      if (!feature.geometry) { return; }
      var layer;
      if (props.kind === "boundary") {
        layer = L.geoJSON(feature.geometry, { className: "site-boundary", interactive: false });
      } else if (props.kind === "settlement") {
        var c = feature.geometry.coordinates;
        layer = L.circleMarker([c[1], c[0]], { radius: 4, className: "settlement-point" })
          .bindTooltip(P.escapeHtml(P.pickName(props.names)));
      } else {
        var ll = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        if (props.precision === "exact") {
          layer = L.circleMarker(ll, { radius: 9, className: "site-centre site-exact" });
        } else {
          layer = L.circle(ll, { radius: APPROXIMATE_RADIUS_M, className: "site-centre site-approximate" });
        }
        layer.bindPopup(popupHtml(props, labels, element.dataset.siteUrl));
        layer.bindTooltip(P.escapeHtml(P.pickName(props.names)), { permanent: true, direction: "top", className: "site-label" });
        layers[props.slug] = layer;
      }
      layer.addTo(map);
      if (layer.getBounds) { bounds.extend(layer.getBounds()); } else { bounds.extend(layer.getLatLng()); }
    });

    if (focus && layers[focus]) {
      var target = layers[focus];
      map.fitBounds(target.getBounds ? target.getBounds() : L.latLngBounds([target.getLatLng()]), { maxZoom: 11 });
    } else if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 10 });
    }

    document.querySelectorAll(".site-focus").forEach(function (button) {
      button.addEventListener("click", function () {
        var layer = layers[button.dataset.slug];
        if (!layer) { return; }
        map.fitBounds(layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]), { maxZoom: 11 });
        layer.openPopup();
      });
    });
    element.portalMap = map;
    element.dataset.ready = "true";
    element.dispatchEvent(new CustomEvent("portal:map-ready", { bubbles: true }));
  }

  document.querySelectorAll("[data-geojson-url]").forEach(function (element) {
    fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(element, data); })
      .catch(function () { element.classList.add("map-failed"); });
  });
})();
