"""Report blocks rendered as Markdown and as one self-contained HTML page."""

import base64
import html

from flopcast.report_html import Figure, Heading, Paragraph, Preformatted, Table, to_html, to_markdown

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def blocks(tmp_path):
    figure = tmp_path / "fig.png"
    figure.write_bytes(PNG)
    return [
        Heading("Fleet <size>", level=1, anchor="fleet"),
        Paragraph("GPUs **needed** at `peak`"),
        Table(["quantity", "median"], [["fleet | H100", "1.2e5"]]),
        Figure(figure, "Forest of outputs"),
        Preformatted("a < b\n"),
    ]


def test_markdown_escapes_pipes_and_links_figures(tmp_path):
    md = to_markdown(blocks(tmp_path))
    assert md.startswith("# Fleet <size>\n\nGPUs **needed** at `peak`\n\n")
    assert "fleet \\| H100" in md  # a pipe inside a cell does not split it
    assert "![Forest of outputs](fig.png)" in md
    assert "```text\na < b\n```" in md


def test_html_escapes_text_embeds_figures_and_keeps_emphasis(tmp_path):
    page = to_html(blocks(tmp_path), title="Report & co")
    assert "<title>Report &amp; co</title>" in page
    assert '<h1 id="fleet">Fleet &lt;size&gt;</h1>' in page
    assert "<p>GPUs <strong>needed</strong> at <code>peak</code></p>" in page
    assert "data:image/png;base64," + base64.b64encode(PNG).decode() in page
    assert "<pre>a &lt; b\n</pre>" in page
    assert 'src="fig.png"' not in page  # self-contained: no link to a file beside the page


def test_escaped_user_text_reads_back_as_written_in_html():
    from flopcast.report_html import escape_markdown

    raw = "Parameters <N> & *util* `x` [a](b) $5 \\ 1. _x_"
    blocks = [
        Paragraph(f"**{escape_markdown(raw)}** and {escape_markdown(raw)}"),
        Table(["a"], [[escape_markdown(raw)]]),
    ]
    page = to_html(blocks, title="t")
    shown = html.escape(raw, quote=False)
    assert page.count(shown) == 3 and f"<strong>{shown}</strong>" in page
    assert escape_markdown("1. first\n2. second") == "1\\. first 2. second"
    assert escape_markdown("&lt; stays text") == "&amp;lt; stays text"


def test_text_wraps_long_text_columns_and_keeps_numbers_whole_and_right():
    from flopcast.report_html import from_markdown, to_text

    why = "a long explanation that goes on and on " * 4
    markdown = (
        "Costs in \\$ and **bold** words, escaped \\*stars\\* and `code`.\n\n"
        "| # | quantity | says | implies | why |\n| :-- | :-- | --: | :-- | :-- |\n"
        f"| R | fleet\\|gpus | 1.08e25 | 4,211 – 12,000 | {why} |\n| 1 | x | 89,000 | $75.9M | short |\n"
    )
    lines = to_text(from_markdown(markdown), width=60).splitlines()
    assert lines[0] == "Costs in $ and bold words, escaped *stars* and code."
    assert max(len(line) for line in lines) <= 60
    assert " ".join(" ".join(lines).split()).count("a long explanation") == 4  # wrapped, nothing lost
    head, rule, first = lines[2], lines[3], lines[4]
    assert head.split() == ["#", "quantity", "says", "implies", "why"]
    assert first.startswith("R  fleet|gpus")  # the escaped pipe is text in its cell
    # numbers never wrap and align right, also in a column the Markdown left-aligned
    assert "4,211 – 12,000" in first and "   $75.9M  short" in next(line for line in lines if line.startswith("1 "))
    assert rule.count("-") == sum(len(part) for part in rule.split())


def test_text_underlines_headings_and_keeps_preformatted_text():
    from flopcast.report_html import to_text

    text = to_text([Heading("Fleet **size**", 1), Heading("Peak", 3), Preformatted("  a  b\n")])
    assert text == "Fleet size\n==========\n\nPeak\n----\n\n  a  b\n"
