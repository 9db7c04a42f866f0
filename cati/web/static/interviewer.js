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
})();
