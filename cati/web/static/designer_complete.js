// Completion of variable names in expression fields (and after "{" in texts, for piping):
// an ARIA 1.2 combobox with a list box of suggestions. ↓/↑ move through them, Enter or Tab
// takes one, Escape closes the list; the mouse may click one.

let serial = 0;

function prefixAt(input, mode) {
  const before = input.value.slice(0, input.selectionStart);
  if (mode === "ref") return before;
  if (mode === "text") {
    const open = before.lastIndexOf("{");
    if (open < 0 || before.indexOf("}", open) >= 0) return null;
    return before.slice(open + 1);
  }
  const m = /[A-Za-z_][A-Za-z0-9_.[]*$/.exec(before);
  return m ? m[0] : null;
}

export function complete(input, candidates, mode, label) {
  const id = "complete-" + (serial += 1);
  const list = document.createElement("ul");
  list.id = id;
  list.className = "completions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", label);
  list.hidden = true;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", id);
  input.setAttribute("autocomplete", "off");
  input.insertAdjacentElement("afterend", list);
  let shown = [];
  let active = -1;
  let prefix = "";

  function close() {
    list.hidden = true;
    shown = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function mark() {
    Array.prototype.forEach.call(list.children, function (li, n) {
      li.setAttribute("aria-selected", n === active ? "true" : "false");
    });
    if (active >= 0) input.setAttribute("aria-activedescendant", id + "-" + active);
    else input.removeAttribute("aria-activedescendant");
  }
  function open(force) {
    let found = prefixAt(input, mode);
    if (found === null && force && mode === "expr") found = "";
    if (found === null) { close(); return; }
    prefix = found;
    const low = prefix.toLowerCase();
    const all = candidates();
    shown = all.filter(function (c) { return c.name.toLowerCase().startsWith(low); })
      .concat(all.filter(function (c) { const n = c.name.toLowerCase(); return low && !n.startsWith(low) && n.includes(low); }))
      .slice(0, 8);
    if (!shown.length || (shown.length === 1 && shown[0].name === prefix)) { close(); return; }
    list.replaceChildren.apply(list, shown.map(function (c, n) {
      const li = document.createElement("li");
      li.id = id + "-" + n;
      li.setAttribute("role", "option");
      li.textContent = c.name;
      const kind = document.createElement("span");
      kind.className = "hint";
      kind.textContent = " " + c.kind;
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); take(n); });
      return li;
    }));
    active = 0;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    mark();
  }
  function take(n) {
    const name = shown[n].name;
    const at = input.selectionStart;
    const start = at - prefix.length;
    let insert = name;
    if (mode === "text" && input.value[at] !== "}") insert += "}";
    input.value = input.value.slice(0, start) + insert + input.value.slice(at);
    const caret = start + insert.length;
    input.setSelectionRange(caret, caret);
    close();
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  input.addEventListener("input", function (event) { if (event.isTrusted) open(false); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (list.hidden) {
      if (event.key === "ArrowDown") { open(true); if (!list.hidden) event.preventDefault(); }
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + shown.length) % shown.length;
      mark();
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      take(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
}
