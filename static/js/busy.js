// A write the server could not take because the repository was busy (503 with Retry-After, see
// ucmr/middleware.py): htmx swaps no error answers by default, so show its message in the page's message area
// instead of losing it; nothing was saved, and the form the user was editing stays as it was.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status !== 503) {
      return;
    }
    const area = document.getElementById("busy-message");
    if (area) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = area;
      event.detail.swapOverride = "innerHTML";
    }
  });
})();
