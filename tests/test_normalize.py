"""Input normalization: CRM HTML and odd plain text to the text the model reads, with offsets
back to what the caller sent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.normalize import html_to_text, join_subject_body, looks_like_html, normalize

CASES = [
    # (input, normalized text)
    ("Ring Eva tors kl 10", "Ring Eva tors kl 10"),
    ("<p>Hej!</p><p>Bokade demo tis</p>", "Hej!\nBokade demo tis"),
    ("<ul><li>Offert &amp; avtal</li><li>Ring IT</li></ul>", "- Offert & avtal\n- Ring IT"),
    ("a<br>b<br/>c<br><br>d", "a\nb\nc\n\nd"),
    ("<p>M&ouml;te&nbsp;fre</p>", "Möte fre"),
    ("<p>v&#229;r &#x2013; h&ouml;st</p>", "vår – höst"),
    ("<div>Call   back\n   Tuesday</div>", "Call back Tuesday"),
    ("<p><strong>Next:</strong> demo</p><p><br></p><p>Bye</p>", "Next: demo\n\nBye"),  # an empty line
    ("<p>x</p><script>alert(1)</script><style>p{}</style><p>y</p>", "x\ny"),
    ("<ol><li>One</li><li>Two</li></ol>", "- One\n- Two"),
    # a table row's cells: a short label's value after ": ", further cells after " - "
    ("<table><tr><td>Ring</td><td>fre</td></tr></table>", "Ring: fre"),
    (
        "<table><tr><td>Next step</td><td>Demo</td></tr><tr><td>Date</td><td>10/12 14:00</td></tr></table>",
        "Next step: Demo\nDate: 10/12 14:00",
    ),
    ("<table><tr><th>Kund</th><th>Åtgärd</th><th>När</th></tr></table>", "Kund: Åtgärd - När"),
    ("<table><tr><td>Next step:</td><td>demo</td></tr></table>", "Next step: demo"),  # its own colon
    ("Todo:\r\n• ring Eva  \n* skicka offert\tnu", "Todo:\n- ring Eva\n- skicka offert nu"),
    ("  Ring\u00a0Eva\u200b  ", "Ring Eva"),
    ("if a < b then call", "if a < b then call"),
]


@pytest.mark.parametrize(("raw", "plain"), CASES)
def test_normalized_text(raw: str, plain: str) -> None:
    assert normalize(raw).text == plain


def test_plain_text_is_untouched_and_costs_no_map() -> None:
    norm = normalize("Bokade demo tis 17/3 kl 10.")
    assert not norm.changed
    assert norm.to_original(7, 11) == (7, 11)


def test_offsets_map_back_to_the_html() -> None:
    raw = "<p>Bra m&ouml;te.</p><ul><li>Bokade <b>demo</b> tis</li></ul>"
    norm = normalize(raw)
    start = norm.text.index("Bokade demo")
    s, e = norm.to_original(start, start + len("Bokade demo"))
    assert raw[s:e] == "Bokade <b>demo"
    i = norm.text.index("möte")
    s, e = norm.to_original(i, i + 4)
    assert raw[s:e] == "m&ouml;te"
    assert norm.from_original(s, e) == (i, i + 4)


def test_html_detection() -> None:
    assert looks_like_html("<p>x</p>")
    assert looks_like_html("Ring<br>fre")
    assert not looks_like_html("pris < 40k, ring <Eva>")


def test_subject_and_body() -> None:
    assert join_subject_body("Offert", "Ring Eva fre") == "Offert\nRing Eva fre"
    assert join_subject_body("", "Ring Eva") == "Ring Eva"
    assert join_subject_body("Ring Eva", "ring eva fre kl 10") == "ring eva fre kl 10"
    assert join_subject_body("Offert", None) == "Offert"
    assert html_to_text("<p>a</p><p>b</p>") == "a\nb"


_pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<br>",
        "<li>",
        "</li>",
        "<ul>",
        "&amp;",
        "&nbsp;",
        "&ouml;",
        " ",
        "\n",
        "Ring",
        "fre",
        "•",
        "\t",
        "kl 10",
    ]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_pieces, max_size=25))
def test_every_character_maps_inside_the_original(parts: list[str]) -> None:
    raw = "".join(parts)
    norm = normalize(raw)
    last = 0
    for i in range(len(norm.text)):
        s, e = norm.to_original(i, i + 1)
        assert 0 <= s < e <= len(raw)
        assert s >= last  # in order
        last = s
        lo, hi = norm.from_original(s, e)
        assert lo <= i < hi
