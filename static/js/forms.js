/* Every form of the portal: after a submit that failed, the first invalid field takes the focus (the error summary
   at the top, role=alert, has already been announced), and a link of the summary moves the focus to its field. */
(function () {
  "use strict";

  function focusField(field) {
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  document.querySelectorAll("[data-error-summary]").forEach(function (summary, index) {
    var form = summary.closest("form") || document;
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        focusField(field);
      });
    });
    if (index > 0) { return; }
    var first = form.querySelector(".is-invalid:not([type=hidden]), [aria-invalid=true]");
    if (first && typeof first.focus === "function") { focusField(first); } else { summary.focus(); }
  });
})();
