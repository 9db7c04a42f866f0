// The draft document of the designer: the questionnaire as plain data (what its YAML file
// holds), with the few operations the editor needs on it. Paths are written as the checks
// write them: blocks[0].questions[3].show_if.

export const MODES = ["phone", "web"];

export function clone(value) { return JSON.parse(JSON.stringify(value)); }

// Whether two documents hold the same (the order of a mapping's keys aside).
export function same(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every(function (k) { return same(a[k], b[k]); });
}

export function languages(doc) {
  return Array.isArray(doc.languages) && doc.languages.length ? doc.languages : ["en"];
}

// The designer works on blocks: a questionnaire written with the `questions:` shorthand
// is shown as its one block, `main`, as the format reads it.
export function normalize(doc) {
  if (!Array.isArray(doc.blocks)) {
    doc.blocks = [{ id: "main", questions: Array.isArray(doc.questions) ? doc.questions : [] }];
    delete doc.questions;
  }
  doc.blocks.forEach(function (block) {
    if (!Array.isArray(block.questions)) block.questions = [];
  });
  return doc;
}

export function blockPath(b) { return "blocks[" + b + "]"; }
export function questionPath(b, q) { return blockPath(b) + ".questions[" + q + "]"; }

export function allQuestions(doc) {
  const found = [];
  doc.blocks.forEach(function (block, b) {
    block.questions.forEach(function (question, q) { found.push({ block: block, question: question, b: b, q: q }); });
  });
  return found;
}

function takenIds(doc) {
  const taken = new Set(["sample"]);
  allQuestions(doc).forEach(function (x) { taken.add(x.question.id); });
  doc.blocks.forEach(function (block) {
    taken.add(block.id);
    if (block.loop && block.loop.as) taken.add(block.loop.as);
  });
  return taken;
}

export function freshId(doc, stem, reserved) {
  const taken = takenIds(doc);
  let n = 1;
  while (taken.has(stem + n) || (reserved && reserved.has(stem + n))) n += 1;
  if (reserved) reserved.add(stem + n);
  return stem + n;
}

// A text for a new option or label: one string with one language, else one per language.
export function emptyText(doc) {
  return languages(doc).length === 1 ? "" : {};
}

export function newQuestion(doc, type) {
  const question = { id: freshId(doc, "q"), type: type };
  return withTypeDefaults(question, type);
}

function withTypeDefaults(question, type) {
  if ((type === "single" || type === "multiple") && !Array.isArray(question.options)) {
    question.options = [{ code: 1 }, { code: 2 }];
  }
  if (type === "grid") {
    if (!Array.isArray(question.items)) question.items = [{ id: "row1" }, { id: "row2" }];
    if (!Array.isArray(question.scale)) question.scale = Array.isArray(question.options) ? question.options : [{ code: 1 }, { code: 2 }];
  }
  if (type === "calculate" && question.expression === undefined) question.expression = "";
  return question;
}

// Another type keeps what the new type has (text, conditions, checks; options between
// single and multiple) and drops the rest.
export function changeType(question, type, spec) {
  const keep = new Set(["id", "type", "text"]);
  spec.question.forEach(function (f) { keep.add(f.key); });
  (spec.by_type[type] || []).forEach(function (f) { keep.add(f.key); });
  const wasChoice = question.options;
  Object.keys(question).forEach(function (key) { if (!keep.has(key)) delete question[key]; });
  question.type = type;
  if (type === "grid" && wasChoice) question.scale = wasChoice;
  if (type === "display" || type === "calculate") delete question.required;
  return withTypeDefaults(question, type);
}

export function newItem(doc, kind, list) {
  const codes = list.map(function (x) { return typeof x.code === "number" ? x.code : 0; });
  const next = codes.length ? Math.max.apply(null, codes) + 1 : 1;
  switch (kind) {
    case "option": return { code: next };
    case "row": {
      const ids = new Set(list.map(function (x) { return x.id; }));
      let n = list.length + 1;
      while (ids.has("row" + n)) n += 1;
      return { id: "row" + n };
    }
    case "check": return { valid_if: "" };
    case "rule": return { end: true };
    case "support": return {};
    default: return {};
  }
}

export function newGroup(kind) {
  switch (kind) {
    case "time_limit": return { limit: 60 };
    case "max_duration": return { limit: 1800 };
    case "codes": return { dont_know: 98, refused: 99, timed_out: 97 };
    case "loop": return { times: 2 };
    default: return {};
  }
}

// A copy of a question gets a new id (and its grid rows stay, they are the question's own).
export function copyQuestion(doc, question) {
  const copy = clone(question);
  copy.id = freshId(doc, question.id + "_");
  if (copy.variable) delete copy.variable;
  return copy;
}

export function copyBlock(doc, block) {
  const copy = clone(block);
  const reserved = new Set();
  copy.id = freshId(doc, block.id + "_", reserved);
  copy.questions.forEach(function (question) {
    question.id = freshId(doc, question.id + "_", reserved);
    delete question.variable;
  });
  return copy;
}

// The names an expression can use where it is written: answers, grid rows, loop answers
// (name[code]) outside their loop, the loop's item inside it, sample variables, functions.
export const FUNCTIONS = [
  "selected(", "count_selected(", "answered(", "between(", "dk(", "refused(", "timed_out(",
  "today()", "now()", "concat(", "if(", "coalesce(", "round(", "int(", "string_length(",
  "contains(", "regex(", "format_date(", "lookup(",
];

export function names(doc, b) {
  const found = [];
  const here = b === undefined ? null : doc.blocks[b];
  doc.blocks.forEach(function (block, index) {
    const looped = block.loop && index !== b;
    block.questions.forEach(function (question) {
      if (!question || typeof question.id !== "string" || question.type === "display") return;
      const id = looped ? question.id + "[" : question.id;
      if (question.type === "grid" && Array.isArray(question.items)) {
        question.items.forEach(function (item) {
          if (item && item.id) found.push({ name: id + (looped ? "" : "." + item.id), kind: question.type });
        });
      } else {
        found.push({ name: id, kind: question.type });
      }
    });
  });
  if (here && here.loop) found.push({ name: here.loop.as || "item", kind: "loop" });
  Object.keys(doc.sample_variables || {}).forEach(function (name) {
    found.push({ name: "sample." + name, kind: "sample" });
  });
  FUNCTIONS.forEach(function (f) { found.push({ name: f, kind: "function" }); });
  return found;
}

// Where a problem's path points: the question (or block) it concerns, for the outline.
export function ownerOf(path) {
  const m = /^blocks\[(\d+)\](?:\.questions\[(\d+)\])?/.exec(path || "");
  if (!m) return "settings";
  return m[2] === undefined ? blockPath(+m[1]) : questionPath(+m[1], +m[2]);
}

// `parent` is below `path` (or is it) when it is a prefix up to a key or an index.
export function within(path, parent) {
  if (!parent) return true;
  if (path === parent) return true;
  return path.startsWith(parent) && (path[parent.length] === "." || path[parent.length] === "[");
}

// A short reading of a text for the outline: its first language (or phone wording).
export function shortText(text, doc) {
  if (text === undefined || text === null) return "";
  if (typeof text === "string") return text;
  if (text.phone !== undefined) return shortText(text.phone, doc);
  const lang = languages(doc)[0];
  return text[lang] || Object.values(text).find(function (v) { return typeof v === "string"; }) || "";
}
