/* The attendance grid, keyboard friendly: arrow keys move between the day boxes (Space ticks, as
   always), Home/End jump to a row's first or last day, and "All days" ticks a whole row. */
(function () {
  "use strict";
  var grid = document.getElementById("attendance-grid");
  if (!grid) { return; }

  function box(row, col) {
    return grid.querySelector('.day-box[data-row="' + row + '"][data-col="' + col + '"]');
  }

  grid.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("day-box")) { return; }
    var row = parseInt(target.dataset.row, 10);
    var col = parseInt(target.dataset.col, 10);
    var next = null;
    if (event.key === "ArrowRight") { next = box(row, col + 1); }
    else if (event.key === "ArrowLeft") { next = box(row, col - 1); }
    else if (event.key === "ArrowDown" || event.key === "Enter") { next = box(row + 1, col); }
    else if (event.key === "ArrowUp") { next = box(row - 1, col); }
    else if (event.key === "Home") { next = box(row, 0); }
    else if (event.key === "End") {
      var cells = grid.querySelectorAll('.day-box[data-row="' + row + '"]');
      next = cells[cells.length - 1];
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  grid.querySelectorAll(".all-days").forEach(function (button) {
    button.addEventListener("click", function () {
      var boxes = grid.querySelectorAll('.day-box[data-row="' + button.dataset.row + '"]');
      var allTicked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !allTicked; });
      if (boxes.length) { boxes[0].focus(); }
    });
  });
})();
