"""docs/roles.md shows exactly the table the code enforces."""

from pathlib import Path

from service.accounts.permissions import table_rows


def test_docs_table_matches_code() -> None:
    """Each action row of the code's table appears verbatim in docs/roles.md."""
    text = Path("docs/roles.md").read_text(encoding="utf-8")
    for label, cells in table_rows():
        assert f"| {label} | " + " | ".join(cells) + " |" in text
