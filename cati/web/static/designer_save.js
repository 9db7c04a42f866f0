// Saving the draft as the researcher types: a moment after the last change the document
// goes to the server with the revision it started from. Until the server has it, it is
// also kept in this browser (localStorage), so a closed tab or a lost connection loses
// nothing; a tab closed with changes pending sends them on its way out.

const DELAY = 600;  // ms after the last change
const RETRY = 5000;

export class Saver {
  constructor(options) {
    this.url = options.url;
    this.token = options.token;
    this.key = options.key;
    this.strings = options.strings;
    this.status = options.status;
    this.onSaved = options.onSaved;
    this.onConflict = options.onConflict;
    this.revision = 0;
    this.doc = null;
    this.dirty = false;
    this.inFlight = false;
    this.again = false;
    this.paused = false;
    this.timer = null;
    const self = this;
    window.addEventListener("pagehide", function () { self.leave(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") self.leave();
      else self.left = false;  // back on the tab: the next leaving sends again
    });
    window.addEventListener("beforeunload", function (event) {
      if (self.dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  say(text, kind) {
    this.status.textContent = text;
    this.status.dataset.state = kind;
  }

  pending() {
    try {
      const kept = JSON.parse(localStorage.getItem(this.key) || "null");
      return kept && kept.document ? kept : null;
    } catch (_) {
      return null;
    }
  }

  keep() {
    try {
      localStorage.setItem(this.key, JSON.stringify({ base: this.revision, document: this.doc, at: Date.now() }));
    } catch (_) { /* storage full or off: the server copy is all there is */ }
  }

  forget() {
    try { localStorage.removeItem(this.key); } catch (_) { /* nothing kept */ }
  }

  changed(doc) {
    this.doc = doc;
    this.dirty = true;
    this.keep();
    if (this.paused) return;
    this.say(this.strings.unsaved, "unsaved");
    clearTimeout(this.timer);
    const self = this;
    this.timer = setTimeout(function () { self.send(); }, DELAY);
  }

  body() { return JSON.stringify({ document: this.doc, revision: this.revision }); }

  headers() { return { "Content-Type": "application/json", "X-CSRFToken": this.token }; }

  // Save now (the test interview and publishing start from the saved draft).
  flush() {
    clearTimeout(this.timer);
    if (!this.dirty || this.paused) return Promise.resolve(!this.paused);
    return this.send();
  }

  send() {
    if (this.paused) return Promise.resolve(false);
    if (this.inFlight) { this.again = true; return this.inFlight; }
    const self = this;
    const sent = this.body();
    const sentDoc = JSON.stringify(this.doc);
    this.say(this.strings.saving, "saving");
    this.inFlight = fetch(this.url, { method: "POST", headers: this.headers(), body: sent, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
      })
      .then(function (result) {
        self.inFlight = false;
        if (result.status === 200) {
          self.revision = result.answer.revision;
          if (JSON.stringify(self.doc) === sentDoc) {
            self.dirty = false;
            self.forget();
          } else {
            self.keep();
          }
          self.say(self.strings.saved.replace("%(n)s", self.revision), "saved");
          self.onSaved(result.answer.problems);
          if (self.again || self.dirty) { self.again = false; return self.send(); }
          return true;
        }
        if (result.status === 409) {
          self.paused = true;
          self.say(result.answer.error, "conflict");
          self.onConflict(result.answer);
          return false;
        }
        self.say(self.strings.save_failed.replace("%(reason)s", result.answer.error || result.status), "error");
        return false;
      })
      .catch(function () {
        self.inFlight = false;
        self.say(self.strings.offline, "offline");
        clearTimeout(self.timer);
        self.timer = setTimeout(function () { self.send(); }, RETRY);
        return false;
      });
    return this.inFlight;
  }

  // Resolving a conflict: keep mine (saved over their revision) or take theirs.
  keepMine(theirRevision) {
    this.revision = theirRevision;
    this.paused = false;
    this.dirty = true;
    return this.send();
  }

  takeTheirs(doc, revision) {
    this.revision = revision;
    this.doc = doc;
    this.paused = false;
    this.dirty = false;
    this.forget();
    this.say(this.strings.saved.replace("%(n)s", revision), "saved");
  }

  leave() {
    if (!this.dirty || this.paused || this.left) return;
    this.left = true;  // pagehide and visibilitychange both come: one request is enough
    this.keep();
    try {
      fetch(this.url, { method: "POST", headers: this.headers(), body: this.body(), keepalive: true, credentials: "same-origin" });
    } catch (_) { /* too large for a keep-alive request: the browser's copy stays */ }
  }
}
