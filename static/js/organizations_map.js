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

  function pageData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  /* The filter as a query string: the filled-in fields only (a shorter address to share). */
  function filterQuery(form) {
    var params = new URLSearchParams();
    if (form) {
      new FormData(form).forEach(function (value, name) { if (value !== "") { params.append(name, value); } });
    }
    return params.toString();
  }

  /* Name, type, site and settlement in the page's language; a link to the profile only when the page gives the
     profile's address (to those who may browse the registry: access.can_browse_registry). */
  function popupHtml(props, names, detailUrl) {
    var P = window.PortalMap;
    var labels = names.labels || {};
    var rows = [[labels.type, (names.types || {})[props.type]], [labels.site, (names.sites || {})[props.site]]];
    if (props.settlement != null) { rows.push([labels.settlement, (names.settlements || {})[props.settlement]]); }
    var html = '<strong class="d-block">' + P.escapeHtml(props.name) + '</strong><dl class="organization-popup">';
    rows.forEach(function (row) {
      if (row[1]) { html += "<dt>" + P.escapeHtml(row[0]) + "</dt><dd>" + P.escapeHtml(row[1]) + "</dd>"; }
    });
    html += "</dl>";
    if (detailUrl) {
      html += '<a class="organization-profile-link" href="' + P.escapeHtml(detailUrl.replace("/0/", "/" + props.id + "/")) + '">' +
        P.escapeHtml(labels.profile) + "</a>";
    }
    return html;
  }

  /* The address keeps the filter (a shared link opens the same selection), and so do the links that lead to the
     same selection elsewhere: the list, the language switch, the sign-in. */
  function rememberFilter(form) {
    var query = filterQuery(form);
    var search = query ? "?" + query : "";
    window.history.replaceState(window.history.state, "", window.location.pathname + search + window.location.hash);
    document.querySelectorAll("[data-keeps-filters]").forEach(function (link) {
      link.href = link.dataset.keepsFilters + search;
    });
    var here = window.location.pathname + search;
    document.querySelectorAll('form input[name="next"]').forEach(function (input) { input.value = here; });
    document.querySelectorAll('a[href*="next="]').forEach(function (link) {
      var url = new URL(link.href);
      if ((url.searchParams.get("next") || "").split("?")[0] === window.location.pathname) {
        url.searchParams.set("next", here);
        link.href = url.pathname + url.search;
      }
    });
    var badge = document.querySelector("[data-active-filter-count]");
    if (badge) {
      var count = query ? query.split("&").length : 0;
      badge.textContent = String(count);
      badge.hidden = count === 0;
    }
  }

  function setup(element) {
    var map = element.portalMap;
    var detailUrl = element.dataset.organizationUrl;
    var form = document.getElementById(element.dataset.filterForm);
    var colors = pageData("organization-type-colors");
    var names = pageData("organization-names");
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
            marker.bindPopup(popupHtml(props, names, detailUrl));
            return marker;
          });
          if (count) { count.textContent = String(markers.length); }
          if (markers.length) { cluster.addLayers(markers); } else { element.dataset.organizationsReady = "true"; }
        })
        .catch(function () { element.classList.add("map-failed"); });
    }

    function changed(event) {
      rememberFilter(form);
      load();
      // Choosing a site shows it.
      if (event && event.target && event.target.name === "site" && event.target.value && element.focusSite) {
        element.focusSite(event.target.value);
      }
    }

    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        changed();
        // On a phone the panel folds away once applied, to show the map (once it has finished opening).
        var toggle = document.querySelector('[data-bs-target="#' + form.id + '"]');
        if (toggle && toggle.offsetParent !== null && window.bootstrap && toggle.getAttribute("aria-expanded") === "true") {
          var panel = window.bootstrap.Collapse.getOrCreateInstance(form, { toggle: false });
          if (form.classList.contains("collapsing")) {
            form.addEventListener("shown.bs.collapse", function () { panel.hide(); }, { once: true });
          } else {
            panel.hide();
          }
          element.scrollIntoView({ block: "nearest" });
        }
      });
      form.addEventListener("change", changed);
      rememberFilter(form);  // values the page did not understand leave the address
    }
    load(element.earlyOrganizations);
  }

  function fetchOrganizations(element) {
    var query = filterQuery(document.getElementById(element.dataset.filterForm));
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
