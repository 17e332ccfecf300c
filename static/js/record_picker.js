/* Record pickers (mapping_portal/widgets.py): the search box asks the server for matches (htmx);
   choosing one adds it to the chosen names, or replaces the choice where only one is allowed.
   The chosen names are ticked checkboxes, so the form submits the same with or without this script. */
(function () {
  "use strict";

  function pick(picker, button) {
    var chosen = picker.querySelector("[data-picker-chosen]");
    var search = picker.querySelector("[data-picker-search]");
    var value = button.dataset.pickValue;
    var single = picker.dataset.multiple !== "true";
    var same = null;
    chosen.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box.value === value) { same = box; }
      else if (single) { box.closest(".record-picker-item").remove(); }
    });
    if (same) {
      same.checked = true;
    } else {
      var item = picker.querySelector("template[data-picker-item]").content.firstElementChild.cloneNode(true);
      var box = item.querySelector("input");
      box.value = value;
      box.checked = true;
      item.querySelector("[data-picker-label]").textContent = button.dataset.pickLabel;
      chosen.appendChild(item);
    }
    search.value = "";
    picker.querySelector("[data-picker-results]").replaceChildren();
    search.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-value]");
    var picker = button && button.closest("[data-record-picker]");
    if (picker) {
      event.preventDefault();
      pick(picker, button);
    }
  });

  document.addEventListener("keydown", function (event) {
    var search = event.target.closest && event.target.closest("[data-picker-search]");
    if (!search) { return; }
    var picker = search.closest("[data-record-picker]");
    if (event.key === "Enter") {
      // Enter in the search box chooses the first match; it must not submit the whole form.
      event.preventDefault();
      var first = picker.querySelector("[data-pick-value]");
      if (first) { pick(picker, first); }
    } else if (event.key === "Escape") {
      picker.querySelector("[data-picker-results]").replaceChildren();
    }
  });

  // Where one record is allowed, ticking one again unticks the others.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var picker = box.closest && box.closest("[data-record-picker]");
    if (!picker || picker.dataset.multiple === "true" || !box.checked || box.type !== "checkbox") { return; }
    picker.querySelectorAll("[data-picker-chosen] input[type=checkbox]").forEach(function (other) {
      if (other !== box) { other.checked = false; }
    });
  });
})();
