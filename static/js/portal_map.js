/* Shared map set-up for every map of the portal: Leaflet with a configurable tile layer that may
   fail (slow or intranet-only links) without making the map useless, and the page's labels. */
(function () {
  "use strict";

  var KYRGYZSTAN = [[39.1, 69.2], [43.4, 80.4]];

  function labels() {
    var node = document.getElementById("map-labels");
    return node ? JSON.parse(node.textContent) : {};
  }

  function createMap(element) {
    var map = L.map(element, { maxZoom: 18, minZoom: 5, zoomControl: true });
    map.fitBounds(KYRGYZSTAN);
    L.control.scale({ imperial: false }).addTo(map);
    var tileUrl = element.dataset.tileUrl;
    if (tileUrl) {
      var failures = 0;
      var tiles = L.tileLayer(tileUrl, { maxZoom: 18, attribution: element.dataset.tileAttribution || "" });
      tiles.on("tileerror", function () {
        failures += 1;
        if (failures === 3) {
          element.classList.add("tiles-offline");
          document.querySelectorAll(".tiles-offline-note").forEach(function (note) { note.hidden = false; });
        }
      });
      tiles.addTo(map);
    }
    return map;
  }

  function currentLanguage() {
    return (document.documentElement.lang || "ky").slice(0, 2);
  }

  /* A name in the page's language, falling back to Kyrgyz, Russian, English. */
  function pickName(names) {
    names = names || {};
    return names[currentLanguage()] || names.ky || names.ru || names.en || "";
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  window.PortalMap = {
    KYRGYZSTAN: KYRGYZSTAN,
    createMap: createMap,
    labels: labels,
    pickName: pickName,
    escapeHtml: escapeHtml
  };
})();
