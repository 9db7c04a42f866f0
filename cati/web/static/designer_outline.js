// The outline of the questionnaire: its blocks and their questions, each with buttons to
// move, copy and delete it, the same on the keyboard (Alt+↑/↓, Alt+Shift+↓, Delete; ↑/↓
// alone go from one item to the next), and a handle to drag it by. A question moved up
// past the top of its block goes to the end of the block before.

import { blockPath, copyBlock, copyQuestion, newQuestion, questionPath, shortText } from "./designer_doc.js";
import { button, el, fmt } from "./designer_form.js";
import { moveKeys } from "./designer_keys.js";

const DRAG = "text/x-cati-outline";

export function renderOutline(ctx, root) {
  const s = ctx.spec.strings;
  const doc = ctx.doc;
  const counts = ctx.counts();  // owner path -> {error, warning}
  root.replaceChildren();

  function badge(path) {
    const c = counts[path];
    if (!c) return null;
    const parts = [];
    if (c.error) parts.push(el("span", { class: "badge error", text: fmt(s.errors, { n: c.error }) }));
    if (c.warning) parts.push(el("span", { class: "badge warning", text: fmt(s.warnings, { n: c.warning }) }));
    return el("span", { class: "badges" }, parts);
  }
  function select(path, label, extra) {
    const b = el("button", { type: "button", class: "oselect", "data-select": path, "aria-current": ctx.selected === path ? "true" : null }, [
      el("span", { class: "olabel", text: label }), extra || null, badge(path),
    ]);
    b.addEventListener("click", function () { ctx.select(path); });
    return b;
  }
  function after(change, focusPath, message) {
    ctx.remember();
    change();
    ctx.changed();
    ctx.select(focusPath, true);
    if (message) ctx.announce(message);
  }

  // --- questions ---
  function moveQuestion(b, q, to) {
    const blocks = doc.blocks;
    let tb = b, tq = to;
    if (to < 0) { if (b === 0) return; tb = b - 1; tq = blocks[tb].questions.length; }
    else if (to >= blocks[b].questions.length) { if (b === blocks.length - 1) return; tb = b + 1; tq = 0; }
    const id = blocks[b].questions[q].id;
    after(function () {
      const [question] = blocks[b].questions.splice(q, 1);
      blocks[tb].questions.splice(tq, 0, question);
    }, questionPath(tb, tq), fmt(s.moved, { what: id, n: tq + 1 }));
  }
  function dropQuestion(from, tb, tq) {
    const [fb, fq] = from;
    const blocks = doc.blocks;
    const at = Math.max(0, fb === tb && fq < tq ? tq - 1 : tq);
    const id = blocks[fb].questions[fq].id;
    after(function () {
      const [question] = blocks[fb].questions.splice(fq, 1);
      blocks[tb].questions.splice(at, 0, question);
    }, questionPath(tb, at), fmt(s.moved, { what: id, n: at + 1 }));
  }
  function questionItem(block, b, question, q) {
    const path = questionPath(b, q);
    const li = el("li", { class: "oquestion", "data-path": path });
    const label = (question.id || "?") + " · " + (question.type || "?");
    const text = el("span", { class: "otext", text: shortText(question.text, doc) });
    const handle = el("span", { class: "handle", draggable: "true", title: s.drag, "aria-hidden": "true", text: "⠿" });
    li.append(el("div", { class: "orow" }, [
      handle,
      select(path, label, text),
      el("span", { class: "otools" }, [
        button("↑", s.move_up + " · " + question.id, function () { moveQuestion(b, q, q - 1); }),
        button("↓", s.move_down + " · " + question.id, function () { moveQuestion(b, q, q + 1); }),
        button("⊕", s.copy + " · " + question.id, function () { copyQuestionAt(b, q); }),
        button("✕", s.delete + " · " + question.id, function () { deleteQuestion(b, q); }),
      ]),
    ]));
    moveKeys(li, {
      up: function () { moveQuestion(b, q, q - 1); }, down: function () { moveQuestion(b, q, q + 1); },
      copy: function () { copyQuestionAt(b, q); }, remove: function () { deleteQuestion(b, q); },
    });
    handle.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData(DRAG, JSON.stringify({ question: [b, q] }));
      event.dataTransfer.effectAllowed = "move";
    });
    dropTarget(li, function (data) {
      if (data.question) dropQuestion(data.question, b, q);
    });
    return li;
  }
  function copyQuestionAt(b, q) {
    const question = doc.blocks[b].questions[q];
    after(function () { doc.blocks[b].questions.splice(q + 1, 0, copyQuestion(doc, question)); },
      questionPath(b, q + 1), fmt(s.copied, { what: question.id }));
  }
  function deleteQuestion(b, q) {
    const question = doc.blocks[b].questions[q];
    const left = doc.blocks[b].questions.length - 1;
    after(function () { doc.blocks[b].questions.splice(q, 1); },
      left ? questionPath(b, Math.min(q, left - 1)) : blockPath(b), fmt(s.deleted, { what: question.id }));
  }

  // --- blocks ---
  function moveBlock(b, to) {
    if (to < 0 || to >= doc.blocks.length) return;
    const id = doc.blocks[b].id;
    after(function () { doc.blocks.splice(to, 0, doc.blocks.splice(b, 1)[0]); }, blockPath(to), fmt(s.moved, { what: id, n: to + 1 }));
  }
  function blockItem(block, b) {
    const path = blockPath(b);
    const li = el("li", { class: "oblock", "data-path": path });
    const handle = el("span", { class: "handle", draggable: "true", title: s.drag, "aria-hidden": "true", text: "⠿" });
    const head = el("div", { class: "orow ohead" }, [
      handle,
      select(path, s.block + " " + (block.id || "?"), el("span", { class: "otext", text: shortText(block.title, doc) })),
      el("span", { class: "otools" }, [
        button("↑", s.move_up + " · " + block.id, function () { moveBlock(b, b - 1); }),
        button("↓", s.move_down + " · " + block.id, function () { moveBlock(b, b + 1); }),
        button("⊕", s.copy + " · " + block.id, function () {
          after(function () { doc.blocks.splice(b + 1, 0, copyBlock(doc, block)); }, blockPath(b + 1), fmt(s.copied, { what: block.id }));
        }),
        button("✕", s.delete + " · " + block.id, function () { deleteBlock(b); }),
      ]),
    ]);
    moveKeys(head, {
      up: function () { moveBlock(b, b - 1); }, down: function () { moveBlock(b, b + 1); },
      copy: function () { after(function () { doc.blocks.splice(b + 1, 0, copyBlock(doc, block)); }, blockPath(b + 1), fmt(s.copied, { what: block.id })); },
      remove: function () { deleteBlock(b); },
    });
    handle.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData(DRAG, JSON.stringify({ block: b }));
      event.dataTransfer.effectAllowed = "move";
    });
    dropTarget(head, function (data) {
      if (data.block !== undefined && data.block !== b) moveBlock(data.block, b);
      if (data.question) dropQuestion(data.question, b, block.questions.length);
    });
    const list = el("ol", { class: "oquestions" });
    block.questions.forEach(function (question, q) { list.append(questionItem(block, b, question, q)); });
    if (!block.questions.length) list.append(el("li", { class: "hint", text: s.empty_block }));
    li.append(head, list, addQuestion(b));
    return li;
  }
  function deleteBlock(b) {
    const id = doc.blocks[b].id;
    after(function () { doc.blocks.splice(b, 1); }, doc.blocks.length > 1 ? blockPath(Math.max(0, b - 1)) : "settings", fmt(s.deleted, { what: id }));
  }
  function addQuestion(b) {
    const id = "add-" + b;
    const type = el("select", { id: id, class: "dinput", "aria-label": s.new_question_type + " · " + doc.blocks[b].id });
    ctx.spec.types.forEach(function ([value, label]) { type.append(el("option", { value: value, text: label })); });
    type.value = ctx.lastType || "single";
    const add = el("button", { type: "button", class: "button small", text: s.add_question, "data-add-question": String(b) });
    add.addEventListener("click", function () {
      ctx.lastType = type.value;
      const at = ctx.selectedQuestion(b);
      const q = at === null ? doc.blocks[b].questions.length : at + 1;
      after(function () { doc.blocks[b].questions.splice(q, 0, newQuestion(doc, type.value)); }, questionPath(b, q), null);
      ctx.focusEditor();
    });
    return el("div", { class: "oadd" }, [type, add]);
  }
  function dropTarget(node, onDrop) {
    node.addEventListener("dragover", function (event) {
      if (event.dataTransfer.types.includes(DRAG)) { event.preventDefault(); node.classList.add("drop"); }
    });
    node.addEventListener("dragleave", function () { node.classList.remove("drop"); });
    node.addEventListener("drop", function (event) {
      node.classList.remove("drop");
      const raw = event.dataTransfer.getData(DRAG);
      if (!raw) return;
      event.preventDefault();
      event.stopPropagation();
      onDrop(JSON.parse(raw));
    });
  }

  const settings = select("settings", s.questionnaire + " · " + s.settings, null);
  const blocks = el("ol", { class: "outline" });
  doc.blocks.forEach(function (block, b) { blocks.append(blockItem(block, b)); });
  const addBlock = el("button", { type: "button", class: "button small secondary-light", text: s.add_block });
  addBlock.addEventListener("click", function () {
    let n = doc.blocks.length + 1;
    while (doc.blocks.some(function (x) { return x.id === "b" + n; })) n += 1;
    after(function () { doc.blocks.push({ id: "b" + n, questions: [] }); }, blockPath(doc.blocks.length), null);
  });
  root.append(settings, blocks, addBlock);

  if (root.dataset.keys) return;
  root.dataset.keys = "on";
  // ↑/↓ alone go from one item of the outline to the next.
  root.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    if (!event.target.matches(".oselect")) return;
    const all = Array.prototype.slice.call(root.querySelectorAll(".oselect"));
    const next = all[all.indexOf(event.target) + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) { event.preventDefault(); next.focus(); }
  });
}
