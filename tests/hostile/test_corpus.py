"""Every malformed file of the corpus is refused with its Russian message, and nothing is stored."""

from __future__ import annotations

import pytest

from service.journal.adapters import read_with_report
from service.journal.errors import InvalidInput
from tests.hostile.corpus import CASES, Case


def test_the_corpus_is_large_enough() -> None:
    """At least 60 distinct malformed files, each with its expected fragment."""
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_malformed_file_is_refused_in_russian(
    case: Case, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a valid export with one hostile change WHEN it is read THEN InvalidInput names it."""
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    path = case.build(tmp_path)
    with pytest.raises(InvalidInput) as caught:
        read_with_report(path, case.fmt)
    text = caught.value.summary()
    assert case.expected in text, text
    assert path.name in text or any(p.file for p in caught.value.problems)
