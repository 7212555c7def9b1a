"""The report as PDF: WeasyPrint prints the self-contained HTML report (real, searchable text; vector diagram).

Why WeasyPrint: the HTML report is already the designed document (inline SVG, print CSS with page numbers and
a running title); WeasyPrint renders exactly that without a browser, and keeps text as text, so `pdftotext`
and screen readers see every word. It is an optional dependency (the `pdf` extra), imported only here.
"""

from __future__ import annotations

import logging

from advisor.errors import UserError
from advisor.views.report.html import to_html
from advisor.views.report.model import Report

INSTALL_HINT = (
    "PDF export needs WeasyPrint: pip install 'coordination-advisor[pdf]' "
    "(on Debian also: sudo apt-get install libpango-1.0-0 libharfbuzz-subset0)"
)


def to_pdf(report: Report, diagram_svg: str | None = None) -> bytes:
    """PDF bytes of the report (A4). Raises `UserError` when WeasyPrint is not installed."""
    try:  # Why: WeasyPrint is an optional extra (`pdf`); the other report formats work without it
        import weasyprint
    except (ImportError, OSError) as err:  # OSError: the package is there but a system library is missing
        raise UserError(f"{INSTALL_HINT} ({type(err).__name__}: {err})") from None
    html = to_html(report, diagram_svg)
    # Why: WeasyPrint logs every CSS property it ignores; that is noise for a user, not a problem.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=html, base_url=None).write_pdf()
