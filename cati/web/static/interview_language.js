// L goes on in the questionnaire's next language (the buttons work without JavaScript).
// What was typed or chosen on the page but not yet sent is carried over to the page shown
// again in the new language (kept in the tab's sessionStorage for that one reload).
(function () {
  "use strict";
  var form = document.getElementById("language-form");
  var page = document.getElementById("page-form");
  if (!form || !page) return;
  var KEY = "cati.language-switch";
  var here = location.pathname + "#" + Array.prototype.map.call(
    page.querySelectorAll("[data-question]"), function (q) { return q.dataset.question; }).join(",");

  function fields() {
    return Array.prototype.filter.call(page.elements, function (f) {
      return f.name && f.type !== "hidden" && f.type !== "submit" && f.type !== "button";
    });
  }
  form.addEventListener("submit", function () {
    var values = fields().map(function (f) {
      return [f.name, f.value, f.type === "radio" || f.type === "checkbox" ? f.checked : null];
    });
    try { sessionStorage.setItem(KEY, JSON.stringify({ page: here, values: values })); } catch (e) { /* private mode */ }
  });
  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); sessionStorage.removeItem(KEY); } catch (e) { saved = null; }
  if (saved && saved.page === here) {
    var controls = fields();
    saved.values.forEach(function (entry) {
      controls.forEach(function (f) {
        if (f.name !== entry[0]) return;
        if (entry[2] === null) { f.value = entry[1]; } else if (f.value === entry[1]) { f.checked = entry[2]; }
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.key.toLowerCase() !== "l") return;
    var t = event.target;
    var numberBox = t && t.matches && t.matches(".q-numeric input.answer");  // no number has an L
    if (t && !numberBox && (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
        (t.tagName === "INPUT" && /text|number|date|time|search/.test(t.type)))) return;
    if (t && t.closest && t.closest("#stop")) return;  // the stop form keeps its own keys
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button[name=language]"));
    var current = buttons.findIndex(function (b) { return b.classList.contains("current"); });
    event.preventDefault();
    form.requestSubmit(buttons[(current + 1) % buttons.length]);
  });
})();
