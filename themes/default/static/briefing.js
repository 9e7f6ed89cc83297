// briefing: small progressive enhancements. The site works without this file.
(function () {
  "use strict";
  // Open the FAQ answer a link points at.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && (target.querySelector("details") || target.closest("details"));
    if (details) details.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
  // Print every answer, not just the open ones.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) {
      if (!d.open) { d.open = true; d.dataset.printOpened = "1"; }
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (d) {
      d.open = false; delete d.dataset.printOpened;
    });
  });
})();
