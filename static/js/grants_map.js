/* The small-grants layer of the map (admins, staff, local authorities): the awarded grants at their
   organization's point, from /api/grants.geojson, filtered by the panel's pilot site. Several grants of one
   organization share a point: they are clustered and spread out on a click. The legend's line turns the layer
   on and off. */
(function () {
  "use strict";

  var COLOR = "#38761d";
  // Inline SVG (presentation attributes, no style attribute): allowed under the CSP.
  var ICON = L.divIcon({
    className: "grant-marker",
    html: '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">' +
      '<rect x="3" y="3" width="12" height="12" transform="rotate(45 9 9)" fill="' + COLOR +
      '" stroke="#ffffff" stroke-width="2"/></svg>',
    iconSize: [18, 18]
  });

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    return L.divIcon({
      className: "grant-cluster",
      html: '<svg width="30" height="30" viewBox="0 0 30 30" aria-hidden="true">' +
        '<circle cx="15" cy="15" r="13" fill="' + COLOR + '" stroke="#ffffff" stroke-width="2"/>' +
        '<text x="15" y="19" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff">' + count +
        "</text></svg>",
      iconSize: [30, 30]
    });
  }

  // 80000.00 → "80 000" (tyiyn only when there are any), as the grants pages write amounts.
  function som(amount) {
    var parts = String(amount).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return parts[1] && Number(parts[1]) !== 0 ? whole + "," + parts[1] : whole;
  }

  function setup(element) {
    var P = window.PortalMap;
    var map = element.portalMap;
    var grants = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 30, iconCreateFunction: clusterIcon });
    // Shown or hidden from its line in the legend (one layers control on the map is the dialogues' own).
    var toggle = document.getElementById(element.dataset.grantsToggle);
    function show() {
      if (!toggle || toggle.checked) { map.addLayer(grants); } else { map.removeLayer(grants); }
    }
    if (toggle) { toggle.addEventListener("change", show); }
    show();
    var form = document.getElementById(element.dataset.filterForm);

    function query() {
      var field = form && form.elements.site;
      return field && field.value ? "?" + new URLSearchParams({ site: field.value }).toString() : "";
    }

    function popup(props) {
      var title = P.escapeHtml(props.title);
      // The link only when the layer says the user may open the application; in the page's language.
      if (props.url) {
        var link = element.dataset.applicationUrl.replace("/0/", "/" + props.id + "/");
        title = '<a href="' + P.escapeHtml(link) + '">' + title + "</a>";
      }
      return "<strong>" + title + "</strong><br>" + P.escapeHtml(P.pickName(props.call)) +
        "<br>" + P.escapeHtml(som(props.amount) + "\u00a0" + element.dataset.labelSom) +
        " · " + P.escapeHtml(P.pickName(props.site_names));
    }

    function load() {
      element.dataset.grantsReady = "false";
      fetch(element.dataset.grantsUrl + query(), { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          grants.clearLayers();
          grants.addLayers(data.features.map(function (feature) {
            var c = feature.geometry.coordinates;
            return L.marker([c[1], c[0]], { icon: ICON, title: feature.properties.title })
              .bindPopup(popup(feature.properties));
          }));
          element.dataset.grantsCount = String(data.features.length);
          element.dataset.grantsReady = "true";
        })
        .catch(function () { element.classList.add("map-failed"); });
    }

    if (form) { form.addEventListener("change", load); }
    load();
  }

  document.addEventListener("portal:map-ready", function (event) {
    if (event.target.dataset.grantsUrl) { setup(event.target); }
  });
})();
