// Refreshes the supervisor's monitor every 15 s while the tab is visible; the server
// answers 304 when nothing changed.
(function () {
  "use strict";
  var box = document.getElementById("monitor");
  if (!box) return;
  var etag = null;
  function refresh() {
    if (document.visibilityState !== "visible") return;
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(box.dataset.refresh, { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.text().then(function (html) { box.innerHTML = html; });
        }
      })
      .catch(function () { /* the next tick tries again */ });
  }
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
