// The budget form's running totals: each line's quantity × unit cost and the requested sum, while typing —
// read the way the server reads amounts ("12 500", "12 500,50", "сом" at the end). The server recomputes them.
(function () {
  "use strict";
  var form = document.querySelector("[data-budget-maximum]");
  if (!form) return;
  var maximum = parseFloat(form.dataset.budgetMaximum);
  var output = document.getElementById("budget-total");

  function amount(text) {
    var cleaned = String(text || "").replace(/(сом|som|kgs)\.?\s*$/i, "").replace(/[\s\u00a0]/g, "").replace(",", ".");
    return /^\d+(\.\d{1,2})?$/.test(cleaned) ? parseFloat(cleaned) : NaN;
  }

  function update() {
    var total = 0;
    form.querySelectorAll("[data-budget-line]").forEach(function (row) {
      var quantity = row.querySelector("input[name$='-quantity']");
      var cost = row.querySelector("input[name$='-unit_cost']");
      var remove = row.querySelector("input[name$='-DELETE']");
      if (!quantity || !cost || (remove && remove.checked)) return;
      var line = parseInt(quantity.value, 10) * amount(cost.value);
      if (line > 0) total += line;
    });
    output.textContent = total.toLocaleString("ru-RU", { maximumFractionDigits: 2 });
    output.classList.toggle("text-danger", total > maximum);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
