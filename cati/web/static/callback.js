// The call-back fields by keys: quick entries become what the server reads (YYYY-MM-DD, HH:MM)
// when a field is left and before the form is sent. Dates: +N (days from the respondent's
// today), D/M (the next such day), D/M/YYYY or YYYY-MM-DD. Times: 19:30, 19.30, 1930, 19.
// "+1 19:30" in the date fills date and From; "+1 17-19" also Until. An Until makes the
// call-back a window (soft). What cannot be read stays as typed, marked, for the server to refuse.
(function () {
  "use strict";
  var box = document.querySelector("[data-callback]");
  if (!box) return;
  var date = box.querySelector("[data-callback-date]");
  var from = box.querySelector("[data-callback-time]");
  var until = box.querySelector("[data-callback-until]");
  var offset = box.dataset.now ? Date.parse(box.dataset.now) - Date.now() : 0;

  function pad(n) { return String(n).padStart(2, "0"); }
  function iso(y, m, d) { return y + "-" + pad(m) + "-" + pad(d); }
  function exists(y, m, d) {
    var t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }
  function today() {  // [year, month, day] in the respondent's time zone, by the server's clock
    var parts = {};
    var format = new Intl.DateTimeFormat("en-GB", {
      timeZone: box.dataset.zone || undefined, year: "numeric", month: "numeric", day: "numeric"
    });
    format.formatToParts(new Date(Date.now() + offset)).forEach(function (p) { parts[p.type] = Number(p.value); });
    return [parts.year, parts.month, parts.day];
  }
  function readDate(text) {
    var t = text.trim(), m, base = today();
    if (!t) return "";
    if ((m = /^\+(\d{1,3})$/.exec(t))) {
      var day = new Date(Date.UTC(base[0], base[1] - 1, base[2] + Number(m[1])));
      return iso(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
    }
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) {
      return exists(+m[1], +m[2], +m[3]) ? iso(+m[1], +m[2], +m[3]) : null;
    }
    if ((m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?$/.exec(t))) {
      var d = +m[1], mo = +m[2], y = m[3] ? +m[3] + (m[3].length === 2 ? 2000 : 0) : base[0];
      if (!m[3] && (mo < base[1] || (mo === base[1] && d < base[2]))) y += 1;
      return exists(y, mo, d) ? iso(y, mo, d) : null;
    }
    return null;
  }
  function readTime(text) {
    var m = /^(\d{1,2})(?:[:.h]?(\d{2}))?$/.exec(text.trim());
    if (!text.trim()) return "";
    if (!m || +m[1] > 23 || (m[2] && +m[2] > 59)) return null;
    return pad(+m[1]) + ":" + (m[2] || "00");
  }
  function tidy() {
    var words = date.value.trim().split(/\s+/);
    if (words.length > 1) {  // "+1 19:30" or "+1 17-19": the time goes to its fields
      var times = words.slice(1).join("").split(/[-–]/);
      from.value = times[0];
      if (times.length > 1) until.value = times[1];
      date.value = words[0];
    }
    [[date, readDate], [from, readTime], [until, readTime]].forEach(function (pair) {
      var value = pair[1](pair[0].value);
      if (value !== null) pair[0].value = value;
      pair[0].setAttribute("aria-invalid", value === null ? "true" : "false");
    });
    var soft = box.querySelector('input[type="radio"][value="soft"]');
    if (until.value && soft) soft.checked = true;
  }
  [date, from, until].forEach(function (input) { input.addEventListener("change", tidy); });
  box.closest("form").addEventListener("submit", tidy, true);
})();
