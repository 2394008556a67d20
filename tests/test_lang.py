"""Language detection on short, messy notes."""

from __future__ import annotations

import pytest

from model.lang import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Bokade demo tis 17/3 kl 10 för att visa integrationen.", "sv"),
        ("ring tors ang offerten", "sv"),
        ("Kunden aterkommer nasta vecka", "sv"),
        ("Bra call m Erik, next steps efter det = pricing. Vi hörs v. 49.", "sv"),
        ("I'll send the revised quote on Friday.", "en"),
        ("f/u call EOW with the CFO", "en"),
        ("They asked us to come back in a couple of weeks.", "en"),
        ("Demo", "en"),
        ("Möte", "sv"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
