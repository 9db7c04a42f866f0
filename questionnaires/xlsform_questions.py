"""One survey row as our questions: its type, choices, texts, conditions and checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cati.problems import N_
from questionnaires.errors import ErrorCode
from questionnaires.xlsform_choices import ChoiceList, csv_list
from questionnaires.xlsform_form import (
    METADATA_TYPES,
    OFF_THE_PHONE,
    SIMPLE_TYPES,
    FormRows,
    computed,
    is_yes,
    parameters_of,
)
from questionnaires.xlsform_headers import canonical_type, select_type
from questionnaires.xlsform_xpath import safe_name


class QuestionRows(FormRows):
    def list_for(self, select: tuple[str, str, str, bool], row: int | None) -> ChoiceList | None:
        _, list_name, spelling, _ = select
        if "file" in spelling:
            return self.file_list(list_name, row)
        lists = self.external if spelling == "select_one_external" else self.lists
        return lists.get(list_name)

    def file_list(self, file_name: str, row: int | None) -> ChoiceList | None:
        key = f"file:{file_name}"
        if key in self.lists:
            return self.lists[key]
        params = parameters_of(self.survey[row - 2].get("parameters")) if row else {}
        found = None
        if not file_name.lower().endswith(".csv"):
            reason = N_("only CSV files are read for choices, not %(name)r: asked as open text")
        elif self.folder is None:
            reason = N_(
                "the choices file %(name)r is read beside a workbook on disk: asked as open text"
            )
        else:
            # only the folder of the workbook, whatever path the form writes
            beside = {p.name.lower(): p for p in self.folder.iterdir() if p.is_file()}
            own = Path(file_name).name
            try:
                found = csv_list(
                    beside.get(own.lower(), self.folder / own),
                    key,
                    params.get("value", "name"),
                    params.get("label", "label"),
                )
            except (OSError, UnicodeError, KeyError):
                reason = N_(
                    "cannot read the choices file %(name)r (name and label columns): "
                    "asked as open text"
                )
        if row is None:
            return found
        if found is None:
            self.warn("survey", row, reason, name=file_name)
            found = ChoiceList(key, row, "survey", broken=True)
        self.lists[key] = found
        return found

    # --- questions ---------------------------------------------------------------------

    def questions(self, cells: dict[str, str], number: int) -> list[dict[str, Any]]:
        """The questions one row becomes: none (metadata, skipped), one, or two (a choice
        with or_other adds its 'specify' text). A calculation becomes a calculate (in a
        repeat, one value per time round)."""
        raw_type = " ".join(str(cells.get("type", "")).split())
        kind = canonical_type(raw_type)
        name = cells.get("name")
        name = safe_name(str(name)) if name else name
        if not raw_type:
            if cells.get("name") or cells.get("label"):
                self.fail("survey", number, N_("the row has no type"), ErrorCode.XLSFORM_INVALID)
            return []
        if kind in METADATA_TYPES:
            return []
        if kind in ("calculate", "hidden") or computed(cells):
            return [] if not name else self.calculate(cells, number, str(name))
        if kind in OFF_THE_PHONE:
            self.warn(
                "survey",
                number,
                N_("%(type)r %(name)r cannot be asked on the telephone; skipped"),
                type=raw_type,
                name=name,
            )
            return []
        if not name and kind == "note":  # pyxform takes a note with no name
            name = f"note_{number}"
        if not name:
            self.fail("survey", number, N_("the question has no name"), ErrorCode.XLSFORM_INVALID)
            return []
        question: dict[str, Any] = {"id": self.unique(str(name))}
        extra: list[dict[str, Any]] = []
        select = select_type(kind)
        if select is not None:
            if not self.choice(question, select, cells, number, extra):
                return []
        elif kind == "acknowledge":
            question.update(type="single", options=[{"code": 1, "label": "OK", "name": "OK"}])
        elif kind.split()[0] == "range":
            if not self.range(question, cells, number):
                return []
        elif kind in SIMPLE_TYPES:
            question.update(SIMPLE_TYPES[kind])
        else:
            self.fail(
                "survey", number, N_("question type %(type)r is not supported"), type=raw_type
            )
            return []
        if cells.get("calculation"):
            self.warn(
                "survey",
                number,
                N_("a calculation on a question is not applied: the interviewer asks it"),
                once="calculation-on-question",
            )
        if cells.get("default") is not None:
            default = self.default(question, str(cells["default"]).strip())
            if default is None:
                self.warn(
                    "survey",
                    number,
                    N_("default %(value)r is not filled in: it is no answer to this question"),
                    value=cells["default"],
                )
            else:
                question["default"] = default
        text = self.text(cells, "label")
        if text is None:
            if question["type"] != "display" and not self.text(cells, "hint"):
                self.fail(
                    "survey", number, N_("the question has no label"), ErrorCode.XLSFORM_INVALID
                )
                return []
            text = self.text(cells, "hint") or name
        web = self.text(cells, "label_web")
        question["text"] = text if web is None else {"phone": text, "web": web}
        hint = self.text(cells, "hint")
        if hint is not None and hint != text:
            question["instruction"] = hint
        if cells.get("relevant"):
            show_if = self.expression(cells["relevant"], number, "relevant")
            if show_if is not None:
                question["show_if"] = show_if
        if question["type"] != "display":
            question["required"] = is_yes(cells.get("required"))
        if cells.get("constraint"):
            condition = self.expression(cells["constraint"], number, "constraint", name)
            message = self.text(cells, "constraint_message")
            if condition is not None and question["type"] != "display":
                # ODK judges a constraint only on an answer; so do we (not on a skip or DK)
                valid_if = f"not answered ( {question['id']} ) or ( {condition} )"
                question["checks"] = [
                    {"valid_if": valid_if, "message": message or str(cells["constraint"])}
                ]
        for found in (question, *extra):
            found["_row"] = number  # where problems found later point (xlsform.placed_at_rows)
        return [question, *extra]

    def calculate(self, cells: dict[str, str], number: int, name: str) -> list[dict[str, Any]]:
        """A calculation stored as a computed variable; its expression has the calculations
        it uses written in, so it stands alone."""
        source = self.names.calculations.get(cells["name"])
        if source is None:  # a hidden field with neither calculation nor default
            return []
        expression = self.expression(source, number, "calculation")
        if expression is None:
            return []
        question = {"id": self.unique(name), "type": "calculate", "expression": expression}
        label = self.text(cells, "label")
        if isinstance(label, str):
            question["variable_label"] = label[:256]
        question["_row"] = number
        return [question]

    @staticmethod
    def default(question: dict[str, Any], written: str) -> Any:
        """A ``default`` as the answer it fills in (choice names as codes), or None when
        it is not one (an expression such as ``today()`` or ``${x}``, a name not listed)."""
        kind = question["type"]
        if kind in ("single", "multiple"):
            codes = {o.get("name", str(o["code"])): o["code"] for o in question["options"]}
            chosen = [codes.get(name) for name in written.split()]
            if not chosen or None in chosen:
                return None
            return chosen if kind == "multiple" else (chosen[0] if len(chosen) == 1 else None)
        if kind in ("numeric", "rating"):
            try:
                number = float(written)
            except ValueError:
                return None
            return int(number) if number.is_integer() else number
        if kind in ("text", "date") and "${" not in written and "(" not in written:
            return written
        return None

    def unique(self, name: str) -> str:
        """pyxform allows a name again in another group or repeat; our ids are unique in
        the questionnaire, so a repeated name is prefixed by its groups' names."""
        candidate = name
        for outer in reversed(self.scope):
            if candidate not in self.used:
                break
            candidate = safe_name(f"{outer}_{candidate}")
        number = 1
        while candidate in self.used:
            number += 1
            candidate = safe_name(f"{name[:56]}_{number}")  # room for the number
        if candidate != name:
            self.warn(
                "survey",
                None,
                N_("a name used again in another group is prefixed (%(name)r -> %(id)r)"),
                once="prefixed",
                name=name,
                id=candidate,
            )
        self.used.add(candidate)
        return candidate

    def choice(
        self,
        question: dict[str, Any],
        select: tuple[str, str, str, bool],
        cells: dict[str, str],
        number: int,
        extra: list[dict[str, Any]],
    ) -> bool:
        kind, list_name, _, other = select
        found = self.list_for(select, number)
        if found is None:
            key = f"missing:{list_name}"
            if key not in self.once:  # one error per missing list, not one per question
                self.once.add(key)
                self.fail(
                    "survey",
                    number,
                    N_("choice list %(list)r is not in the choices sheet"),
                    ErrorCode.XLSFORM_INVALID,
                    list=list_name,
                )
            return False
        if found.broken:  # a choices file that is not there: the answer is written down
            question.update(type="text")
            return True
        options = self.options(found, cells, number)
        if kind == "rank":
            question.update(
                type="grid",
                items=[
                    {"id": f"{question['id']}_{o['code']}", "label": o["label"]} for o in options
                ],
                scale=[{"code": n, "label": str(n)} for n in range(1, len(options) + 1)],
            )
            self.warn(
                "survey",
                number,
                N_("rank is asked as a grid: a rank for each option (ranks may repeat)"),
                once="rank",
            )
            return True
        if other:
            code = max(o["code"] for o in options) + 1
            options.append({"code": code, "label": "Other", "name": "other"})
            extra.append(
                {
                    "id": f"{question['id']}_other",
                    "type": "text",
                    "text": "Specify other.",
                    "show_if": f"selected ( {question['id']} , {code} )",
                    "required": True,
                }
            )
        question.update(
            type="single" if kind == "single" else "multiple", options=options, _list=list_name
        )
        params = parameters_of(cells.get("parameters"))
        if is_yes(params.pop("randomize", None)):
            question["randomize"] = "shuffle"
        for known in ("seed", "value", "label"):
            params.pop(known, None)
        if params:
            self.warn(
                "survey",
                number,
                N_("parameters %(names)s are ignored"),
                names=", ".join(sorted(params)),
            )
        return True

    def options(
        self, found: ChoiceList, cells: dict[str, str], number: int
    ) -> list[dict[str, Any]]:
        codes = found.codes()
        numbered = found.numbered()
        by_code: dict[int, dict[str, Any]] = {}
        filters: dict[int, list[str]] = {}
        choice_filter = cells.get("choice_filter")
        for _, row in found.rows:
            code = codes[row["name"]]
            if code not in by_code:
                option: dict[str, Any] = {
                    "code": code,
                    "label": self.text(row, "label") or row["name"],
                }
                if not numbered:
                    option["name"] = row["name"][:200]
                if is_yes(row.get("exclusive")):
                    option["exclusive"] = True
                if is_yes(row.get("anchor")):
                    option["anchor"] = True
                by_code[code] = option
            if choice_filter:
                columns = {**row}

                def column(name: str, columns: dict[str, Any] = columns) -> str:
                    return str(columns.get(name, ""))

                condition = self.expression(choice_filter, number, "choice_filter", column=column)
                if condition is None:  # left out (one warning): every choice is offered
                    choice_filter, filters = None, {}
                else:
                    filters.setdefault(code, []).append(condition)
        for code, conditions in filters.items():
            unique = list(dict.fromkeys(conditions))
            by_code[code]["show_if"] = (
                unique[0] if len(unique) == 1 else " or ".join(f"( {c} )" for c in unique)
            )
        return list(by_code.values())

    def range(self, question: dict[str, Any], cells: dict[str, str], number: int) -> bool:
        params = parameters_of(cells.get("parameters"))
        try:
            low, high = float(params.pop("start", "1")), float(params.pop("end", "10"))
            step = float(params.pop("step", "1"))
        except ValueError:
            self.fail("survey", number, N_("range parameters must be numbers"))
            return False
        whole = all(v.is_integer() for v in (low, high, step))
        if whole and step == 1 and 0 < high - low <= 100:
            question.update(type="rating", min=int(low), max=int(high))
            if "nps" in str(cells.get("appearance") or "").lower().split():
                question["nps"] = True
        else:
            question.update(
                type="numeric", min=min(low, high), max=max(low, high), decimals=0 if whole else 6
            )
        return True
