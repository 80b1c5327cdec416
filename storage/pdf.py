"""Render the archive's own documents (inventory, disposal act) with WeasyPrint."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

# Package data beside this module, so an installed wheel renders without the checkout.
TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_pdf(
    template: str,
    context: Mapping[str, Any],
    templates: Path = TEMPLATES,
    attachments: Mapping[str, bytes] | None = None,
) -> bytes:
    """Render ``storage/templates/<template>`` (Jinja2 HTML) to PDF/A-3b bytes.

    ``attachments`` (file name → bytes) are embedded as associated files with the relationship
    ``Data``: PDF/A-3 allows them, and the signature over the PDF then covers them too.
    """
    from weasyprint import HTML, Attachment  # imported here: WeasyPrint is slow to import

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = env.get_template(template).render(**context)
    files = [
        Attachment(string=data, name=name, relationship="Data")
        for name, data in (attachments or {}).items()
    ]
    pdf: bytes = HTML(string=html, base_url=str(templates)).write_pdf(
        pdf_variant="pdf/a-3b", attachments=files or None
    )
    return pdf
