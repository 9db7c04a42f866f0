// Refreshes each [data-refresh] box from its URL while the tab is visible (every
// data-every ms, 15 s by default); the server answers 304 when nothing changed since the
// version the box shows (data-etag, then the last ETag received). The element named by
// data-stamp shows the time of the last answer, in its data-zone.
(function () {
  "use strict";
  document.querySelectorAll("[data-refresh]").forEach(function (box) {
    var etag = box.dataset.etag || null;
    var stamp = box.dataset.stamp ? document.querySelector(box.dataset.stamp) : null;
    function checked() {
      if (!stamp) return;
      stamp.textContent = new Date().toLocaleTimeString("en-GB", {
        timeZone: stamp.dataset.zone, hour12: false, timeZoneName: "short"
      });
    }
    function refresh() {
      if (document.visibilityState !== "visible") return;
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(box.dataset.refresh, { headers: headers, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 304) checked();
          if (response.status === 200) {
            etag = response.headers.get("ETag");
            return response.text().then(function (html) { box.innerHTML = html; checked(); });
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }
    setInterval(refresh, Number(box.dataset.every || 15000));
    document.addEventListener("visibilitychange", refresh);
  });
})();
