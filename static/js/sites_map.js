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

  /* The site's name, in a pane below the markers and vectors (portal.css): a cluster count or an organization
     is never hidden under it, and it takes no clicks. It stands off the centre, where the markers gather: above
     an exact point; above the edge of an approximate area — or at its centre once the area fills the view and
     there is no room above it (a site's own page). */
  function siteLabel(map, props, ll) {
    var P = window.PortalMap;
    if (!map.getPane("site-labels")) { map.createPane("site-labels"); }
    var label = L.tooltip({ permanent: true, direction: "top", offset: [0, -12], className: "site-label", pane: "site-labels" })
      .setLatLng(ll)
      .setContent(P.escapeHtml(P.pickName(props.names)))
      .addTo(map);
    if (props.precision !== "exact") {
      var north = L.latLng(ll[0] + APPROXIMATE_RADIUS_M / 111320, ll[1]);
      var place = function () {
        var element = label.getElement();
        var room = map.latLngToContainerPoint(north).y;
        label.setLatLng(room > (element ? element.offsetHeight : 30) + 16 ? north : ll);
      };
      map.on("moveend", place);
      place();
    }
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
        siteLabel(map, props, ll);
        layers[props.slug] = layer;
      }
      layer.addTo(map);
      if (layer.getBounds) { bounds.extend(layer.getBounds()); } else { bounds.extend(layer.getLatLng()); }
    });

    if (focus && layers[focus]) {
      var target = layers[focus];
      // The first view without an animation: "ready" means the view is final.
      map.fitBounds(target.getBounds ? target.getBounds() : L.latLngBounds([target.getLatLng()]), { maxZoom: 11, animate: false });
    } else if (bounds.isValid()) {
      // Room at the sides for the names of the sites at the edges (they wrap to two lines on a phone).
      map.fitBounds(bounds, { padding: [Math.max(30, Math.min(80, element.clientWidth / 6)), 30], maxZoom: 10, animate: false });
    }

    // Shows a site (the list's buttons; the organizations' site filter); false when it has no place on the map.
    function focusSite(slug) {
      var layer = layers[slug];
      if (!layer) { return false; }
      map.fitBounds(layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]), { maxZoom: 11 });
      return layer;
    }
    document.querySelectorAll(".site-focus").forEach(function (button) {
      button.addEventListener("click", function () {
        var layer = focusSite(button.dataset.slug);
        if (layer) { layer.openPopup(); }
      });
    });
    element.focusSite = focusSite;
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
