"""Cut a PDF that ReportLab wrote into smaller PDFs of some of its pages, and join several into one.

A mail merge lays its letters out as one document (per chunk of letters) and cuts it into one PDF per
letter to file on each case: a letter rendered as its own document costs about twice a page of a
combined one (its own font subsets, compressed again, and the document's fixed cost), and the print
file is then the same pages again. Cutting copies bytes; nothing is laid out or compressed twice.

This is not a general PDF library. It reads only what ReportLab writes (a classic cross-reference
table, one object per offset, no object streams, no incremental updates, page attributes on each page)
and refuses anything else with ``CutError``, so the caller can fall back to rendering letters one by
one. Each output file holds the chosen pages and every object they refer to (their content streams,
fonts, images), renumbered from 1; a page's ``/Parent`` is its new page tree, and an object that would
lead outside the chosen pages (another page, the old page tree, the catalog) is refused.

Why not a PDF library: pypdf does the same cut about ten times slower (50 letters: ~800 ms against ~100 ms,
beside ~1.8 s of layout), which would cost the mail merge about a third of its speed. So the cutter stays,
pinned: it only cuts the output of the ReportLab versions in ``TESTED_REPORTLAB`` (the ones its tests,
``tests/core/test_letters_cut.py``, have passed against). Any other version is refused with ``CutError`` and
the merge renders each letter on its own (slower, never wrong) until the tests are run against the new version
and it is added here; ``tests/core/test_letters_cut.py`` fails while the installed version is not listed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_HEAD = re.compile(rb"xref\s+0 (\d+)\s*\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_OBJ_HEAD = re.compile(rb"(\d+) 0 obj\s*")
_REF = re.compile(rb"(\d+) 0 R\b")
_TRAILER_REF = re.compile(rb"/(Root|Info) (\d+) 0 R")
_LENGTH = re.compile(rb"/Length (\d+)\b")
_TYPE = re.compile(rb"/Type\s*/(\w+)")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_PARENT = re.compile(rb"/Parent (\d+) 0 R")
_TITLE = re.compile(rb"/Title (\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", re.S)
_PAGE_TREE_KEYS = {b"Type", b"Kids", b"Count", b"Parent"}
_PAGE_NEEDS = (b"/Resources", b"/MediaBox", b"/Contents")


class CutError(ValueError):
    """The PDF is not one this module can cut (not written by ReportLab as expected)."""


# ReportLab versions (major.minor) whose output the cutter's tests have passed against.
TESTED_REPORTLAB = frozenset({"4.4", "5.1"})


def reportlab_version() -> str:
    """The installed ReportLab's major.minor."""
    import reportlab

    return ".".join(reportlab.Version.split(".")[:2])


@dataclass
class _Obj:
    parts: list[bytes]  # the dictionary split around references: text, ref, text, ref, ..., text
    refs: list[int]  # the referenced object numbers, in order (len(parts) == 2 * len(refs) + 1)
    tail: bytes  # everything after the dictionary: the stream, if any, and "endobj"


@dataclass
class ParsedPdf:
    header: bytes
    objects: dict[int, _Obj]
    pages: list[int]  # page object numbers in reading order
    tree: set[int]  # the page tree's own nodes (never copied: every cut gets a new one)
    catalog: int
    info: int | None
    info_dict: bytes = b""
    _cache: dict = field(default_factory=dict, repr=False)
    page_set: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.page_set = frozenset(self.pages)


def _string_spans(data: bytes) -> list[tuple[int, int]]:
    """Where the literal (parenthesised) and hex strings are, so a '3 0 R' inside a title is not a
    reference. ReportLab escapes parentheses in strings, but nesting is handled anyway."""
    spans = []
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c == 0x28:  # (
            start, depth, i = i, 1, i + 1
            while i < n and depth:
                c = data[i]
                if c == 0x5C:  # backslash: skip the escaped byte
                    i += 2
                    continue
                depth += (c == 0x28) - (c == 0x29)
                i += 1
            spans.append((start, i))
        elif c == 0x3C and data[i + 1 : i + 2] != b"<":  # a hex string, not a dictionary
            end = data.find(b">", i)
            if end < 0:
                raise CutError("unterminated hex string")
            spans.append((i, end + 1))
            i = end + 1
        elif c == 0x3C:
            i += 2
        else:
            i += 1
    return spans


def _split(dict_part: bytes) -> tuple[list[bytes], list[int]]:
    matches = list(_REF.finditer(dict_part))
    if matches and (b"(" in dict_part or b"<" in dict_part.replace(b"<<", b"")):
        spans = _string_spans(dict_part)
        matches = [m for m in matches if not any(a <= m.start() < b for a, b in spans)]
    parts, refs, pos = [], [], 0
    for m in matches:
        parts.append(dict_part[pos : m.start()])
        refs.append(int(m.group(1)))
        pos = m.end()
    parts.append(dict_part[pos:])
    return parts, refs


def parse(pdf: bytes) -> ParsedPdf:
    """Read the objects and the page order of a PDF that ReportLab wrote."""
    if (version := reportlab_version()) not in TESTED_REPORTLAB:
        raise CutError(f"ReportLab {version} is not a version the cutter was tested with")
    m = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
    if m is None:
        raise CutError("no startxref")
    xref_at = int(m.group(1))
    head = _XREF_HEAD.match(pdf, xref_at)
    if head is None:
        raise CutError("not a single classic cross-reference table")
    count = int(head.group(1))
    offsets: list[tuple[int, int]] = []
    pos = head.end()
    for num in range(count):
        e = _ENTRY.match(pdf, pos)
        if e is None:
            raise CutError("bad cross-reference entry")
        pos = e.end() + 2  # each entry is 20 bytes: ten digits, five, n/f and a two-byte end of line
        if e.group(3) == b"n":
            offsets.append((int(e.group(1)), num))
    trailer = pdf[pos : m.start()]
    if not trailer.lstrip().startswith(b"trailer") or b"/Prev" in trailer or b"/Encrypt" in trailer:
        raise CutError("not a plain trailer")
    named = {k: int(v) for k, v in _TRAILER_REF.findall(trailer)}
    if b"Root" not in named:
        raise CutError("no catalog")
    offsets.sort()
    objects: dict[int, _Obj] = {}
    ends = [o for o, _ in offsets[1:]] + [xref_at]
    for (start, num), end in zip(offsets, ends, strict=True):
        h = _OBJ_HEAD.match(pdf, start)
        if h is None or int(h.group(1)) != num:
            raise CutError(f"object {num} is not where the table says")
        body = pdf[h.end() : end]
        if not body.rstrip().endswith(b"endobj"):
            raise CutError(f"object {num} does not end")
        sep = body.find(b"\nstream\n")
        if sep >= 0:
            dict_part, tail = body[:sep], body[sep:]
            end_marks = b"endstream\nendobj"
            length = _LENGTH.search(dict_part)
            stripped = tail.rstrip()
            if (
                not stripped.endswith(end_marks)
                or length is None
                or int(length.group(1)) != len(stripped) - len(end_marks) - len(b"\nstream\n")
            ):
                raise CutError(f"object {num}: stream length not as declared")
        else:
            stripped = body.rstrip()
            dict_part, tail = stripped[: -len(b"endobj")].rstrip(), b"\nendobj\n"
        parts, refs = _split(dict_part)
        objects[num] = _Obj(parts, refs, tail)
    catalog = named[b"Root"]
    cat = objects.get(catalog)
    if cat is None or len(cat.refs) != 1 or b"/Pages" not in cat.parts[0][-8:]:
        raise CutError("the catalog refers to more than its pages")
    pages: list[int] = []
    seen: set[int] = set()
    tree: set[int] = set()

    def walk(num: int, parent: int | None) -> None:
        obj = objects.get(num)
        if obj is None or num in tree or num in seen:
            raise CutError("broken page tree")
        text = b"".join(obj.parts)
        text_refs = _text_with_refs(obj)
        kind = _TYPE.search(text)
        if kind is None:
            raise CutError("page tree node without a type")
        if kind.group(1) == b"Pages":
            keys = set(re.findall(rb"/(\w+)", re.sub(rb"\[[^\]]*\]", b"", text)))
            if not keys <= _PAGE_TREE_KEYS | {b"Pages"}:
                raise CutError("page tree node with inherited attributes")
            tree.add(num)
            kids = _KIDS.search(text_refs)
            for kid in (int(k) for k in _REF.findall(kids.group(1) if kids else b"")):
                walk(kid, num)
        elif kind.group(1) == b"Page":
            if not all(k in text for k in _PAGE_NEEDS):
                raise CutError("page without its own resources")
            p = _PARENT.search(text_refs)
            if p is None or int(p.group(1)) != parent:
                raise CutError("page with the wrong parent")
            pages.append(num)
            seen.add(num)
        else:
            raise CutError("unexpected node in the page tree")

    walk(cat.refs[0], None)
    info = named.get(b"Info")
    info_dict = b"".join(objects[info].parts) if info in objects and not objects[info].refs else b""
    return ParsedPdf(pdf[: offsets[0][0]], objects, pages, tree, catalog, info, info_dict)


def _interleave(obj: _Obj) -> list:
    out: list = []
    for i, p in enumerate(obj.parts):
        out.append(p)
        if i < len(obj.refs):
            out.append(obj.refs[i])
    return out


def _text_with_refs(obj: _Obj) -> bytes:
    return b"".join(p if isinstance(p, bytes) else f"{p} 0 R".encode() for p in _interleave(obj))


def _pdf_string(text: str) -> bytes:
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def assemble(sources: Sequence[tuple[ParsedPdf, Sequence[int]]], title: str | None = None) -> bytes:
    """One PDF of the given pages (by index into each source's ``pages``), in that order. The header,
    catalog and document information come from the first source; ``title`` replaces its title."""
    if not sources:
        raise CutError("no pages")
    first = sources[0][0]
    numbers: dict[tuple[int, int], int] = {}  # (source, old number) -> new number
    order: list[tuple[ParsedPdf, int, int]] = []  # source, old number, new number
    next_num = 4  # 1 catalog, 2 page tree, 3 document information
    kids: list[int] = []
    for src_i, (src, indexes) in enumerate(sources):
        chosen = {src.pages[i] for i in indexes}
        for i in indexes:
            page = src.pages[i]
            stack = [page]
            while stack:
                num = stack.pop()
                key = (src_i, num)
                if key in numbers:
                    continue
                if num in src.tree or num == src.catalog or num == src.info:
                    raise CutError("a page refers to the document outside itself")
                if num not in src.objects:
                    raise CutError(f"reference to a missing object {num}")
                if num in src.page_set and num not in chosen:
                    raise CutError("a page refers to another page")
                numbers[key] = next_num
                order.append((src, num, next_num))
                next_num += 1
                obj = src.objects[num]
                # depth first, in the order written, so shared objects get the same numbers every time
                stack.extend(r for r in reversed(obj.refs) if not (r in src.tree and num in src.page_set))
            kids.append(numbers[(src_i, page)])
    out = bytearray(first.header)
    offsets = [0] * next_num

    def put(num: int, body: bytes) -> None:
        offsets[num] = len(out)
        out.extend(b"%d 0 obj\n" % num)
        out.extend(body)

    put(1, b"<<\n/PageMode /UseNone /Pages 2 0 R /Type /Catalog\n>>\nendobj\n")
    put(
        2,
        b"<<\n/Count %d /Kids [ %s ] /Type /Pages\n>>\nendobj\n"
        % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)),
    )
    info = first.info_dict or b"<<\n>>"
    if title is not None:
        info = (
            _TITLE.sub(lambda _m: b"/Title " + _pdf_string(title), info)
            if _TITLE.search(info)
            else (info[:-2] + b"/Title " + _pdf_string(title) + b"\n>>")
        )
    put(3, info + b"\nendobj\n")
    source_index = {id(src): i for i, (src, _) in enumerate(sources)}
    for src, num, new in order:
        obj = src.objects[num]
        si = source_index[id(src)]
        mapped = tuple(2 if (r in src.tree) else numbers[(si, r)] for r in obj.refs)
        body_key = (num, mapped)
        body = src._cache.get(body_key)
        if body is None:
            pieces = [obj.parts[0]]
            for r, p in zip(mapped, obj.parts[1:], strict=True):
                pieces.append(b"%d 0 R" % r)
                pieces.append(p)
            body = b"".join(pieces) + obj.tail
            src._cache[body_key] = body
        put(new, body)
    xref_at = len(out)
    digest = hashlib.md5(out, usedforsecurity=False).hexdigest().encode()
    out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % next_num)
    out.extend(b"".join(b"%010d 00000 n \n" % o for o in offsets[1:]))
    out.extend(
        b"trailer\n<<\n/ID [<%s><%s>]\n/Info 3 0 R /Root 1 0 R /Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
        % (digest, digest, next_num, xref_at)
    )
    return bytes(out)
