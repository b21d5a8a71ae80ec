// The navbar bell's count of unread notifications (ucmr/notification_views.py): fetched once the page has loaded,
// so that no page pays a query for it. A file of its own: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function load() {
    const bell = document.querySelector("[data-notification-bell]");
    if (!bell) {
      return;
    }
    fetch(bell.dataset.notificationBell, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        bell.innerHTML = html;
      })
      .catch(function () {
        // No count is shown; the bell still leads to the list.
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
