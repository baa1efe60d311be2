"""HTML report: self-contained (no external references), images embedded, all text escaped."""

from __future__ import annotations

import base64
import re

import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.report.html import (ReportSection, Table, ascent_section, render_report_html,
                                    write_report)
from cosmodrome.report.plots import FIGURE_NAMES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def section(ascent_result):
    return ascent_section(ascent_result, estimate_rows=[("payload margin", "+120 kg")])


@pytest.fixture(scope="module")
def page(section):
    return render_report_html("Demo Two to 200 km", [section])


def _attribute_values(page: str, name: str) -> list[str]:
    return re.findall(rf'\b{name}\s*=\s*"([^"]*)"', page, flags=re.IGNORECASE)


def test_no_external_references(page):
    for attribute in ("src", "href"):
        for value in _attribute_values(page, attribute):
            assert not value.lower().startswith(("http://", "https://", "//")), value
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page


def test_figures_are_embedded_pngs(page):
    sources = _attribute_values(page, "src")
    assert len(sources) == len(FIGURE_NAMES)
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]).startswith(PNG_SIGNATURE)


def test_title_and_text_are_escaped():
    sections = [ReportSection(
        heading="A & B",
        paragraphs=("x < y > z & \"q\"",),
        tables=(Table("<b>cap</b>", ("<th>",), (("<td>",),)),),
    )]
    page = render_report_html("<script>alert(1)</script>", sections)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B" in page
    assert "x &lt; y &gt; z &amp; &quot;q&quot;" in page
    assert "&lt;b&gt;cap&lt;/b&gt;" in page and "<b>" not in page
    assert "&lt;th&gt;" in page and "&lt;td&gt;" in page


def test_ascent_section_tables(section):
    captions = [table.caption for table in section.tables]
    assert captions[0] == "Key figures"
    assert captions[1].startswith("Delta-v budget")
    assert captions[2:] == ["Events", "Propellant left at insertion"]
    key = dict(section.tables[0].rows)
    assert key["payload (separated mass)"] == "12,345 kg"
    assert key["perigee altitude"] == "198.7 km"
    assert key["apogee altitude"] == "203.1 km"
    assert key["inclination"] == "28.52 deg"
    assert key["max-Q"].endswith("kPa at T+66.0 s")
    assert key["max acceleration"].endswith(" g")
    assert key["profile"] == "direct"
    assert key["payload margin"] == "+120 kg"
    budget_terms = [row[0] for row in section.tables[1].rows]
    assert budget_terms == ["ideal (rocket equation)", "gravity loss", "drag loss", "steering loss",
                            "back-pressure loss", "Earth rotation gain", "final inertial speed",
                            "closure error"]
    events = section.tables[2]
    assert events.columns == ("time (s)", "event", "altitude (km)", "inertial speed (m/s)", "detail")
    assert [row[1] for row in events.rows][:2] == ["lift-off", "max-Q"]
    assert section.tables[3].rows == (("first stage", "1,100"), ("second stage", "950"))
    assert len(section.figures) == len(FIGURE_NAMES)


def test_event_detail_is_escaped_in_the_page(page):
    # The synthetic fairing event carries "<check>" in its detail text.
    assert "&lt;check&gt;" in page and "<check>" not in page


def test_write_report_writes_utf8_file(tmp_path, section):
    path = write_report(tmp_path / "report.html", "Ascent ± report", [section, ReportSection("Notes", ("ok",))])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "Ascent ± report" in text
    assert 'href="#section-2"' in text


def test_table_rejects_ragged_rows():
    with pytest.raises(InvalidInputError, match="row 2 has 1 cells, expected 2"):
        Table("t", ("a", "b"), (("1", "2"), ("3",)))


def test_section_rejects_non_png_figure():
    with pytest.raises(InvalidInputError, match="expected PNG bytes"):
        ReportSection("s", figures=(("not an image", b"GIF89a..."),))
