// The texts side by side: every text of the draft in two of its languages, in columns, the
// missing ones marked; typing in a cell writes the draft like any other field.

import { MODES, languages } from "./designer_doc.js";
import { el } from "./designer_form.js";

// Every text with its path (as the checks write it) and the object and key that hold it;
// `textKeys` are the keys whose values are texts (the model's, from the server).
export function textsOf(doc, textKeys) {
  const found = [];
  function walk(value, path, where) {
    if (Array.isArray(value)) {
      value.forEach(function (item, n) { walk(item, path + "[" + n + "]", where); });
      return;
    }
    if (!value || typeof value !== "object") return;
    const here = typeof value.id === "string" && value.type ? value.id : where;
    Object.keys(value).forEach(function (key) {
      const child = (path ? path + "." : "") + key;
      const text = value[key];
      if (textKeys.has(key) && (typeof text === "string" || (text && typeof text === "object" && !Array.isArray(text)))) {
        if (text && typeof text === "object" && MODES.every(function (m) { return m in text; })) {
          MODES.forEach(function (mode) { found.push({ holder: text, key: mode, path: child + "." + mode, where: here }); });
        } else {
          found.push({ holder: value, key: key, path: child, where: here });
        }
      } else if (key !== "sample_variables") {
        walk(text, child, here);
      }
    });
  }
  walk(doc, "", "");
  return found;
}

export function renderTexts(ctx, root) {
  const s = ctx.spec.strings;
  const langs = languages(ctx.doc);
  const pick = root.querySelector("[data-side=left]") ? {
    left: root.querySelector("[data-side=left]").value, right: root.querySelector("[data-side=right]").value,
  } : { left: langs[0], right: langs[1] || langs[0] };
  if (!langs.includes(pick.left)) pick.left = langs[0];
  if (!langs.includes(pick.right)) pick.right = langs[1] || langs[0];
  function chooser(side, label) {
    const id = "texts-" + side;
    const select = el("select", { id: id, "data-side": side, class: "dinput short" });
    langs.forEach(function (l) { select.append(el("option", { value: l, text: l, selected: l === pick[side] })); });
    select.addEventListener("change", function () { renderTexts(ctx, root); });
    return el("span", { class: "dfield inline" }, [el("label", { for: id, text: label }), select]);
  }
  const table = el("table", { class: "data texts", "data-testid": "texts" });
  table.append(el("thead", {}, [el("tr", {}, [
    el("th", { text: s.where, scope: "col" }),
    el("th", { text: pick.left, scope: "col", lang: pick.left }),
    el("th", { text: pick.right, scope: "col", lang: pick.right }),
  ])]));
  const body = el("tbody");
  textsOf(ctx.doc, new Set(ctx.spec.text_keys)).forEach(function (entry) {
    const row = el("tr", { "data-path": entry.path });
    const label = (entry.where ? entry.where + " · " : "") + entry.path.replace(/^blocks\[\d+\]\.questions\[\d+\]\./, "");
    row.append(el("th", { scope: "row", text: label }));
    [pick.left, pick.right].forEach(function (lang) { row.append(cell(entry, lang, label)); });
    body.append(row);
  });
  function cell(entry, lang, label) {
    const text = entry.holder[entry.key];
    const td = el("td");
    if (typeof text === "string") {
      td.append(el("span", { text: text }), el("span", { class: "hint", text: " " + s.shared }));
      return td;
    }
    const value = text && typeof text === "object" ? text[lang] : undefined;
    const box = el("input", { type: "text", class: "dinput", lang: lang, "aria-label": label + " · " + lang });
    box.value = value || "";
    function mark() {
      const missing = !box.value;
      td.classList.toggle("missing", missing);
      box.setAttribute("aria-invalid", missing ? "true" : "false");
      flag.hidden = !missing;
    }
    const flag = el("span", { class: "missing-flag", text: s.missing });
    box.addEventListener("input", function () {
      const current = entry.holder[entry.key] && typeof entry.holder[entry.key] === "object" ? entry.holder[entry.key] : (entry.holder[entry.key] = {});
      if (box.value) current[lang] = box.value; else delete current[lang];
      mark();
      ctx.changed();
    });
    td.append(box, flag);
    mark();
    return td;
  }
  table.append(body);
  const head = el("div", { class: "texts-head" }, [chooser("left", s.left), chooser("right", s.right)]);
  const parts = [head];
  if (langs.length < 2) parts.push(el("p", { class: "hint", text: s.one_language }));
  parts.push(body.children.length ? table : el("p", { class: "hint", text: s.no_texts }));
  const tools = root.querySelector(".texts-tools");
  root.replaceChildren.apply(root, parts.concat(tools ? [tools] : []));
}
