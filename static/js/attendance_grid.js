/* The attendance grid, keyboard friendly: arrow keys move between the day boxes (Space ticks, as
   always), Home/End jump to a row's first or last day, and "All days" ticks a whole row. Rows added in
   place (htmx) work the same: positions are read from the table as it is, and the listeners sit on the
   table, not on the rows. */
(function () {
  "use strict";
  var grid = document.getElementById("attendance-grid");
  if (!grid) { return; }

  function boxesOf(row) {
    return row ? row.querySelectorAll(".day-box") : [];
  }

  function rowBeside(row, step) {
    var next = step > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (next && !boxesOf(next).length) {
      next = step > 0 ? next.nextElementSibling : next.previousElementSibling;
    }
    return next;
  }

  grid.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("day-box")) { return; }
    var row = target.closest("tr");
    var boxes = boxesOf(row);
    var col = Array.prototype.indexOf.call(boxes, target);
    var next = null;
    if (event.key === "ArrowRight") { next = boxes[col + 1]; }
    else if (event.key === "ArrowLeft") { next = boxes[col - 1]; }
    else if (event.key === "ArrowDown" || event.key === "Enter") { next = boxesOf(rowBeside(row, 1))[col]; }
    else if (event.key === "ArrowUp") { next = boxesOf(rowBeside(row, -1))[col]; }
    else if (event.key === "Home") { next = boxes[0]; }
    else if (event.key === "End") { next = boxes[boxes.length - 1]; }
    if (event.key === "Enter") {
      event.preventDefault(); // Enter never sends the sheet from a box: it moves down, as on paper
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  grid.addEventListener("click", function (event) {
    var button = event.target.closest(".all-days");
    if (!button) { return; }
    var boxes = boxesOf(button.closest("tr"));
    var allTicked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    boxes.forEach(function (b) { b.checked = !allTicked; });
    if (boxes.length) { boxes[0].focus(); }
  });
})();
