// Interview pages: number keys choose options, D/R give Don't know/Refused, C confirms a soft
// check, Enter goes on, B goes back, ? shows the help for objections, X opens the form that
// stops the interview (its outcomes by number, Escape closes it). In a number box these
// letters still work, since no number has them. Countdowns follow the server's clock; when a
// timed question runs out the page is sent and the server records it as timed out.
(function () {
  "use strict";
  var root = document.querySelector(".interview");
  var form = document.getElementById("page-form");
  if (!root || !form) return;
  var offset = Date.parse(root.dataset.serverNow) - Date.now();
  var serverNow = function () { return Date.now() + offset; };
  var sending = false;

  function send(action) {
    if (sending) return;  // one submission per page, however often Enter is pressed
    sending = true;
    document.getElementById("action").value = action;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    form.submit();
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var back = event.submitter && event.submitter.hasAttribute("data-back");
    send(back ? "back" : "next");
  });

  function questions() { return Array.prototype.slice.call(form.querySelectorAll(".question")); }
  function answered(q) {
    return q.querySelector("input:checked") ||
      Array.prototype.some.call(q.querySelectorAll("input.answer, textarea"), function (i) { return i.value; });
  }
  function current() {
    var focused = document.activeElement && document.activeElement.closest(".question");
    if (focused) return focused;
    var open;
    var gridOpen = function (q) {
      return q.classList.contains("q-grid") &&
        Array.prototype.some.call(q.querySelectorAll("tbody tr"), function (r) { return !r.querySelector("input:checked"); });
    };
    open = questions().filter(function (q) { return q.querySelector("input") && (!answered(q) || gridOpen(q)); });
    return open[0] || questions().filter(function (q) { return q.querySelector("input"); }).pop();
  }
  function typing(event) {
    var t = event.target;
    return t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && /text|number|date|time/.test(t.type)));
  }
  function numberBox(event) { return event.target.matches && event.target.matches(".q-numeric input.answer"); }
  function specialOf(q, kind) { return q.querySelector('input[data-special="' + kind + '"]'); }
  function exclusive(input) {
    var group = form.querySelectorAll('input[name="' + CSS.escape(input.name) + '"]');
    group.forEach(function (other) {
      if (other === input || other.type !== "checkbox" && other.type !== "radio") return;
      if (input.dataset.exclusive || input.dataset.special || other.dataset.exclusive || other.dataset.special) {
        if (input.checked) other.checked = false;
      }
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox" || event.target.dataset.special) exclusive(event.target);
  });
  // Typing an answer takes back a Don't know or Refused given before.
  form.addEventListener("input", function (event) {
    var q = event.target.closest(".question");
    if (q && event.target.matches("input.answer, textarea")) {
      q.querySelectorAll("input[data-special]").forEach(function (s) { s.checked = false; });
    }
  });

  var lastQuestion = null, lastDigitAt = 0, lastDigits = "";
  // The cursor starts in the first question's box when it has one; after an error, in the
  // box of the first question in error (its text selected, to type over), else nowhere, so
  // that the number keys answer that question.
  var wrong = form.querySelector(".has-error");
  var first = wrong || questions().filter(function (q) { return q.querySelector("input, textarea"); })[0];
  var typed = first && first.querySelector("input.answer, textarea");
  if (typed) { typed.focus(); if (wrong && typed.select) typed.select(); }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var key = event.key;
    var stop = document.getElementById("stop");
    if (stop && stop.contains(event.target)) {  // the stop form keeps the browser's own keys
      if (key === "Escape") { stop.open = false; event.preventDefault(); }
      if (key === "Enter" && event.target.tagName !== "TEXTAREA" && event.target.tagName !== "SUMMARY") {
        event.preventDefault();
        document.getElementById("stop-form").requestSubmit();
      }
      var outcomes = stop.querySelectorAll('input[type="radio"][name$="outcome"]');
      if (/^[1-9]$/.test(key) && !typing(event) && outcomes[Number(key) - 1]) {
        event.preventDefault();
        var chosen = outcomes[Number(key) - 1];
        chosen.checked = true;
        // An appointment goes on with its date, typed: "+1 19:30" then Enter.
        (chosen.value === "APPOINTMENT" ? stop.querySelector("[data-callback-date]") : chosen).focus();
      }
      return;
    }
    if (key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (key === "Enter" && !event.shiftKey) {  // Shift+Enter: a new line in open answers
      event.preventDefault(); send("next"); return;
    }
    var lower = key.toLowerCase();
    // No number has these letters: in a number box they are the page's keys.
    if (typing(event) && !(numberBox(event) && /^[bcdrx?]$/.test(lower))) return;
    if (numberBox(event)) event.preventDefault();
    var q = current();
    if (lower === "c") {
      var confirms = form.querySelectorAll('input[name="confirm"]');
      var all = Array.prototype.every.call(confirms, function (c) { return c.checked; });
      confirms.forEach(function (c) { c.checked = !all; });
      if (confirms.length) { event.preventDefault(); return; }
    }
    if (/^[0-9]$/.test(key) && q) {
      var index = key === "0" ? 9 : Number(key) - 1;
      var options = q.querySelectorAll(".options input, .scale input");
      if (q.classList.contains("q-grid")) {
        // Each key answers the focused row, else the first row still open.
        var rows = Array.prototype.slice.call(q.querySelectorAll("tbody tr"));
        var row = (document.activeElement && document.activeElement.closest("tbody tr")) ||
          rows.filter(function (r) { return !r.querySelector("input:checked"); })[0];
        options = row ? row.querySelectorAll("input") : [];
      }
      if (q.classList.contains("q-rating")) {
        // Two digits typed quickly make one point (1 then 0 is 10 on an NPS scale).
        var now = Date.now();
        var typed = q === lastQuestion && now - lastDigitAt < 700 ? lastDigits + key : key;
        var match = Array.prototype.find.call(options, function (o) { return o.value === typed; });
        if (!match) { typed = key; match = Array.prototype.find.call(options, function (o) { return o.value === key; }); }
        if (match) { match.checked = true; }
        lastQuestion = q; lastDigitAt = now; lastDigits = typed;
      } else if (options[index]) {
        options[index].checked = options[index].type === "checkbox" ? !options[index].checked : true;
        exclusive(options[index]);
      }
      event.preventDefault();
      return;
    }
    if ((lower === "d" || lower === "r") && q) {
      var special = specialOf(q, lower === "d" ? "dk" : "ref");
      if (special) {
        special.checked = true;
        exclusive(special);
        q.querySelectorAll("input.answer, textarea").forEach(function (i) { i.value = ""; });
        event.preventDefault();
      }
      return;
    }
    if (lower === "b" && form.querySelector("[data-back]")) { event.preventDefault(); send("back"); return; }
    if (lower === "x" && stop) {
      event.preventDefault();
      stop.open = true;
      stop.querySelector('input[type="radio"]').focus();
      return;
    }
    if (key === "?") {
      var support = document.getElementById("support");
      if (support) { support.hidden = !support.hidden; event.preventDefault(); }
    }
  });
  var toggle = document.querySelector('[data-toggle="support"]');
  if (toggle) toggle.addEventListener("click", function () {
    var support = document.getElementById("support"); support.hidden = !support.hidden;
  });

  function clock(element, endsAt, warnAt, onEnd) {
    var timer = element.closest("[role=timer]");  // labelled: "Interview time left 12:34"
    var tick = function () {
      var remaining = endsAt - serverNow();
      var left = Math.max(0, Math.ceil(remaining / 1000));
      element.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      timer.setAttribute("aria-label", timer.dataset.label + " " + element.textContent);
      timer.classList.toggle("warn", Boolean(warnAt && serverNow() >= warnAt));
      // Sent a moment after the limit, so that the server, judging by its own clock, sees
      // the time as run out.
      if (remaining <= -300) { clearInterval(interval); if (onEnd) onEnd(); }
    };
    var interval = setInterval(tick, 250);
    tick();
  }
  questions().forEach(function (q) {
    if (!q.dataset.closesAt) return;
    clock(q.querySelector("[data-countdown]"), Date.parse(q.dataset.closesAt),
          q.dataset.warningAt ? Date.parse(q.dataset.warningAt) : null, function () { send("next"); });
  });
  var total = document.querySelector("[data-total-countdown]");
  if (total && root.dataset.interviewEndsAt) {
    clock(total, Date.parse(root.dataset.interviewEndsAt),
          root.dataset.interviewWarningAt ? Date.parse(root.dataset.interviewWarningAt) : null, null);
  }
})();
