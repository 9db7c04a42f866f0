// Refreshes each [data-refresh] box from its URL while the tab is visible (every
// data-every ms, 15 s by default); the server answers 304 when nothing changed since the
// version the box shows (data-etag, then the last ETag received).
(function () {
  "use strict";
  document.querySelectorAll("[data-refresh]").forEach(function (box) {
    var etag = box.dataset.etag || null;
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
    setInterval(refresh, Number(box.dataset.every || 15000));
    document.addEventListener("visibilitychange", refresh);
  });
})();
