// Keyboard shortcuts for the workstation and the case screen; every action also works
// without JavaScript. Choosing Appointment by its number puts the cursor in the call-back's date.
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
      var chosen = outcomes[Number(key) - 1];
      chosen.checked = true;
      chosen.dispatchEvent(new Event("change", { bubbles: true }));
      // An appointment goes on with its date, typed: "+1 19:30" then Enter saves it.
      if (chosen.value === "APPOINTMENT") document.querySelector("[data-callback-date]").focus();
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
  // the claim lapse if this never arrives). A link of the page waits for the answer, so
  // the next page already sees the case free; closing the tab, Back or a typed address
  // send a beacon as the page goes. The screen's own forms (outcome, start the interview)
  // are not leaving; the top bar's (log out) are.
  var leave = document.querySelector("[data-leave-url]");
  if (leave && navigator.sendBeacon) {
    var staying = false;
    var giveBack = function () {
      var data = new FormData();
      data.append("csrf_token", leave.dataset.leaveToken);
      return data;
    };
    document.addEventListener("submit", function (event) {
      if (event.target.closest("main")) staying = true;
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey ||
          event.metaKey || event.shiftKey || link.target || link.origin !== location.origin) {
        return;
      }
      event.preventDefault();
      staying = true;
      var go = function () { location.href = link.href; };
      fetch(leave.dataset.leaveUrl, { method: "POST", body: giveBack(), keepalive: true })
        .then(go, go);
    });
    window.addEventListener("pageshow", function () { staying = false; });
    window.addEventListener("pagehide", function () {
      if (!staying) navigator.sendBeacon(leave.dataset.leaveUrl, giveBack());
    });
  }
})();
