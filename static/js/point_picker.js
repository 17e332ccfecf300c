/* Click-to-place point widget: a map tied to a latitude and a longitude input. Clicking the map
   or dragging the marker fills the inputs; typing in the inputs moves the marker. */
(function () {
  "use strict";

  function setup(element) {
    var P = window.PortalMap;
    var latInput = document.getElementById(element.dataset.latInput);
    var lonInput = document.getElementById(element.dataset.lonInput);
    var map = P.createMap(element);
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: P.labels().pickedPoint || "" }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 11)); }
    }

    function write(latlng) {
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function readInputs() {
      var lat = parseFloat(String(latInput.value).replace(",", "."));
      var lon = parseFloat(String(lonInput.value).replace(",", "."));
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        place(L.latLng(lat, lon), true);
      }
    }

    // The pilot sites as landmarks (useful when background tiles do not load), and the map
    // moves to the site chosen in the form.
    var siteCentres = {};
    if (element.dataset.sitesUrl) {
      fetch(element.dataset.sitesUrl)
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (data) {
          data.features.forEach(function (feature) {
            if (feature.properties.kind !== "site" || !feature.geometry) { return; }
            var c = feature.geometry.coordinates;
            var ll = L.latLng(c[1], c[0]);
            siteCentres[String(feature.properties.id)] = ll;
            L.circleMarker(ll, { radius: 6, interactive: false, className: "site-centre site-landmark" })
              .bindTooltip(P.escapeHtml(P.pickName(feature.properties.names)), { permanent: true, direction: "top", className: "site-label" })
              .addTo(map);
          });
          if (!marker) { focusSite(); }
        });
    }
    var siteSelect = element.dataset.siteSelect ? document.getElementById(element.dataset.siteSelect) : null;
    function focusSite() {
      if (siteSelect && siteCentres[siteSelect.value]) { map.setView(siteCentres[siteSelect.value], 10); }
    }
    if (siteSelect) { siteSelect.addEventListener("change", focusSite); }

    map.on("click", function (event) {
      place(event.latlng, false);
      write(event.latlng);
    });
    latInput.addEventListener("input", readInputs);
    lonInput.addEventListener("input", readInputs);
    readInputs();
    element.dataset.ready = "true";
  }

  document.querySelectorAll("[data-lat-input][data-lon-input]").forEach(setup);
})();
