// The table editors of a use case page (usecases/authoring). htmx swaps only 2xx answers by default; an editor's
// refusals come as 400 (incomplete post), 409 (someone else changed the use case, or it is no longer a draft) and
// 422 (the form has errors), each with the editor to show, so those are swapped in too. After a write, the server
// sends the event usecaseRevised {from, to}: every form of the page still at the revision before that write (and the
// revision shown in the header) moves to the new one. Forms at an older revision stay stale, as they should.
(function () {
  "use strict";

  const SWAPPED_REFUSALS = [400, 409, 422];

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (SWAPPED_REFUSALS.includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("usecaseRevised", function (event) {
    const before = String(event.detail.from);
    const after = String(event.detail.to);
    document.querySelectorAll('input[name="revision"]').forEach(function (input) {
      if (input.value === before) {
        input.value = after;
      }
    });
    document.querySelectorAll("[data-usecase-revision]").forEach(function (shown) {
      if (shown.textContent === before) {
        shown.textContent = after;
      }
    });
  });
})();
