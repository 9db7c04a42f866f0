"""The survey's groups laid out as our blocks and pages.

A top-level group is a block; a repeat is a loop block (a repeat without a count first asks
how many times; a repeat inside a repeat is written out as numbered copies); a
``field-list`` group at any depth is one page; any other inner group is flattened, its
``relevant`` joined to each of its questions'; a ``table-list`` group of selects from one
list is a grid (else a page); pyxform's ``begin loop over list`` is written out per choice.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from cati.problems import N_
from questionnaires.errors import ErrorCode
from questionnaires.xlsform_form import all_of
from questionnaires.xlsform_headers import canonical_type, language_code, select_type
from questionnaires.xlsform_questions import QuestionRows
from questionnaires.xlsform_xpath import POSITION, safe_name

REPEAT_LIMIT = 20  # how many times a repeat without a count may be asked
# The words of the interviewer's questions a repeat without a count adds, in each language
# they are written in (English for any other), as the Don't know / Refused labels are.
REPEAT_WORDS = {
    "en": {
        "add": "Add one (more)? Yes: its questions are asked; no: the repeat ends.",
        "yes": "Yes",
        "no": "No",
        "count": "How many times? The next questions are asked once for each.",
    },
    "es": {
        "add": "¿Añadir uno (más)? Sí: se hacen sus preguntas; no: la repetición termina.",
        "yes": "Sí",
        "no": "No",
        "count": "¿Cuántas veces? Las preguntas siguientes se hacen una vez por cada una.",
    },
}
NESTED_LIMIT = 10  # copies of a repeat inside a repeat whose count is not a number


def _phone(text: Any) -> Any:
    """A grid row has one wording: the phone one of a question that has two."""
    return text["phone"] if isinstance(text, dict) and set(text) == {"phone", "web"} else text


def _names_in(node: dict[str, Any]) -> set[str]:
    found = set()
    for child in node.get("children", []):
        if child["cells"].get("name"):
            found.add(safe_name(str(child["cells"]["name"])))
        found |= _names_in(child)
    return found


def _rename_refs(text: str, renames: dict[str, str]) -> str:
    def renamed(match: re.Match[str]) -> str:
        name = safe_name(match.group(1))
        return "${" + renames.get(name, name) + "}"

    return re.sub(r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}", renamed, text)


def _rename_all(node: dict[str, Any], renames: dict[str, str], copy_number: int) -> None:
    """A copy of a repeat inside a repeat: its names renamed, ``position(..)`` its number."""
    cells = node["cells"]
    for key, value in list(cells.items()):
        if isinstance(value, str):
            cells[key] = POSITION.sub(str(copy_number), _rename_refs(value, renames))
    if cells.get("name"):
        name = safe_name(str(cells["name"]))
        cells["name"] = renames.get(name, name)
    for child in node.get("children", []):
        _rename_all(child, renames, copy_number)


class Layout(QuestionRows):
    # --- layout ------------------------------------------------------------------------

    def new_block(self, base: str, **fields: Any) -> dict[str, Any]:
        block_id, number = safe_name(base), 1
        while block_id in self.block_ids:
            number += 1
            block_id = safe_name(f"{base[:56]}_{number}")  # room for the number
        self.block_ids.add(block_id)
        block = {"id": block_id, "questions": [], **{k: v for k, v in fields.items() if v}}
        self.blocks.append(block)
        self.block = block
        return block

    def add(self, question: dict[str, Any]) -> None:
        if self.block is None:
            group = self.group
            if group is None:
                self.new_block("block", implicit=True)
            else:
                # a group goes on after a repeat inside it in a block of its own
                self.new_block(group["id"], title=group["title"], show_if=group["show_if"])
        assert self.block is not None
        self.block["questions"].append(question)

    def top(self, node: dict[str, Any]) -> None:
        if node["kind"] != "group":
            self.emit(node, [], None, None)
            return
        cells, number = node["cells"], node["row"]
        relevant = cells.get("relevant")
        show_if = self.expression(relevant, number, "relevant") if relevant else None
        page = safe_name(str(cells.get("name") or f"page_{number}"))
        page = page if self.appearance(cells) == "field-list" else None
        self.group = {
            "id": safe_name(str(cells.get("name") or f"block_{number}")),
            "title": self.text(cells, "label"),
            "show_if": show_if,
        }
        self.block = None
        self.scope.append(self.group["id"])
        for child in node["children"]:
            self.emit(child, [], page, None)
        self.scope.pop()
        self.group = self.block = None

    @staticmethod
    def appearance(cells: dict[str, str]) -> str:
        words = str(cells.get("appearance") or "").lower().split()
        for word in ("field-list", "table-list"):
            if word in words:
                return word
        return ""

    def emit(
        self, node: dict[str, Any], conditions: list[str], page: str | None, loop: str | None
    ) -> None:
        kind, cells, number = node["kind"], node["cells"], node["row"]
        if kind == "question":
            for question in self.questions(cells, number):
                show_if = all_of([*conditions, question.get("show_if", "")])
                if show_if:
                    question["show_if"] = show_if
                if page:
                    question["page"] = page
                question.pop("_list", None)
                self.add(question)
            return
        relevant = cells.get("relevant")
        show_if = self.expression(relevant, number, "relevant") if relevant else None
        if kind == "repeat":
            self.repeat(node, [*conditions, show_if or ""], loop)
            return
        if kind == "loop":
            self.loop_over(node, [*conditions, show_if or ""], page, loop)
            return
        inner = [*conditions, show_if or ""]
        appearance = self.appearance(cells)
        if appearance == "table-list" and self.grid(node, inner, page):
            return
        if appearance:
            page = page or safe_name(str(cells.get("name") or f"page_{number}"))
        self.scope.append(safe_name(str(cells.get("name") or "group")))
        for child in node["children"]:
            self.emit(child, inner, page, loop)
        self.scope.pop()

    def grid(self, node: dict[str, Any], conditions: list[str], page: str | None) -> bool:
        """A table-list of selects from one list as a grid; False when it is not one."""
        rows = [c["cells"] for c in node["children"] if c["kind"] == "question"]
        if len(rows) != len(node["children"]) or not rows:
            return False
        selects = [select_type(canonical_type(r.get("type", ""))) for r in rows]
        if None in selects or any(r.get("relevant") for r in rows):
            return False
        kinds = {(s[0], s[1], s[2], s[3]) for s in selects if s is not None}
        if len(kinds) != 1 or next(iter(kinds))[0] == "rank" or next(iter(kinds))[3]:
            return False
        questions = [
            q
            for r, c in zip(rows, node["children"], strict=True)
            for q in self.questions(r, c["row"])
        ]
        if len(questions) != len(rows):
            return True  # each refused row has its problem
        types = {q["type"] for q in questions}
        cells = node["cells"]
        grid: dict[str, Any] = {
            "id": self.unique(safe_name(str(cells.get("name") or f"grid_{node['row']}"))),
            "type": "grid",
            "text": self.text(cells, "label") or cells.get("name"),
            "items": [{"id": q["id"], "label": _phone(q["text"])} for q in questions],
            "scale": questions[0]["options"],
            "required": questions[0].get("required", False),
        }
        if types == {"multiple"}:
            grid["multiple"] = True
        if questions[0].get("instruction"):
            grid["instruction"] = questions[0]["instruction"]
        show_if = all_of(conditions)
        if show_if:
            grid["show_if"] = show_if
        if page:
            grid["page"] = page
        grid["_row"] = node["row"]
        self.add(grid)
        return True

    def repeat(self, node: dict[str, Any], conditions: list[str], loop: str | None) -> None:
        cells, number = node["cells"], node["row"]
        name = str(cells.get("name") or f"repeat_{number}")
        if loop is not None:
            self.copies(node, conditions, loop)
            return
        count = cells.get("repeat_count")
        label = self.text(cells, "label")
        times: Any = None
        if count is not None and re.fullmatch(r"\d+", str(count).strip()):
            times = max(1, min(int(count), 100))
        elif count is not None:
            times = self.expression(count, number, "repeat_count")
        block = self.new_block(
            name, title=label, show_if=all_of(conditions), loop={"times": times or 1}
        )
        inside = []
        if times is None:
            add = self.add_another(cells, name, number)
            # one round more for every "yes" so far: the rounds go on until a "no"
            more = " + ".join(f"if ( {add} [ {i} ] = 1 , 1 , 0 )" for i in range(1, REPEAT_LIMIT))
            block["loop"] = {"times": f"1 + {more}", "max_times": REPEAT_LIMIT}
            inside = [f"{add} = 1"]
        asked = len(block["questions"])
        self.scope.append(safe_name(name))
        self.names.loop_item = "item"  # the loop's default name: position(..)
        for child in node["children"]:
            self.emit(child, inside, None, name)
        self.names.loop_item = None
        self.scope.pop()
        if len(block["questions"]) == asked:  # nothing inside a telephone can ask
            self.blocks.remove(block)
        self.block = None

    def add_another(self, cells: dict[str, str], name: str, number: int) -> str:
        """For a repeat without a count, as ODK Collect asks it: at the start of each round,
        whether to add one (more); its questions are asked on a yes, and a no ends it."""
        question = {
            "id": self.unique(safe_name(f"{name}_add")),
            "type": "single",
            "text": self.text(cells, "label") or name,
            "instruction": self.built_in("add"),
            "options": [
                {"code": 1, "label": self.built_in("yes"), "name": "yes"},
                {"code": 2, "label": self.built_in("no"), "name": "no"},
            ],
            "required": True,
            "dont_know": False,  # the interviewer's question, not the respondent's
            "refused": False,
            "_row": number,
        }
        self.add(question)
        return question["id"]

    def built_in(self, word: str) -> Any:
        """A built-in text in each of the form's languages (plain English without any)."""
        if not self.languages:
            return REPEAT_WORDS["en"][word]
        words = {
            code: REPEAT_WORDS.get(code.split("-")[0], REPEAT_WORDS["en"])
            for code in self.languages
        }
        return {code: table[word] for code, table in words.items()}

    def counter(self, cells: dict[str, str], name: str, conditions: list[str], number: int) -> str:
        """For a repeat without a count: the question of how many times, asked first."""
        label = self.text(cells, "label")
        question = {
            "id": self.unique(safe_name(f"{name}_count")),
            "type": "numeric",
            "text": label or name,
            "instruction": self.built_in("count"),
            "min": 0,
            "max": REPEAT_LIMIT,
            "required": True,
            "_row": number,
        }
        show_if = all_of(conditions)
        if show_if:
            question["show_if"] = show_if
        self.add(question)
        return question["id"]

    def copies(self, node: dict[str, Any], conditions: list[str], loop: str) -> None:
        """A repeat inside a repeat: our loops do not nest, so its questions are written
        out as copies 1, 2, 3... (``name_1``, ``name_2``), each asked while the count
        reaches it."""
        cells, number = node["cells"], node["row"]
        name = safe_name(str(cells.get("name") or f"repeat_{number}"))
        count = cells.get("repeat_count")
        if count is None:
            limit, times = NESTED_LIMIT, self.counter(cells, name, conditions, number)
        elif re.fullmatch(r"\d+", str(count).strip()):
            limit, times = max(1, min(int(count), 100)), None
        else:
            limit, times = NESTED_LIMIT, self.expression(count, number, "repeat_count")
            if times is None:
                times = self.counter(cells, name, conditions, number)
        self.warn(
            "survey",
            number,
            N_("a repeat inside a repeat is asked as numbered copies (at most %(limit)s)"),
            once="nested-repeat",
            limit=limit,
        )
        inner = _names_in(node)
        self.scope.append(name)
        for copy_number in range(1, limit + 1):
            renames = {n: f"{n}_{copy_number}" for n in inner}
            for n, renamed in renames.items():
                self.copy_name(n, renamed, renames)
            shown = [*conditions, f"( {times} ) >= {copy_number}" if times else ""]
            for child in node["children"]:
                copied = copy.deepcopy(child)
                _rename_all(copied, renames, copy_number)
                self.emit(copied, shown, None, loop)
        self.scope.pop()

    def copy_name(self, name: str, renamed: str, renames: dict[str, str]) -> None:
        names = self.names
        if name in names.codes:
            names.codes[renamed] = names.codes[name]
        if name in names.skipped:
            names.skipped.add(renamed)
        if name in names.calculations:
            names.calculations[renamed] = _rename_refs(names.calculations[name], renames)

    def loop_over(
        self, node: dict[str, Any], conditions: list[str], page: str | None, loop: str | None
    ) -> None:
        """pyxform's ``begin loop over list``: its questions once per choice of the list,
        named ``<question>_<choice>``, ``%(label)s`` in their texts the choice's label."""
        found = self.lists.get(node["list"])
        if found is None:
            self.fail(
                "survey",
                node["row"],
                N_("choice list %(list)r is not in the choices sheet"),
                ErrorCode.XLSFORM_INVALID,
                list=node["list"],
            )
            return
        for _, choice in found.rows:
            for child in node["children"]:
                copied = copy.deepcopy(child)
                self.rename(copied, choice)
                self.emit(copied, conditions, page, loop)

    def rename(self, node: dict[str, Any], choice: dict[str, Any]) -> None:
        cells = node["cells"]
        if cells.get("name"):
            cells["name"] = f"{cells['name']}_{choice['name']}"
        label = self.text(choice, "label") or choice["name"]
        for key, value in list(cells.items()):
            if not isinstance(value, str):
                continue
            language = language_code(key.partition("::")[2])[0] if "::" in key else ""
            text = label.get(language, "") if isinstance(label, dict) else label
            value = value.replace("%(name)s", choice["name"])
            cells[key] = value.replace("%(label)s", text or choice["name"])
        for child in node.get("children", []):
            self.rename(child, choice)
