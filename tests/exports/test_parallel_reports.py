"""A report rendered on several processes is the report rendered on one: the same pages,
words, page numbers, bookmarks and structure tree; the merged tree is whole (every marked
content of every page reaches its element, IDs are unique, headers name existing IDs)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from exports.banner_book import write_banner_book
from tests.exports.test_branding_and_tags import footer, pdfinfo
from tests.exports.test_reports import banner_frame, info, pages_of

MCID = re.compile(rb"/MCID (\d+)")


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[int, Path]:
    """The same banner book, with tables of one page and of several, on 1 and 2 processes."""
    table = banner_frame(rows=500, categories=40, questions=7)
    folder = tmp_path_factory.mktemp("parallel")
    paths = {}
    for processes in (1, 2):
        paths[processes] = folder / f"book{processes}.pdf"
        write_banner_book(table, info(), paths[processes], chunk_sections=2, processes=processes)
    return paths


def outline(path: Path) -> list[tuple[str, int]]:
    reader = PdfReader(path)
    return [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]


def structure(path: Path) -> list[tuple]:
    """The structure tree in reading order: depth, role, page, content ids, ID, headers, alt."""
    reader = PdfReader(path)
    page_of = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    found: list[tuple] = []

    def walk(node, depth: int) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, depth)
            return
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            return
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        kids = kids if isinstance(kids, ArrayObject) else [kids]
        page = node.raw_get("/Pg").idnum if "/Pg" in node else None
        attributes = node.get("/A", {})
        found.append(
            (
                depth,
                str(node["/S"]),
                page_of.get(page),
                tuple(int(k) for k in kids if isinstance(k, int)),
                str(node.get("/ID", "")),
                tuple(str(h) for h in attributes.get("/Headers", ())),
                str(node.get("/Alt", "")),
            )
        )
        for kid in kids:
            if not isinstance(kid, int):
                walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], 0)
    return found


def test_two_processes_write_the_book_one_process_writes(books):
    one, two = books[1], books[2]
    assert "Tagged:          yes" in pdfinfo(two)
    assert len(PdfReader(one).pages) == len(PdfReader(two).pages) > 10
    assert pages_of(one) == pages_of(two)  # every word where it was, page numbers too
    assert outline(one) == outline(two)
    assert structure(one) == structure(two)


def test_every_page_but_the_cover_shows_its_number_and_the_contents_are_right(books):
    pages = pages_of(books[2])
    assert [footer(p).split()[-1] for p in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]
    titles = [t for t, _ in outline(books[2])]
    assert titles == [f"q{i}. Question {i}" for i in range(7)]
    for title, index in outline(books[2]):
        assert title.split(". ")[1] in pages[index]  # the bookmark opens the table's page
        entry = next(line for line in pages[1].splitlines() if title in line)
        assert entry.split()[-1] == str(index + 1)  # and the contents say that page


def test_merged_structure_tree_reaches_every_marked_content(books):
    reader = PdfReader(books[2])
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]) == "en" and root["/MarkInfo"]["/Marked"]
    tree = root["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert int(tree["/ParentTreeNextKey"]) == max(parents) + 1
    keys = [int(page["/StructParents"]) for page in reader.pages]
    assert len(set(keys)) == len(keys)  # each page its own entry of the parent tree
    for index, (page, key) in enumerate(zip(reader.pages, keys, strict=True)):
        content = page.get_contents().get_data()
        mcids = [int(m) for m in MCID.findall(content)]
        elements = parents[key].get_object()
        assert len(elements) == len(mcids) == len(set(mcids))
        for element in elements:
            assert element.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum
        if index:  # the number is drawn, as a pagination artifact, over every page but the cover
            assert b"/Artifact <</Type /Pagination" in content
    ids = [e[4] for e in structure(books[2]) if e[4]]
    assert len(ids) == len(set(ids)) > 0
    assert {h for e in structure(books[2]) for h in e[5]} <= set(ids)


def test_pdftotext_reads_the_parallel_book_without_complaint(books):
    result = subprocess.run(["pdftotext", str(books[2]), "-"], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr
