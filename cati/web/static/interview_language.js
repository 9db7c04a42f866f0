// L goes on in the questionnaire's next language (the buttons work without JavaScript).
(function () {
  "use strict";
  var form = document.getElementById("language-form");
  if (!form) return;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.key.toLowerCase() !== "l") return;
    var t = event.target;
    if (t && (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
        (t.tagName === "INPUT" && /text|number|date|time|search/.test(t.type)))) return;
    if (t && t.closest && t.closest("#stop")) return;  // the stop form keeps its own keys
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[name=language]"));
    var current = buttons.findIndex(function (b) { return b.classList.contains("current"); });
    event.preventDefault();
    form.requestSubmit(buttons[(current + 1) % buttons.length]);
  });
})();
