r"""The blocks a report is made of, and their rendering as Markdown, as one self-contained HTML page and as text.

A report is a list of blocks (headings, paragraphs, tables, figures, preformatted text). The same list renders
to ``report.md`` (figures linked as files beside it) and to ``report.html`` (figures embedded as base64 PNG, the
style sheet inline), so the two never disagree and HTML needs no Markdown library. :func:`to_text` shows blocks
in a terminal (``flopcast audit``), within 120 columns.

Inline markup in paragraphs and table cells is limited to ``**bold**`` and ```code```; text that comes from a
user (a model's name, description, labels, units, sources) enters a block through :func:`escape_markdown`, so that
neither page reads it as markup (``<N>``, ``*util*``, ``<script>``, a ``# heading`` line are shown as written).

Examples
--------
>>> blocks = [Heading("Title", 1), Paragraph("Some **bold** text."), Table(["a", "b"], [["1", "x|y"]], "rl")]
>>> print(to_markdown(blocks))
# Title
<BLANKLINE>
Some **bold** text.
<BLANKLINE>
|   a | b    |
| --: | :--- |
|   1 | x\|y |
<BLANKLINE>
>>> "<strong>bold</strong>" in to_html(blocks, title="t")
True
"""

from __future__ import annotations

import base64
import html
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from flopcast.formatting import DASH, WIDTH, table

__all__ = [
    "Block",
    "Figure",
    "Heading",
    "Paragraph",
    "Preformatted",
    "Table",
    "escape_markdown",
    "from_markdown",
    "to_html",
    "to_markdown",
    "to_text",
]


@dataclass(frozen=True)
class Heading:
    """A section heading of level 1-4; ``anchor`` names its id in HTML."""

    text: str
    level: int = 2
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text (``**bold**`` and ```code``` allowed)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table; ``align`` has one ``l``/``r`` per column (default: first left, others right)."""

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    align: str = ""

    def alignment(self) -> str:
        """The alignment string, defaulted."""
        return self.align or "l" + "r" * (len(self.headers) - 1)


@dataclass(frozen=True)
class Figure:
    """A PNG file (path relative to the report's folder is written in Markdown) with a caption."""

    path: Path
    caption: str


@dataclass(frozen=True)
class Preformatted:
    """Text shown as is, in a monospace block."""

    text: str


Block = Heading | Paragraph | Table | Figure | Preformatted


#: Characters Markdown may read as markup inside a line (``$`` starts math on GitHub): backslash-escaped.
_MD_SPECIAL = re.compile(r"([\\`*\[\]#~$]|(?<![^\W_])_|_(?![^\W_]))")  # '_' inside a word is no markup
#: What would start a list at the start of a paragraph: ``- a``, ``+ a``, ``1. a`` (a marker, then a space or the
#: end): ``-5``, ``0.1.0`` and ``3.13`` start no list and are left as written.
_MD_BULLET = re.compile(r"^([-+])(?=\s|$)")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s|$)")


def escape_markdown(text: object) -> str:
    r"""User text as Markdown that renders as written, on one line (a line break would start a new block).

    Markup characters are backslash-escaped; ``<``, ``>`` and an ``&`` that would start an entity are written as
    entities, so no HTML tag gets through (to_html reads both forms back as the text).

    Examples
    --------
    >>> print(escape_markdown("Parameters <N>, MFU | *util*"))
    Parameters &lt;N&gt;, MFU | \*util\*
    >>> print(escape_markdown("line one\n# not a heading & &amp;"))
    line one \# not a heading & &amp;amp;
    >>> print(escape_markdown("video_minute/day, _x_"))
    video_minute/day, \_x\_
    >>> print(escape_markdown("- not a list"))
    \- not a list
    >>> print(escape_markdown("1. nor this"))
    1\. nor this
    >>> print(escape_markdown("3.13.0"), escape_markdown("-5"), escape_markdown("-$5k"))
    3.13.0 -5 -\$5k
    """
    one_line = " ".join(str(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line)
    escaped = re.sub(r"&(?=#?\w+;)", "&amp;", escaped).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_BULLET.sub(r"\\\1", escaped))


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    """Render blocks as GitHub-flavoured Markdown (figures as relative image links)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            cells = [[_md_cell(c) for c in row] for row in block.rows]
            heads = [_md_cell(h) for h in block.headers]
            widths = [max([len(h), 3] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)]
            align = block.alignment()

            def line(values: Sequence[str], widths: list[int] = widths, align: str = align) -> str:
                parts = [v.rjust(w) if a == "r" else v.ljust(w) for v, w, a in zip(values, widths, align, strict=True)]
                return "| " + " | ".join(parts) + " |"

            rule = [
                "-" * (w - 1) + ":" if a == "r" else ":" + "-" * (w - 1) for w, a in zip(widths, align, strict=True)
            ]
            out.append("\n".join([line(heads), line(rule), *(line(r) for r in cells)]))
        elif isinstance(block, Figure):
            out.append(f"![{block.caption}]({block.path.name})\n\n*{block.caption}*")
        else:
            out.append("```text\n" + block.text.rstrip("\n") + "\n```")
    return "\n\n".join(out) + "\n"


_HEADING = re.compile(r"(#{1,4}) +(.+)")
_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    text = line.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", text)]


def _is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def from_markdown(text: str) -> list[Block]:
    r"""Parse Markdown into blocks: headings, pipe tables, fenced code and paragraphs (what sections write).

    This is how a model's own report sections (Markdown strings) enter the HTML page as well as ``report.md``.

    Examples
    --------
    >>> blocks = from_markdown("Some **text**\non two lines.\n\n| a | b |\n| :-- | --: |\n| x\\|y | 1 |\n")
    >>> blocks[0]
    Paragraph(text='Some **text** on two lines.')
    >>> blocks[1].headers, blocks[1].rows, blocks[1].align
    (['a', 'b'], [['x|y', '1']], 'lr')
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            blocks.append(Preformatted("\n".join(lines[i + 1 : j])))
            i = j + 1
        elif (heading := _HEADING.fullmatch(line.strip())) is not None:
            blocks.append(Heading(heading.group(2).strip(), len(heading.group(1))))
            i += 1
        elif _is_table_row(line) and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            headers = _cells(line)
            rule = _cells(lines[i + 1])
            align = "".join("r" if c.endswith(":") and not c.startswith(":") else "l" for c in rule)
            j, rows = i + 2, []
            while j < len(lines) and _is_table_row(lines[j]):
                cells = _cells(lines[j])
                rows.append((cells + [""] * len(headers))[: len(headers)])
                j += 1
            blocks.append(Table(headers, rows, align.ljust(len(headers), "l")[: len(headers)]))
            i = j
        else:
            # A paragraph runs to a blank line, a fence, a table or a heading; its first line is always taken
            # (a lone "| a |" line without a rule is text).
            j, words = i + 1, [line.strip()]
            while (
                j < len(lines) and lines[j].strip() and not lines[j].startswith("```") and not _is_table_row(lines[j])
            ):
                if _HEADING.fullmatch(lines[j].strip()):
                    break
                words.append(lines[j].strip())
                j += 1
            blocks.append(Paragraph(" ".join(words)))
            i = j
    return blocks


_INLINE = re.compile(r"\\[!-/:-@\[-`{-~]|\*\*((?:\\.|[^\\])+?)\*\*|`([^`]+)`")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(text: str) -> str:
    """Markdown text as the characters it shows: backslash escapes and entities read back."""
    return html.unescape(_ESCAPED.sub(r"\1", text))


def _text(text: str) -> str:
    """Markdown text as HTML: the characters it shows, escaped."""
    return html.escape(_unescape(text), quote=False)


def _spans(text: str) -> Iterator[tuple[str, str]]:
    """The pieces of a line of Markdown: ``("text", ...)`` (escapes kept), ``("bold", ...)``, ``("code", ...)``.

    A backslash-escaped character is text, read with the plain text around it.
    """
    last = 0
    for m in _INLINE.finditer(text):
        if m.group(1) is None and m.group(2) is None:
            continue
        yield "text", text[last : m.start()]
        yield ("bold", m.group(1)) if m.group(1) is not None else ("code", m.group(2))
        last = m.end()
    yield "text", text[last:]


def _inline(text: str) -> str:
    """Escape text for HTML and turn ``**bold**`` and ```code``` into tags."""
    tags = {
        "text": _text,
        "bold": lambda s: f"<strong>{_text(s)}</strong>",
        "code": lambda s: f"<code>{html.escape(s)}</code>",
    }
    return "".join(tags[kind](part) for kind, part in _spans(text))


def _plain(text: str) -> str:
    r"""Markdown text as a terminal shows it: no markup, escapes read back (``**a** \| \$b`` -> ``a | $b``)."""
    return "".join(part if kind == "code" else _unescape(part) for kind, part in _spans(text))


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #1b1b1b; line-height: 1.45; }
h1 { border-bottom: 2px solid #0072B2; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.86em; display: block; overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 3px 8px; vertical-align: top; }
th { background: #f3f6f9; }
td.r, th.r { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-style: italic; color: #555; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: 0.85em; }
code { background: #f6f8fa; padding: 0 .2em; }
"""


def to_html(blocks: Sequence[Block], title: str) -> str:
    """Render blocks as one self-contained HTML page (figures embedded as base64 PNG, style inline)."""
    body: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            anchor = f' id="{html.escape(block.anchor)}"' if block.anchor else ""
            body.append(f"<h{block.level}{anchor}>{_inline(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            body.append(f"<p>{_inline(block.text)}</p>")
        elif isinstance(block, Table):
            align = block.alignment()
            head = "".join(f'<th class="{a}">{_inline(str(h))}</th>' for h, a in zip(block.headers, align, strict=True))
            rows = "".join(
                "<tr>"
                + "".join(f'<td class="{a}">{_inline(str(c))}</td>' for c, a in zip(r, align, strict=True))
                + "</tr>"
                for r in block.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.path.read_bytes()).decode("ascii")
            alt = html.escape(block.caption)
            body.append(
                f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">'
                f"<figcaption>{_inline(block.caption)}</figcaption></figure>"
            )
        else:
            body.append(f"<pre>{html.escape(block.text)}</pre>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


#: A cell that is a number as :mod:`flopcast.formatting` and the catalog write them: ``4,211``, ``-2.5%``,
#: ``1.08e25``, ``$75.9M``, ``x0.4``, ``~40%``; an interval is two of them around :data:`~flopcast.formatting.DASH`.
_NUMBER = re.compile(r"[-+~x]?[$€£]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?[%kMBGT]?")
#: Cells that stand for no number (undefined, non-finite) in a column of numbers.
_NO_NUMBER = frozenset({"", "-", "nan", "inf", "-inf"})


def _numeric(cells: Sequence[str]) -> bool:
    """Whether a column holds numbers (and at least one): they align right and never wrap."""
    values = [c for c in cells if c not in _NO_NUMBER]
    return bool(values) and all(_NUMBER.fullmatch(part) for c in values for part in c.split(DASH))


def _text_table(block: Table, width: int) -> str:
    headers = [_plain(h) for h in block.headers]
    rows = [[_plain(c) for c in row] for row in block.rows]
    numeric = [_numeric([row[i] for row in rows]) for i in range(len(headers))]
    align = "".join("r" if number else a for number, a in zip(numeric, block.alignment(), strict=True))
    wrap = [i for i, number in enumerate(numeric) if not number]
    return table(headers, rows, align, max_width=width, wrap=wrap)


def _fill(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_on_hyphens=False)


def _text_heading(block: Heading, width: int) -> str:
    text = _fill(_plain(block.text), width)
    rule = "=" if block.level == 1 else "-"
    return f"{text}\n{rule * max(map(len, text.splitlines()))}"


def to_text(blocks: Sequence[Block], width: int = WIDTH) -> str:
    r"""Render blocks as plain text for a terminal, within ``width`` columns.

    Headings are underlined (``=`` at level 1, ``-`` below), paragraphs wrapped, tables aligned with their text
    columns wrapped to fit (numbers align right and never wrap), inline markup shown as the text it stands for
    (``**bold**`` as ``bold``, ``\|`` as ``|``). Preformatted text is kept as it is; a figure is its caption and
    file name.

    Parameters
    ----------
    blocks : sequence of Block
        What to render, as :func:`from_markdown` gives it.
    width : int, default :data:`flopcast.formatting.WIDTH`
        The widest line, where paragraphs and tables can fit (a long word or a table of numbers may not).

    Returns
    -------
    str
        The text, ending with a line break.

    Examples
    --------
    >>> blocks = from_markdown(
    ...     "## Costs\n\nWhat **each** run costs, in \\$.\n\n"
    ...     "| run | cost | note |\n| :-- | :-- | :-- |\n"
    ...     "| a | 1,200 | a note long enough to wrap |\n| b | 35 | x\\|y |\n"
    ... )
    >>> print(to_text(blocks, width=28))
    Costs
    -----
    <BLANKLINE>
    What each run costs, in $.
    <BLANKLINE>
    run   cost  note
    ---  -----  ----------------
    a    1,200  a note long
                enough to wrap
    b       35  x|y
    <BLANKLINE>
    """
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(_text_heading(block, width))
        elif isinstance(block, Paragraph):
            out.append(_fill(_plain(block.text), width))
        elif isinstance(block, Table):
            out.append(_text_table(block, width))
        elif isinstance(block, Figure):
            out.append(_fill(f"{_plain(block.caption)} ({block.path.name})", width))
        else:
            out.append(block.text.rstrip("\n"))
    return "\n\n".join(out) + "\n"
