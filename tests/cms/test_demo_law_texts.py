"""The law texts shipped for the demo parse, with real article numbers in order."""

import pytest

from cms.demo import LAW_TEXTS, MUST_KNOW_ORDER
from cms.services.laws import parse_law_text

FILES = sorted(LAW_TEXTS.glob("*.txt"))


def test_every_must_know_law_has_a_text():
    assert sorted(path.stem.replace("_", "-") for path in FILES) == sorted(
        MUST_KNOW_ORDER
    )


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_demo_law_text_parses(path):
    parsed = parse_law_text(path.read_text(encoding="utf-8"))

    assert {"title", "short_name", "kind", "effective_date"} <= set(parsed.metadata)
    assert len(parsed.articles) >= 20
    assert parsed.preamble_lines == 0
