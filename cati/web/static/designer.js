// The questionnaire designer: an outline of blocks and questions, the form of the part
// chosen, the draft's problems beside the fields they concern, saved as the researcher
// types (designer_save.js), and the texts side by side in two languages (designer_texts.js).

import { allQuestions, blockPath, changeType, clone, names, normalize, ownerOf, questionPath, same, within } from "./designer_doc.js";
import { el, fmt, renderFields, showProblems } from "./designer_form.js";
import { renderOutline } from "./designer_outline.js";
import { Saver } from "./designer_save.js";
import { renderTexts } from "./designer_texts.js";

const root = document.getElementById("designer");
const spec = JSON.parse(document.getElementById("designer-spec").textContent);
const s = spec.strings;
const outline = document.getElementById("outline");
const editor = document.getElementById("editor");
const texts = document.getElementById("texts");
const live = document.getElementById("announce");
const summary = document.getElementById("problems");
const UNDO_DEPTH = 50;

const ctx = {
  doc: null,
  spec: spec,
  selected: "settings",
  problems: [],
  undo: [],
  lastType: "single",
  changed: function (kind) {
    saver.changed(ctx.doc);
    if (kind === "outline" || kind === "all") drawOutline();
    if (kind === "all") drawEditor();
    if (!texts.hidden && kind === "all") renderTexts(ctx, texts);
  },
  remember: function () {
    ctx.undo.push(JSON.stringify(ctx.doc));
    if (ctx.undo.length > UNDO_DEPTH) ctx.undo.shift();
  },
  announce: function (message) { live.textContent = message; },
  names: function () {
    const m = /^blocks\[(\d+)\]/.exec(ctx.selected);
    return names(ctx.doc, m ? Number(m[1]) : undefined);
  },
  counts: function () {
    const counts = {};
    ctx.problems.forEach(function (p) {
      const owner = ownerOf(p.path);
      const c = counts[owner] || (counts[owner] = { error: 0, warning: 0 });
      c[p.severity === "error" ? "error" : "warning"] += 1;
    });
    return counts;
  },
  select: function (path, focusOutline) {
    ctx.selected = exists(path) ? path : "settings";
    drawOutline();
    drawEditor();
    if (focusOutline) {
      const item = outline.querySelector('[data-select="' + ctx.selected + '"]');
      if (item) item.focus();
    }
  },
  selectedQuestion: function (b) {
    const m = /^blocks\[(\d+)\]\.questions\[(\d+)\]$/.exec(ctx.selected);
    return m && Number(m[1]) === b ? Number(m[2]) : null;
  },
  focusEditor: function () {
    const first = editor.querySelector("input, select");
    if (first) first.focus();
  },
};

function exists(path) {
  if (path === "settings") return true;
  const m = /^blocks\[(\d+)\](?:\.questions\[(\d+)\])?$/.exec(path);
  if (!m) return false;
  const block = ctx.doc.blocks[Number(m[1])];
  return Boolean(block) && (m[2] === undefined || Boolean(block.questions[Number(m[2])]));
}

function drawOutline() { renderOutline(ctx, outline); }

function questionEditor(b, q) {
  const question = ctx.doc.blocks[b].questions[q];
  const path = questionPath(b, q);
  const head = [
    { key: "id", kind: "id", label: s.question_id, required: true },
  ];
  const parts = [el("h2", { text: s.question + " " + (question.id || "") })];
  parts.push.apply(parts, renderFields(ctx, question, head, path));
  const typeId = "question-type";
  const type = el("select", { id: typeId, class: "dinput" });
  spec.types.forEach(function ([value, label]) {
    const option = el("option", { value: value, text: label });
    if (value === question.type) option.selected = true;
    type.append(option);
  });
  type.addEventListener("change", function () {
    ctx.remember();
    changeType(question, type.value, spec);
    ctx.changed("all");
    const again = document.getElementById(typeId);
    if (again) again.focus();
  });
  parts.push(el("div", { class: "dfield inline", "data-path": path + ".type" }, [el("label", { for: typeId, text: s.type }), type]));
  const wording = { key: "text", kind: question.type === "calculate" ? "text" : "wording", label: question.type === "calculate" ? s.text_optional : s.text };
  parts.push.apply(parts, renderFields(ctx, question, [wording], path));
  parts.push.apply(parts, renderFields(ctx, question, spec.by_type[question.type] || [], path));
  const common = spec.question.filter(function (f) {
    if (question.type === "calculate") return ["show_if", "variable", "variable_label"].includes(f.key);
    if (question.type === "display") return ["instruction", "show_if", "page", "routing", "time_limit"].includes(f.key);
    return true;
  });
  parts.push.apply(parts, renderFields(ctx, question, common.filter(function (f) { return !f.advanced; }), path));
  const advanced = common.filter(function (f) { return f.advanced; });
  if (advanced.length) {
    const more = el("details", { class: "more", "data-path": path + ".more" }, [el("summary", { text: s.more })]);
    more.append.apply(more, renderFields(ctx, question, advanced, path));
    more.open = advanced.some(function (f) { return question[f.key] !== undefined; }) ||
      ctx.problems.some(function (p) { return advanced.some(function (f) { return within(p.path, path + "." + f.key); }); });
    parts.push(more);
  }
  return parts;
}

function drawEditor() {
  const path = ctx.selected;
  let parts;
  const m = /^blocks\[(\d+)\](?:\.questions\[(\d+)\])?$/.exec(path);
  if (path === "settings" || !m) {
    parts = [el("h2", { text: s.questionnaire })].concat(renderFields(ctx, ctx.doc, spec.questionnaire, ""));
  } else if (m[2] === undefined) {
    const block = ctx.doc.blocks[Number(m[1])];
    parts = [el("h2", { text: s.block + " " + (block.id || "") })].concat(renderFields(ctx, block, spec.block, blockPath(Number(m[1]))));
  } else {
    parts = questionEditor(Number(m[1]), Number(m[2]));
  }
  const own = el("ul", { class: "own-problems", "aria-label": s.problems });
  editor.replaceChildren.apply(editor, [own].concat(parts));
  drawProblems();
}

function ownerPath() { return ctx.selected === "settings" ? "" : ctx.selected; }

// The problems of the part shown beside its fields (those with no field above them), and
// the whole draft's list below the outline, each a button to the part it concerns.
function drawProblems() {
  const here = ctx.problems.filter(function (p) {
    return ctx.selected === "settings" ? ownerOf(p.path) === "settings" : within(p.path, ownerPath());
  });
  const left = showProblems(editor, here, within);
  const own = editor.querySelector(".own-problems");
  own.replaceChildren.apply(own, left.map(function (p) {
    return el("li", { class: "problem " + p.severity, text: (p.path ? p.path + ": " : "") + p.message });
  }));
  const items = ctx.problems.map(function (p) {
    const b = el("button", { type: "button", class: "link-button problem " + p.severity, text: (p.path || s.questionnaire) + ": " + p.message });
    b.addEventListener("click", function () { ctx.select(ownerOf(p.path)); focusPath(p.path); });
    return el("li", {}, [b]);
  });
  const errors = ctx.problems.filter(function (p) { return p.severity === "error"; }).length;
  const head = document.getElementById("problems-count");
  head.textContent = ctx.problems.length ? fmt(s.errors, { n: errors }) + " · " + fmt(s.warnings, { n: ctx.problems.length - errors }) : s.no_problems;
  head.dataset.errors = String(errors);
  summary.replaceChildren.apply(summary, items);
}

function focusPath(path) {
  let best = null;
  editor.querySelectorAll("[data-path]").forEach(function (place) {
    if (within(path, place.dataset.path) && (!best || place.dataset.path.length > best.dataset.path.length)) best = place;
  });
  const input = best && best.querySelector("input, select");
  if (input) input.focus();
}

function onSaved(problems) {
  ctx.problems = problems;
  drawOutline();
  drawProblems();
  if (!texts.hidden) renderTexts(ctx, texts);
}

// --- conflicts: someone else saved since this page's revision ---
const conflict = document.getElementById("conflict");
function onConflict(answer) {
  document.getElementById("conflict-message").textContent = answer.error;
  document.getElementById("conflict-diff").textContent = answer.diff;
  conflict.hidden = false;
  const mine = document.getElementById("keep-mine");
  const theirs = document.getElementById("take-theirs");
  mine.onclick = function () { conflict.hidden = true; saver.keepMine(answer.revision); };
  theirs.onclick = function () {
    conflict.hidden = true;
    ctx.remember();
    ctx.doc = normalize(answer.document);
    saver.takeTheirs(ctx.doc, answer.revision);
    ctx.problems = answer.problems;
    ctx.select(ctx.selected);
  };
  theirs.focus();
}

const saver = new Saver({
  url: root.dataset.draftUrl,
  token: root.dataset.token,
  key: "cati-designer:" + root.dataset.project,
  strings: s,
  status: document.getElementById("save-status"),
  onSaved: onSaved,
  onConflict: onConflict,
});

// --- undo, tabs, leaving for the test interview or publishing (after a save) ---
document.addEventListener("keydown", function (event) {
  if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z" || event.shiftKey) return;
  if (event.target.matches("input[type=text], textarea") || !ctx.undo.length) return;
  event.preventDefault();
  ctx.doc = JSON.parse(ctx.undo.pop());
  saver.changed(ctx.doc);
  ctx.select(ctx.selected, true);
  ctx.announce(s.undone);
});

document.querySelectorAll("[data-tab]").forEach(function (tab) {
  tab.addEventListener("click", function () {
    const showTexts = tab.dataset.tab === "texts";
    document.getElementById("editing").hidden = showTexts;
    texts.hidden = !showTexts;
    document.querySelectorAll("[data-tab]").forEach(function (t) { t.setAttribute("aria-selected", String(t === tab)); });
    if (showTexts) renderTexts(ctx, texts);
  });
});

document.querySelectorAll("a[data-after-save]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    if (!saver.dirty) return;
    event.preventDefault();
    saver.flush().then(function (ok) { if (ok) window.location.href = link.href; });
  });
});
document.querySelectorAll("form[data-after-save]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!saver.dirty) return;
    event.preventDefault();
    saver.flush().then(function (ok) { if (ok) form.submit(); });
  });
});

// --- start: the stored draft, and whatever this browser kept of changes not saved ---
fetch(root.dataset.draftUrl, { credentials: "same-origin" })
  .then(function (response) { return response.json(); })
  .then(function (draft) {
    ctx.doc = normalize(draft.document);
    saver.revision = draft.revision;
    ctx.problems = draft.problems;
    const kept = saver.pending();
    if (kept && same(normalize(clone(kept.document)), ctx.doc)) {
      saver.forget();
    } else if (kept) {
      ctx.doc = normalize(kept.document);
      saver.revision = kept.base;  // an older base than the stored one ends in a conflict
      saver.changed(ctx.doc);
      ctx.announce(s.restored);
    }
    root.dataset.ready = "true";
    ctx.select(allQuestions(ctx.doc).length ? questionPath(0, 0) : "settings");
  });
