/* Narrows a settlement choice to the villages of the chosen pilot site (options carry data-site). */
(function () {
  "use strict";
  document.querySelectorAll("select[data-site-filter]").forEach(function (settlement) {
    var site = document.getElementById(settlement.dataset.siteFilter);
    if (!site) { return; }
    function narrow() {
      Array.prototype.forEach.call(settlement.options, function (option) {
        if (!option.value) { return; }
        var fits = !site.value || option.dataset.site === site.value;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) { settlement.value = ""; }
      });
    }
    site.addEventListener("change", narrow);
    narrow();
  });
})();
