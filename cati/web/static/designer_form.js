// The designer's forms, built from the field list the server gives (designer_fields.py):
// one small editor per kind of field, each writing into the document as the person types.
// Every field carries its path (data-path), where the draft's problems are shown.

import { complete } from "./designer_complete.js";
import { clone, languages, newGroup, newItem } from "./designer_doc.js";
import { moveKeys } from "./designer_keys.js";

let serial = 0;
function uid(stem) { serial += 1; return stem + "-" + serial; }

export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(function ([key, value]) {
    if (value === undefined || value === null || value === false) return;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  });
  (children || []).forEach(function (child) { if (child) node.append(child); });
  return node;
}

export function fmt(template, params) {
  return template.replace(/%\((\w+)\)s/g, function (_, name) { return String(params[name]); });
}

// A field's frame: label, the editor, and the place of its problems (described-by).
function frame(ctx, path, label, build, inline) {
  const box = el("div", { class: "dfield" + (inline ? " inline" : ""), "data-path": path });
  const id = uid("f");
  const problems = el("ul", { class: "dfield-problems", id: id + "-problems" });
  box.dataset.problems = problems.id;
  const editor = build(id);
  const lab = el("label", { for: id, text: label });
  box.append(lab, editor, problems);
  box.querySelectorAll("input, select, textarea").forEach(function (input) {
    input.setAttribute("aria-describedby", problems.id);
  });
  return box;
}

function setOrDelete(obj, key, value) {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

function input(id, value, attrs) {
  const box = el("input", Object.assign({ id: id, type: "text", class: "dinput" }, attrs || {}));
  box.value = value === undefined || value === null ? "" : String(value);
  return box;
}

// Numbers are kept as typed when they are not numbers, so that the check says so.
function parseNumber(text, whole) {
  const t = text.trim();
  if (!t) return undefined;
  if (whole ? /^-?\d+$/.test(t) : /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function parseCodes(text) {
  const parts = text.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  if (!parts.length) return undefined;
  return parts.map(function (p) { return /^-?\d+$/.test(p) ? Number(p) : p; });
}

function showCodes(value) { return Array.isArray(value) ? value.join(", ") : value; }

const KINDS = {
  id: textLike, string: textLike,
  int: function (ctx, obj, f, path) { return numberLike(ctx, obj, f, path, true); },
  number: function (ctx, obj, f, path) { return numberLike(ctx, obj, f, path, false); },
  bool: boolField, tristate: tristateField, select: selectField,
  text: function (ctx, obj, f, path) { return textField(ctx, obj, f.key, f.label, path); },
  wording: wordingField, expr: exprField, ref: exprField, times: timesField,
  codes: codesField, value: valueField, languages: languagesField,
  list: listField, group: groupField, action: actionField, sample: sampleField, groups: groupsField,
};

export function renderFields(ctx, obj, fields, path) {
  return fields.map(function (f) { return KINDS[f.kind](ctx, obj, f, (path ? path + "." : "") + f.key); });
}

function textLike(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, obj[f.key], { spellcheck: f.kind === "id" ? "false" : null, required: f.required });
    box.addEventListener("input", function () {
      setOrDelete(obj, f.key, box.value === "" ? undefined : box.value);
      ctx.changed(f.key === "id" ? "outline" : undefined);
    });
    return box;
  });
}

function numberLike(ctx, obj, f, path, whole) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, obj[f.key], { inputmode: whole ? "numeric" : "decimal", class: "dinput short", required: f.required });
    box.addEventListener("input", function () {
      const value = parseNumber(box.value, whole);
      setOrDelete(obj, f.key, value === f.default && !f.required ? undefined : value);
      ctx.changed();
    });
    return box;
  }, true);
}

function boolField(ctx, obj, f, path) {
  const box = el("div", { class: "dfield check", "data-path": path });
  const id = uid("f");
  const problems = el("ul", { class: "dfield-problems", id: id + "-problems" });
  box.dataset.problems = problems.id;
  const check = el("input", { type: "checkbox", id: id, "aria-describedby": problems.id });
  check.checked = obj[f.key] === undefined ? Boolean(f.default) : Boolean(obj[f.key]);
  check.addEventListener("change", function () {
    setOrDelete(obj, f.key, check.checked === Boolean(f.default) ? undefined : check.checked);
    ctx.changed();
  });
  box.append(check, el("label", { for: id, text: f.label }), problems);
  return box;
}

function selectOf(id, choices, value) {
  const select = el("select", { id: id, class: "dinput" });
  choices.forEach(function ([v, label]) {
    const option = el("option", { value: v, text: label });
    if (String(v) === String(value)) option.selected = true;
    select.append(option);
  });
  return select;
}

function tristateField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const value = obj[f.key] === undefined ? "" : String(obj[f.key]);
    const select = selectOf(id, f.choices, value);
    select.addEventListener("change", function () {
      setOrDelete(obj, f.key, select.value === "" ? undefined : select.value === "true");
      ctx.changed();
    });
    return select;
  }, true);
}

function selectField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const value = obj[f.key] === undefined ? (f.default || "") : obj[f.key];
    const select = selectOf(id, f.choices, value);
    select.addEventListener("change", function () {
      const v = select.value;
      setOrDelete(obj, f.key, v === "" || v === f.default ? undefined : v);
      ctx.changed();
    });
    return select;
  }, true);
}

// A text: one string the same in every language, or one per language.
export function textField(ctx, obj, key, label, path, onChange) {
  const langs = languages(ctx.doc);
  const box = el("div", { class: "dfield text", "data-path": path });
  const group = el("fieldset", { class: "dtext" }, [el("legend", { text: label })]);
  const problems = el("ul", { class: "dfield-problems", id: uid("p") });
  box.dataset.problems = problems.id;
  box.append(group, problems);
  const changed = onChange || function () { ctx.changed(); };
  const value = obj[key];
  const shared = typeof value === "string" || (langs.length === 1 && (value === undefined || value === null));
  if (langs.length > 1 || typeof value !== "string" && value !== undefined) {
    const id = uid("f");
    const check = el("input", { type: "checkbox", id: id });
    check.checked = typeof value === "string";
    check.addEventListener("change", function () {
      const current = obj[key];
      if (check.checked) {
        const first = current && typeof current === "object" ? Object.values(current).find(Boolean) : current;
        setOrDelete(obj, key, first || undefined);
      } else {
        const text = {};
        if (typeof current === "string" && current) langs.forEach(function (l) { text[l] = current; });
        setOrDelete(obj, key, Object.keys(text).length ? text : undefined);
        if (!Object.keys(text).length) obj[key] = {};
      }
      changed();
      box.replaceWith(textField(ctx, obj, key, label, path, onChange));
    });
    group.append(el("div", { class: "check small" }, [check, el("label", { for: id, text: ctx.spec.strings.all_languages })]));
  }
  function line(lang, current, write, sub) {
    const id = uid("f");
    const wrap = el("div", { class: "dlang", "data-path": sub, "data-problems": problems.id });
    const field = input(id, current, { lang: langs.includes(lang) ? lang : null, "aria-describedby": problems.id });
    complete(field, function () { return ctx.names(); }, "text", ctx.spec.strings.suggestions);
    field.addEventListener("input", function () { write(field.value); changed(); });
    wrap.append(el("label", { for: id, text: lang, class: "lang" }), field);
    return wrap;
  }
  if (shared) {
    group.append(line(langs.join(" · "), typeof value === "string" ? value : "", function (v) {
      setOrDelete(obj, key, v === "" ? undefined : v);
    }, path));
  } else {
    const text = value && typeof value === "object" ? value : {};
    const shown = langs.concat(Object.keys(text).filter(function (l) { return !langs.includes(l); }));
    shown.forEach(function (lang) {
      group.append(line(lang, text[lang], function (v) {
        const current = obj[key] && typeof obj[key] === "object" ? obj[key] : (obj[key] = {});
        if (v === "") delete current[lang]; else current[lang] = v;
        if (!Object.keys(current).length) delete obj[key];
      }, path + "." + lang));
    });
  }
  return box;
}

// A wording: the same on the phone and on the web, or one for each mode.
function wordingField(ctx, obj, f, path) {
  const box = el("div", { class: "dwording" });
  const id = uid("f");
  const value = obj[f.key];
  const split = value && typeof value === "object" && "phone" in value && "web" in value;
  const check = el("input", { type: "checkbox", id: id });
  check.checked = Boolean(split);
  check.addEventListener("change", function () {
    const current = obj[f.key];
    if (check.checked) obj[f.key] = { phone: current === undefined ? "" : current, web: current === undefined ? "" : clone(current) };
    else setOrDelete(obj, f.key, current ? current.phone : undefined);
    ctx.changed();
    box.replaceWith(wordingField(ctx, obj, f, path));
  });
  if (split) {
    box.append(
      textField(ctx, value, "phone", f.label + " · " + ctx.spec.strings.phone, path + ".phone"),
      textField(ctx, value, "web", f.label + " · " + ctx.spec.strings.web, path + ".web"),
    );
  } else {
    box.append(textField(ctx, obj, f.key, f.label, path));
  }
  box.append(el("div", { class: "check small" }, [check, el("label", { for: id, text: ctx.spec.strings.web_wording })]));
  return box;
}

function exprField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, obj[f.key], { class: "dinput code", spellcheck: "false", required: f.required });
    const wrap = el("div", { class: "completing" }, [box]);
    if (f.kind === "ref") {
      complete(box, function () {
        return ctx.names().filter(function (n) { return n.kind === "multiple"; });
      }, "ref", ctx.spec.strings.suggestions);
    } else {
      complete(box, function () { return ctx.names(); }, "expr", ctx.spec.strings.suggestions);
    }
    box.addEventListener("input", function () {
      setOrDelete(obj, f.key, box.value === "" && !f.required ? undefined : box.value);
      ctx.changed();
    });
    return wrap;
  });
}

function timesField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, obj[f.key], { class: "dinput code", spellcheck: "false" });
    const wrap = el("div", { class: "completing" }, [box]);
    complete(box, function () { return ctx.names(); }, "expr", ctx.spec.strings.suggestions);
    box.addEventListener("input", function () {
      const t = box.value.trim();
      setOrDelete(obj, f.key, t === "" ? undefined : (/^\d+$/.test(t) ? Number(t) : box.value));
      ctx.changed();
    });
    return wrap;
  });
}

function codesField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, showCodes(obj[f.key]), { class: "dinput short" });
    box.addEventListener("input", function () { setOrDelete(obj, f.key, parseCodes(box.value)); ctx.changed(); });
    return box;
  });
}

function valueField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, showCodes(obj[f.key]));
    box.addEventListener("input", function () {
      const t = box.value.trim();
      let value;
      if (t === "") value = undefined;
      else if (/^-?\d+(\.\d+)?$/.test(t)) value = Number(t);
      else if (/^-?\d+(\s*,\s*-?\d+)+$/.test(t)) value = parseCodes(t);
      else value = box.value;
      setOrDelete(obj, f.key, value);
      ctx.changed();
    });
    return box;
  });
}

function languagesField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const box = input(id, (obj[f.key] || []).join(", "), { class: "dinput short", spellcheck: "false" });
    box.addEventListener("change", function () {
      const list = box.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      setOrDelete(obj, f.key, list.length ? list : undefined);
      ctx.changed("all");
    });
    return box;
  });
}

function groupsField(ctx, obj, f, path) {
  return frame(ctx, path, f.label, function (id) {
    const shown = (obj[f.key] || []).map(function (g) { return Array.isArray(g) ? g.join(", ") : g; }).join("; ");
    const box = input(id, shown, { class: "dinput", spellcheck: "false" });
    box.addEventListener("input", function () {
      const groups = box.value.split(";").map(function (g) {
        return g.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      }).filter(function (g) { return g.length; });
      setOrDelete(obj, f.key, groups.length ? groups : undefined);
      ctx.changed();
    });
    return box;
  });
}

// An optional part (a time limit, a loop): ticked, its fields; not ticked, left out.
function groupField(ctx, obj, f, path) {
  const box = el("fieldset", { class: "dgroup", "data-path": path });
  const id = uid("f");
  const check = el("input", { type: "checkbox", id: id });
  check.checked = obj[f.key] !== undefined;
  box.append(el("legend", {}, [check, el("label", { for: id, text: f.label })]));
  const problems = el("ul", { class: "dfield-problems", id: uid("p") });
  box.dataset.problems = problems.id;
  check.setAttribute("aria-describedby", problems.id);
  const inner = el("div", { class: "dgroup-fields" });
  function fill() {
    inner.replaceChildren();
    if (obj[f.key] !== undefined && typeof obj[f.key] === "object") {
      inner.append.apply(inner, renderFields(ctx, obj[f.key], f.item, path));
    }
  }
  check.addEventListener("change", function () {
    if (check.checked) obj[f.key] = newGroup(f.new);
    else delete obj[f.key];
    fill();
    ctx.changed();
  });
  fill();
  box.append(problems, inner);
  return box;
}

// A routing rule's action: go to a question, screen out with a code, or end.
function actionField(ctx, obj, f, path) {
  const s = ctx.spec.strings;
  const kind = "goto" in obj ? "goto" : "screen_out" in obj ? "screen_out" : "end";
  const box = el("div", { class: "dfield inline action", "data-path": path.replace(/\.action$/, "") + "." + kind });
  const id = uid("f");
  const select = selectOf(id, [["goto", s.goto], ["screen_out", s.screen_out], ["end", s.end]], kind);
  const target = input(uid("f"), kind === "end" ? "" : obj[kind], { class: "dinput code", "aria-label": s.target, spellcheck: "false" });
  target.hidden = kind === "end";
  const wrap = el("div", { class: "completing" }, [target]);
  complete(target, function () {
    return select.value === "goto" ? ctx.names().filter(function (n) { return n.kind !== "function" && n.kind !== "sample" && n.kind !== "loop"; }) : [];
  }, "ref", s.suggestions);
  function write() {
    delete obj.goto; delete obj.screen_out; delete obj.end;
    if (select.value === "end") obj.end = true;
    else obj[select.value] = target.value;
    target.hidden = select.value === "end";
    ctx.changed();
  }
  select.addEventListener("change", write);
  target.addEventListener("input", write);
  const problems = el("ul", { class: "dfield-problems", id: uid("p") });
  box.dataset.problems = problems.id;
  select.setAttribute("aria-describedby", problems.id);
  box.append(el("label", { for: id, text: f.label }), select, wrap, problems);
  return box;
}

function sampleField(ctx, obj, f, path) {
  const s = ctx.spec.strings;
  const box = el("fieldset", { class: "dlist", "data-path": path }, [el("legend", { text: f.label })]);
  const rows = el("div", { class: "dsample" });
  const problems = el("ul", { class: "dfield-problems", id: uid("p") });
  box.dataset.problems = problems.id;
  function entries() { return Object.entries(obj[f.key] || {}); }
  function write(list) {
    const mapping = {};
    list.forEach(function ([name, v]) { mapping[name] = v; });
    setOrDelete(obj, f.key, list.length ? mapping : undefined);
    ctx.changed();
  }
  function fill() {
    rows.replaceChildren();
    entries().forEach(function ([name, variable], n) {
      const row = el("div", { class: "drow", "data-path": path + "." + name, "data-problems": problems.id });
      const nameBox = input(uid("f"), name, { "aria-label": s.name, class: "dinput short", spellcheck: "false" });
      const type = selectOf(uid("f"), [["text", s.text_type], ["number", s.number]], variable && variable.type);
      type.setAttribute("aria-label", s.variable_type + " · " + name);
      const label = input(uid("f"), variable && variable.label, { "aria-label": s.label + " · " + name, class: "dinput" });
      const remove = el("button", { type: "button", class: "button small secondary-light", text: s.delete, "aria-label": s.delete + " " + name });
      nameBox.addEventListener("change", function () {
        const list = entries();
        list[n][0] = nameBox.value.trim();
        write(list);
        fill();
      });
      type.addEventListener("change", function () { obj[f.key][name].type = type.value; ctx.changed(); });
      label.addEventListener("input", function () {
        if (label.value) obj[f.key][name].label = label.value; else delete obj[f.key][name].label;
        ctx.changed();
      });
      remove.addEventListener("click", function () { write(entries().filter(function (_, i) { return i !== n; })); fill(); });
      row.append(nameBox, type, label, remove);
      rows.append(row);
    });
  }
  const add = el("button", { type: "button", class: "button small secondary-light", text: s.add_variable });
  add.addEventListener("click", function () {
    const list = entries();
    let n = list.length + 1;
    while (list.some(function ([name]) { return name === "var" + n; })) n += 1;
    list.push(["var" + n, { type: "text" }]);
    write(list);
    fill();
    rows.lastElementChild.querySelector("input").focus();
  });
  fill();
  box.append(problems, rows, add);
  return box;
}

// A list (options, rows, checks, rules, help items): each item with buttons to move, copy
// and delete it, Alt+↑/↓ and Alt+Shift+↓ on it, and a handle to drag it by.
function listField(ctx, obj, f, path) {
  const s = ctx.spec.strings;
  const box = el("fieldset", { class: "dlist list-" + f.key, "data-path": path }, [el("legend", { text: f.label })]);
  const problems = el("ul", { class: "dfield-problems", id: uid("p") });
  box.dataset.problems = problems.id;
  const items = el("ol", { class: "ditems" });
  function list() { return Array.isArray(obj[f.key]) ? obj[f.key] : (obj[f.key] = []); }
  function label(n) { return f.label + " " + (n + 1); }
  function redraw(focus) {
    items.replaceChildren();
    list().forEach(function (item, n) { items.append(row(item, n)); });
    if (focus !== undefined) {
      const target = items.children[focus] && items.children[focus].querySelector("[data-focus]");
      if (target) target.focus();
    }
  }
  function edit(change, focus, message) {
    ctx.remember();
    change(list());
    if (!list().length && !f.required) delete obj[f.key];
    ctx.changed();
    redraw(focus);
    if (message) ctx.announce(message);
  }
  function move(n, to) {
    if (to < 0 || to >= list().length) return;
    edit(function (l) { l.splice(to, 0, l.splice(n, 1)[0]); }, to, fmt(s.moved, { what: label(n), n: to + 1 }));
  }
  function copy(n) {
    edit(function (l) {
      const twin = clone(l[n]);
      if (typeof twin.code === "number") twin.code = newItem(ctx.doc, "option", l).code;
      if (typeof twin.id === "string") twin.id = newItem(ctx.doc, "row", l).id;
      l.splice(n + 1, 0, twin);
    }, n + 1, fmt(s.copied, { what: label(n) }));
  }
  function remove(n) {
    edit(function (l) { l.splice(n, 1); }, Math.min(n, list().length - 2), fmt(s.deleted, { what: label(n) }));
  }
  function row(item, n) {
    const own = el("ul", { class: "dfield-problems", id: uid("p") });
    const li = el("li", { class: "ditem", "data-path": path + "[" + n + "]", "data-problems": own.id });
    const handle = el("button", { type: "button", class: "handle", draggable: "true", "data-focus": "", "aria-label": s.drag + " · " + label(n), title: s.drag, text: "⠿" });
    const tools = el("div", { class: "ditem-tools" }, [
      handle,
      button("↑", s.move_up + " · " + label(n), function () { move(n, n - 1); }),
      button("↓", s.move_down + " · " + label(n), function () { move(n, n + 1); }),
      button("⊕", s.copy + " · " + label(n), function () { copy(n); }),
      button("✕", s.delete + " · " + label(n), function () { remove(n); }),
    ]);
    const fields = el("div", { class: "ditem-fields" });
    fields.append.apply(fields, renderFields(ctx, item, f.item, path + "[" + n + "]"));
    li.append(tools, fields, own);
    moveKeys(li, {
      up: function () { move(n, n - 1); }, down: function () { move(n, n + 1); },
      copy: function () { copy(n); }, remove: function () { remove(n); },
    });
    handle.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/x-cati-item", path + "|" + n);
      event.dataTransfer.effectAllowed = "move";
    });
    li.addEventListener("dragover", function (event) {
      if (event.dataTransfer.types.includes("text/x-cati-item")) { event.preventDefault(); li.classList.add("drop"); }
    });
    li.addEventListener("dragleave", function () { li.classList.remove("drop"); });
    li.addEventListener("drop", function (event) {
      li.classList.remove("drop");
      const [from, index] = event.dataTransfer.getData("text/x-cati-item").split("|");
      if (from !== path) return;
      event.preventDefault();
      move(Number(index), n);
    });
    return li;
  }
  const add = el("button", { type: "button", class: "button small secondary-light", text: f.add });
  add.addEventListener("click", function () {
    edit(function (l) { l.push(newItem(ctx.doc, f.new, l)); }, undefined, null);
    const last = items.lastElementChild && items.lastElementChild.querySelector(".ditem-fields input");
    if (last) last.focus();
  });
  redraw();
  box.append(problems, items, add);
  return box;
}

export function button(text, label, onClick) {
  const b = el("button", { type: "button", class: "tool", "aria-label": label, title: label, text: text });
  b.addEventListener("click", onClick);
  return b;
}

// The draft's problems beside the fields they concern: each goes to the place with the
// longest path it lies within (that place's problems list, its own inputs marked invalid).
// Returns those that have no place in what is shown.
export function showProblems(root, problems, within) {
  root.querySelectorAll(".dfield-problems").forEach(function (ul) { ul.replaceChildren(); });
  root.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  const places = Array.prototype.slice.call(root.querySelectorAll("[data-path][data-problems]"));
  const left = [];
  problems.forEach(function (p) {
    let best = null;
    places.forEach(function (place) {
      const path = place.dataset.path;
      if (within(p.path, path) && (!best || path.length > best.dataset.path.length)) best = place;
    });
    const list = best && document.getElementById(best.dataset.problems);
    if (!list) { left.push(p); return; }
    list.append(el("li", { class: "problem " + p.severity, text: p.message, "data-code": p.code }));
    if (p.severity === "error") {
      best.querySelectorAll("input, select").forEach(function (i) {
        if (i.closest("[data-path]") === best) i.setAttribute("aria-invalid", "true");
      });
    }
  });
  return left;
}
