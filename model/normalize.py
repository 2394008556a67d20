"""Turn what a CRM stores into the plain text the model reads, and map offsets back.

Notes arrive as plain text, as CRM HTML (``<p>``, ``<br>``, ``<ul><li>``, entities), with
Windows line ends, non-breaking spaces and bullet glyphs. :func:`normalize` returns a
:class:`Normalized`: the plain text and a character map to the caller's text, so that every
span the model finds in the plain text can be reported at its place in what was sent.

HTML is read with Python's own ``html.parser`` (maintained with CPython). It reports where
every tag, text run and entity starts in the source, which is what exact offsets need; the
third-party HTML-to-text converters drop those positions. Block elements become line
breaks, list items become ``- `` lines, a table row's cells are joined (a two-column
label/value row reads ``Next step: Demo``), entities are decoded, runs of white space inside
the HTML source collapse to one space (as a browser shows them), ``<script>``/``<style>``
content is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from html import unescape
from html.entities import name2codepoint
from html.parser import HTMLParser

__all__ = ["Normalized", "normalize", "looks_like_html", "join_subject_body", "html_to_text"]

_HTML_HINT = re.compile(
    r"<(?:p|br|div|ul|ol|li|span|b|strong|i|em|u|a|h[1-6]|table|tr|td|th|blockquote|pre|font|hr)\b[^<>]*>"
    r"|</(?:p|div|ul|ol|li|span|b|strong|i|em|u|a|h[1-6]|table|tr|td|blockquote|pre|font)>",
    re.IGNORECASE,
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
        "header",
        "footer",
        "dl",
        "dt",
        "dd",
    ]
)
_CELL = frozenset(("td", "th"))
_SKIP = frozenset(("script", "style", "head", "title"))
# Bullet glyphs at a line start become "-": one bullet form for the model to learn.
_BULLET = re.compile(r"(?m)^([ \t]*)[•●◦▪▫■□▸►‣⁃·∙*](?=[ \t])")
_SPACES = {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\u2028": "\n", "\u2029": "\n"}
_DROP = frozenset(("\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\r"))


@dataclass(frozen=True, slots=True)
class Normalized:
    """Plain text for the model, with each of its characters' place in the original.

    ``starts[i]``/``ends[i]`` are the original offsets the i-th character came from (an
    entity or an inserted line break covers several). Both are ``None`` when the text was
    unchanged, which is the common case and costs nothing.
    """

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    html: bool = False

    @property
    def changed(self) -> bool:
        return self.starts is not None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets ``[start, end)`` of the plain text as offsets into the original."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """The plain-text characters that came from original offsets ``[start, end)``."""
        if self.starts is None or self.ends is None:
            return start, end
        lo = bisect_right(self.ends, start)
        hi = bisect_left(self.starts, end)
        return lo, max(lo, hi)


class _Builder:
    """Collects output characters with their original offsets."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, s: str, start: int, end: int) -> None:
        for ch in s:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)

    def add_source(self, s: str, offset: int) -> None:
        """Text copied from the original at ``offset``, one character each."""
        for i, ch in enumerate(s):
            self.chars.append(ch)
            self.starts.append(offset + i)
            self.ends.append(offset + i + 1)

    def last(self) -> str:
        return self.chars[-1] if self.chars else "\n"

    def drop_trailing_spaces(self) -> None:
        while self.chars and self.chars[-1] == " ":
            for lst in (self.chars, self.starts, self.ends):
                lst.pop()


class _HtmlToText(HTMLParser):
    """HTML to text with offsets; see the module docstring for what becomes what."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.out = _Builder()
        self.skip = 0
        self.row_start = 0  # where the current table row's text starts in the output
        self.cells = 0  # cells of that row so far

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self, at: int, end: int, bullet: bool = False, hard: bool = False) -> None:
        """A line break: block edges give one, a ``<br>`` (hard) may make an empty line."""
        self.out.drop_trailing_spaces()
        tail = "".join(self.out.chars[-2:])
        if self.out.chars and (tail[-1:] != "\n" or (hard and tail != "\n\n")):
            self.out.add("\n", at, end)
        if bullet:
            self.out.add("- ", at, end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        end = start + len(self.get_starttag_text() or "")
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self._break(start, end, bullet=tag == "li", hard=tag == "br")
        elif tag in _CELL:
            self._cell(start, end)

    def _cell(self, start: int, end: int) -> None:
        """A table cell after another in its row: a label's value after ": " (a CRM's
        two-column "Next step | Demo" table reads "Next step: Demo"), other cells after " - "."""
        if self.out.last() == "\n":
            self.row_start = len(self.out.chars)
            self.cells = 1
            return
        first = "".join(self.out.chars[self.row_start :]).strip()
        self.out.drop_trailing_spaces()
        if self.cells == 1 and first.endswith(":"):
            separator = " "  # the label has its own colon
        elif self.cells == 1 and 0 < len(first) <= 40 and first[-1].isalnum():
            separator = ": "
        else:
            separator = " - "
        self.out.add(separator, start, end)
        self.cells += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        end = start + len(self.get_starttag_text() or "")
        if tag in _BLOCK:
            self._break(start, end, hard=tag == "br")

    def handle_endtag(self, tag: str) -> None:
        start = self._pos()
        end = self.source.find(">", start) + 1 or start
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK and tag != "br":
            self._break(start, end)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        offset = self._pos()
        for i, ch in enumerate(data):
            if ch.isspace():
                if self.out.last() not in " \n":
                    self.out.add(" ", offset + i, offset + i + 1)
            else:
                self.out.add_source(ch, offset + i)

    def _entity(self, decoded: str, raw_len: int) -> None:
        if self.skip:
            return
        start = self._pos()
        if decoded.isspace():
            if self.out.last() not in " \n":
                self.out.add(" ", start, start + raw_len)
        else:
            self.out.add(decoded, start, start + raw_len)

    def handle_entityref(self, name: str) -> None:
        raw = f"&{name};" if self.source.startswith(f"&{name};", self._pos()) else f"&{name}"
        decoded = chr(name2codepoint[name]) if name in name2codepoint else unescape(raw)
        self._entity(decoded, len(raw))

    def handle_charref(self, name: str) -> None:
        start = self._pos()
        raw = f"&#{name};" if self.source.startswith(f"&#{name};", start) else f"&#{name}"
        self._entity(unescape(raw + ("" if raw.endswith(";") else ";")), len(raw))


def looks_like_html(text: str) -> bool:
    """True when the text carries HTML markup (a known tag), not just a stray ``<``."""
    return "<" in text and _HTML_HINT.search(text) is not None


def _plain(text: str, starts: list[int], ends: list[int], chars: list[str]) -> None:
    """Plain-text clean-up on (chars, starts, ends) in place: odd spaces, invisible
    characters, bullet glyphs, trailing spaces on lines."""
    out_c: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    for ch, s, e in zip(chars, starts, ends, strict=True):
        if ch in _DROP:
            continue
        ch = _SPACES.get(ch, ch)
        if ch == "\n":
            while out_c and out_c[-1] == " ":
                out_c.pop(), out_s.pop(), out_e.pop()
        out_c.append(ch)
        out_s.append(s)
        out_e.append(e)
    joined = "".join(out_c)
    for m in _BULLET.finditer(joined):
        out_c[m.end() - 1] = "-"
    # strip the whole text's leading and trailing white space
    lo, hi = 0, len(out_c)
    while lo < hi and out_c[lo].isspace():
        lo += 1
    while hi > lo and out_c[hi - 1].isspace():
        hi -= 1
    chars[:] = out_c[lo:hi]
    starts[:] = out_s[lo:hi]
    ends[:] = out_e[lo:hi]


# (The look-ahead holds every character a match can start with: the engine passes over the
# others at once.)
_NEEDS_PLAIN = re.compile(
    r"(?m)(?=[\r\t\u00a0\u2007\u202f\u2028\u2029\u200b\u200c\u200d\ufeff\u00ad •●◦▪▫■□▸►‣⁃·∙*])"
    r"(?:[\r\t\u00a0\u2007\u202f\u2028\u2029\u200b\u200c\u200d\ufeff\u00ad]|^[ \t]*[•●◦▪▫■□▸►‣⁃·∙*][ \t]|[ \t]+\n)"
)


def normalize(text: str) -> Normalized:
    """The plain text the model reads, with offsets back to ``text``.

    Plain notes without odd characters come back unchanged (``changed`` is False).
    """
    is_html = looks_like_html(text)
    if not is_html and _NEEDS_PLAIN.search(text) is None:
        return Normalized(text, text)
    if is_html:
        parser = _HtmlToText(text)
        parser.feed(text)
        parser.close()
        chars, starts, ends = parser.out.chars, parser.out.starts, parser.out.ends
    else:
        chars = list(text)
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    _plain(text, starts, ends, chars)
    plain = "".join(chars)
    if plain == text:
        return Normalized(text, text)
    return Normalized(text, plain, tuple(starts), tuple(ends), html=is_html)


def html_to_text(html: str) -> str:
    """Only the plain text of CRM HTML (block elements as line breaks, entities decoded)."""
    return normalize(html).text


def join_subject_body(subject: str | None, body: str | None) -> str:
    """One note from a CRM activity's subject and body: the subject as the first line,
    left out when empty or when the body already starts with it."""
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject:
        return body
    if not body or body.lower().startswith(subject.lower()):
        return body or subject
    return f"{subject}\n{body}"
