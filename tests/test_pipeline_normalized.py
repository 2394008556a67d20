"""Scoring reads normalized text and reports offsets into the text the caller sent."""

from __future__ import annotations

from model.pipeline import Klarsteg

PLAIN = "Bra möte med Eva.\n- Bokade demo tis 17/3 kl 10 för att visa integrationen."
HTML = (
    "<p>Bra m&ouml;te med Eva.</p><ul><li>Bokade <strong>demo</strong> tis 17/3 kl 10 "
    "f&ouml;r att visa integrationen.</li></ul>"
)


def test_html_note_scores_like_its_plain_text(klarsteg_model: Klarsteg) -> None:
    plain = klarsteg_model.score(PLAIN, note_date="2026-03-10")
    html = klarsteg_model.score(HTML, note_date="2026-03-10")
    assert (html.score, html.verdict) == (plain.score, plain.verdict)
    assert html.when is not None and html.when.value == "2026-03-17T10:00"
    assert html.next_step is not None and html.next_step.text == "Bokade demo"
    # offsets point into the HTML that was sent; the text is the plain span
    assert HTML[html.next_step.start : html.next_step.end] == "Bokade <strong>demo"
    assert HTML[html.when.start : html.when.end] == "tis 17/3 kl 10"
    assert html.reason is not None
    assert HTML[html.reason.start : html.reason.end] == html.reason.text


def test_a_date_with_a_past_year_is_never_the_when(klarsteg_model: Klarsteg) -> None:
    note = "2025-11-03 Ring Eva ang. avtalet\n2025-11-20 Mejlade offert, inget svar"
    result = klarsteg_model.score(note, note_date="2026-02-10")
    assert result.when is None or result.when.value >= "2026-02-10"


def test_markup_without_text_is_a_note_without_a_step(klarsteg_model: Klarsteg) -> None:
    result = klarsteg_model.score("<p><br></p>", note_date="2026-02-10")
    assert (result.verdict, result.score, result.next_step) == ("none", 0, None)


def test_a_crm_table_reads_as_labelled_fields(klarsteg_model: Klarsteg) -> None:
    table = (
        "<table><tr><td>Next step</td><td>Demo</td></tr><tr><td>Date</td><td>2026-12-10 14:00</td></tr>"
        "<tr><td>Purpose</td><td>show reporting module</td></tr></table>"
    )
    result = klarsteg_model.score(table, note_date="2026-12-04")
    assert result.next_step is not None and result.when is not None and result.reason is not None
    assert (result.next_step.text, result.when.value, result.reason.text) == (
        "Demo",
        "2026-12-10T14:00",
        "show reporting module",
    )
    assert table[result.next_step.start : result.next_step.end] == "Demo"
    assert table[result.when.start : result.when.end] == "2026-12-10 14:00"
