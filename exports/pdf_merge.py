"""One PDF from the pieces of a report (``exports.pdf_parts``): pages in order, one structure
tree, the page numbers, the bookmarks and the title.

pypdf copies pages but leaves their structure trees behind, so this module grafts each
piece's tree under one ``Document`` element: the numbers that tie marked content to its
elements (the parent tree and every page's ``/StructParents``) are shifted past the
pieces before, and table-header IDs, which WeasyPrint derives from object numbers, are
prefixed with the piece so that they stay unique.

The pieces are laid out without page numbers; a document of numbers alone, laid out with
the same page boxes, is drawn over every page but the cover as a pagination artifact, so a
screen reader skips it as it skips any running footer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

# What the first piece (cover, contents, methodology) says for the whole document.
CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata")
PAGE_NUMBER = NameObject("/CatiPageNumber")


class Merge:
    """The merged document, grown a piece at a time, so that the pieces rendered first are
    merged while the others are still being laid out."""

    def __init__(self, *, tagged: bool) -> None:
        self.writer = PdfWriter()
        self.tree = _StructureTree(self.writer) if tagged else None
        self.pieces = 0

    def add(self, path: Path, *, first: bool = False) -> None:
        """Add the pages of ``path`` after those added before, or before them all when
        ``first`` (the front, rendered last since it lists the sections' pages); the first
        piece also gives the document its language and metadata."""
        reader = PdfReader(path)
        if first:
            for key in CATALOG_KEYS:
                if key in reader.root_object:
                    value = reader.root_object.raw_get(key).clone(self.writer)
                    self.writer.root_object[NameObject(key)] = value
        writer = self.writer
        pages = [
            (page, writer.insert_page(page, i) if first else writer.add_page(page))
            for i, page in enumerate(reader.pages)
        ]
        if self.tree is not None:
            self.tree.graft(reader, pages, f"{self.pieces}-", first=first)
        self.pieces += 1

    def write(
        self, numbers: Path, out: Path, *, outline: Iterable[tuple[str, int]], title: str
    ) -> None:
        """Write the document to ``out``, page ``n`` of ``numbers`` over page ``n + 1`` (the
        cover has no number), with a bookmark per (title, page) of ``outline``."""
        writer = self.writer
        _stamp(writer, writer.pages[1:], PdfReader(numbers).pages)
        for section, page in outline:
            writer.add_outline_item(title=section, page_number=page - 1)
        writer.add_metadata({"/Title": title})
        with out.open("wb") as file:
            writer.write(file)
        writer.close()


class _StructureTree:
    """The merged document's structure tree, grown one piece at a time."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.nums = ArrayObject()
        root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root = writer._add_object(root)  # pypdf has no public way to add an object
        root[NameObject("/ParentTree")] = writer._add_object(
            DictionaryObject({NameObject("/Nums"): self.nums})
        )
        self.kids = ArrayObject()
        self.document = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject("/Document"),
                    NameObject("/P"): self.root,
                    NameObject("/K"): self.kids,
                }
            )
        )
        root[NameObject("/K")] = ArrayObject([self.document])
        root[NameObject("/ParentTreeNextKey")] = NumberObject(0)
        writer.root_object[NameObject("/StructTreeRoot")] = self.root
        self.next_key = 0

    def graft(
        self,
        reader: PdfReader,
        pages: Sequence[tuple[PageObject, PageObject]],
        prefix: str,
        *,
        first: bool,
    ) -> None:
        """Add the tree of ``reader`` (whose ``pages`` were copied, as (theirs, ours)) after
        the trees added before, or before them when ``first``."""
        source = reader.root_object["/StructTreeRoot"]
        (document_ref,) = _items(source["/K"])
        document = document_ref.get_object()
        entries = list(_number_tree(source["/ParentTree"]))
        # The piece's document element is left behind: what hangs from it is detached
        # before the copy (else pypdf would copy it, and its root, along) and re-hung after.
        # That is its kids and the texts of the margin boxes, which WeasyPrint maps to
        # content without putting them in the tree.
        kids = list(_items(document["/K"]))
        mapped = [e for _, value in entries for e in _items(value)]
        hung = {
            ref.idnum: ref for ref in (*kids, *mapped) if ref.get_object().get("/P") == document_ref
        }
        for ref in hung.values():
            del ref.get_object()["/P"]
        for ref in hung.values():
            ref.clone(self.writer).get_object()[NameObject("/P")] = self.document
        copied = [ref.clone(self.writer) for ref in kids]
        if first:
            self.kids[0:0] = copied
        else:
            self.kids.extend(copied)
        for key, value in entries:
            self.nums.extend([NumberObject(self.next_key + key), value.clone(self.writer)])
        for theirs, ours in pages:
            ours[NameObject("/StructParents")] = NumberObject(
                self.next_key + theirs["/StructParents"]
            )
            for their_annotation, annotation in zip(
                _items(theirs.get("/Annots", ())), _items(ours.get("/Annots", ())), strict=True
            ):
                if "/StructParent" in their_annotation.get_object():
                    annotation.get_object()[NameObject("/StructParent")] = NumberObject(
                        self.next_key + their_annotation.get_object()["/StructParent"]
                    )
        _prefix_ids(copied, prefix)
        self.next_key += 1 + max((key for key, _ in entries), default=-1)
        self.root.get_object()[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)


def _items(value: PdfObject | Sequence[PdfObject]) -> list[PdfObject]:
    """An array's items, or a lone value as a list of one (PDF allows either)."""
    resolved = value.get_object() if isinstance(value, IndirectObject) else value
    return list(resolved) if isinstance(resolved, (ArrayObject, list, tuple)) else [value]


def _number_tree(node: PdfObject) -> Iterator[tuple[int, PdfObject]]:
    node = node.get_object()
    nums = node.get("/Nums", ArrayObject())
    for i in range(0, len(nums), 2):
        yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", ArrayObject()):
        yield from _number_tree(kid)


def _prefix_ids(elements: Iterable[PdfObject], prefix: str) -> None:
    """Make the piece's element IDs, and the table headers that name them, unique."""
    stack = list(elements)
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, DictionaryObject) or node.get("/Type") not in (
            None,
            "/StructElem",
        ):
            continue
        if "/ID" in node:
            node[NameObject("/ID")] = TextStringObject(prefix + str(node["/ID"]))
        for attributes in _items(node.get("/A", ArrayObject())):
            attributes = attributes.get_object()
            if isinstance(attributes, DictionaryObject) and "/Headers" in attributes:
                attributes[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(prefix + str(h)) for h in attributes["/Headers"]
                )
        if "/K" in node:
            stack.append(node.raw_get("/K"))


def _stamp(writer: PdfWriter, pages: Sequence[PageObject], numbers: Sequence[PageObject]) -> None:
    """Draw each page of ``numbers`` over its page of ``pages`` (as a form XObject)."""
    if len(pages) != len(numbers):
        raise RuntimeError(f"{len(numbers)} page numbers for {len(pages)} pages")
    # The page's own content leaves its graphics state as it likes (WeasyPrint's starts
    # by flipping the y axis): it is drawn inside q … Q, then the number.
    before = writer._add_object(_stream(b"q\n"))
    after = writer._add_object(
        _stream(
            b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq "
            + PAGE_NUMBER.encode()
            + b" Do Q\nEMC\n"
        )
    )
    for page, number in zip(pages, numbers, strict=True):
        form = _stream(number.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(number.mediabox),
                NameObject("/Resources"): number.raw_get("/Resources").clone(writer),
            }
        )
        # WeasyPrint shares one resource dictionary between all pages of a piece: each
        # page gets its own, naming its own number.
        resources = DictionaryObject(page["/Resources"])
        xobjects = DictionaryObject()
        if "/XObject" in resources:
            xobjects.update(resources["/XObject"])
        xobjects[PAGE_NUMBER] = writer._add_object(form)
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = _items(page.raw_get("/Contents"))
        page[NameObject("/Contents")] = ArrayObject([before, *contents, after])


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream
