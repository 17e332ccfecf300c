/* The dialogues layer of the map (signed-in staff and local authorities): dialogue and resource centres
   and events, from /api/dialogues.geojson, filtered by the panel's site and thematic direction; each turned on
   and off from its line in the legend. */
(function () {
  "use strict";

  var COLORS = { platform: "#6a329f", event: "#e69138" };

  function setup(element) {
    var P = window.PortalMap;
    var map = element.portalMap;
    var events = L.layerGroup();
    var platforms = L.layerGroup();
    // Shown or hidden from their lines in the legend, like the grants: no control lies over the map (on a phone
    // a layers box covered a third of it, and a site with it).
    [[element.dataset.platformsToggle, platforms], [element.dataset.eventsToggle, events]].forEach(function (pair) {
      var toggle = document.getElementById(pair[0]);
      function show() {
        if (!toggle || toggle.checked) { map.addLayer(pair[1]); } else { map.removeLayer(pair[1]); }
      }
      if (toggle) { toggle.addEventListener("change", show); }
      show();
    });
    var form = document.getElementById(element.dataset.filterForm);

    function query() {
      if (!form) { return ""; }
      var params = new URLSearchParams();
      ["site", "thematic_area"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value) { params.set(name, field.value); }
      });
      return params.toString();
    }

    function load() {
      element.dataset.dialoguesReady = "false";
      var q = query();
      fetch(element.dataset.dialoguesUrl + (q ? "?" + q : ""), { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          events.clearLayers();
          platforms.clearLayers();
          data.features.forEach(function (feature) {
            var props = feature.properties;
            var c = feature.geometry.coordinates;
            var isPlatform = props.layer === "platform";
            var marker = L.circleMarker([c[1], c[0]], {
              radius: isPlatform ? 9 : 6,
              color: "#ffffff",
              weight: 2,
              fillColor: COLORS[props.layer],
              fillOpacity: 0.9,
              className: "dialogue-" + props.layer
            });
            var link = (isPlatform ? element.dataset.platformUrl : element.dataset.eventUrl).replace("/0/", "/" + props.id + "/");
            var text = P.escapeHtml(props.name) + (props.date ? " · " + P.escapeHtml(props.date) : "");
            marker.bindPopup('<a href="' + P.escapeHtml(link) + '">' + text + "</a>");
            marker.addTo(isPlatform ? platforms : events);
          });
          element.dataset.dialoguesCount = String(data.features.length);
          element.dataset.dialoguesReady = "true";
        })
        .catch(function () { element.classList.add("map-failed"); });
    }

    if (form) { form.addEventListener("change", load); }
    load();
  }

  document.addEventListener("portal:map-ready", function (event) {
    if (event.target.dataset.dialoguesUrl) { setup(event.target); }
  });
})();
