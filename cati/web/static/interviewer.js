// Keyboard shortcuts for the workstation; every action also works without JavaScript.
(function () {
  "use strict";
  function typing(event) {
    var t = event.target;
    return t && (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox" ||
                 t.tagName === "TEXTAREA" || t.tagName === "SELECT");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event)) return;
    var key = event.key.toLowerCase();
    var target = document.querySelector('[data-shortcut="' + key + '"]');
    if (target) { event.preventDefault(); target.click(); return; }
    var outcomes = document.querySelectorAll('#outcome-form input[name="outcome"]');
    if (outcomes.length && key === "enter") {
      event.preventDefault();
      document.getElementById("outcome-form").requestSubmit();
      return;
    }
    if (outcomes.length && /^[1-9]$/.test(key) && outcomes[Number(key) - 1]) {
      event.preventDefault();
      outcomes[Number(key) - 1].checked = true;
      outcomes[Number(key) - 1].dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  var form = document.getElementById("outcome-form");
  var callback = document.getElementById("callback");
  if (form && callback) {
    var sync = function () {
      var chosen = form.querySelector('input[name="outcome"]:checked');
      callback.hidden = !(chosen && chosen.value === "APPOINTMENT");
    };
    form.addEventListener("change", sync);
    sync();
  }
  // Leaving the case screen without an outcome gives the case back (the server also lets
  // the claim lapse if this never arrives); the screen's own forms do not count as leaving.
  var leave = document.querySelector("[data-leave-url]");
  if (leave && navigator.sendBeacon) {
    var submitting = false;
    document.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("pagehide", function () {
      if (submitting) return;
      var data = new FormData();
      data.append("csrf_token", leave.dataset.leaveToken);
      navigator.sendBeacon(leave.dataset.leaveUrl, data);
    });
  }
})();
