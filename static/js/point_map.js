/* A small read-only map centred on one point (an organization's place on its profile). */
(function () {
  "use strict";
  document.querySelectorAll("[data-point-lat][data-point-lon]").forEach(function (element) {
    var latlng = L.latLng(parseFloat(element.dataset.pointLat), parseFloat(element.dataset.pointLon));
    var map = window.PortalMap.createMap(element);
    map.setView(latlng, 13);
    L.circleMarker(latlng, { radius: 8, className: "site-centre site-exact" }).addTo(map);
    element.dataset.ready = "true";
  });
})();
