// The running weighted total while a reviewer scores: each criterion's score (1–5) × its weight (%), over 5,
// so that 5 on every criterion gives 100 — the same formula as grants.workflow.weighted_total.
(function () {
  "use strict";
  var output = document.getElementById("running-total");
  if (!output) return;
  var selects = document.querySelectorAll("select.review-score");

  function update() {
    var total = 0;
    var scored = 0;
    selects.forEach(function (select) {
      var score = parseInt(select.value, 10);
      if (score >= 1 && score <= 5) {
        total += score * parseInt(select.dataset.weight, 10);
        scored += 1;
      }
    });
    output.textContent = scored ? (total / 5).toFixed(1) : "—";
  }

  selects.forEach(function (select) {
    select.addEventListener("change", update);
  });
  update();
})();
