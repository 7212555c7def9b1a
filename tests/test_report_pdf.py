"""The PDF report, read back the way a person would: as text (pdftotext) and as page images (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from exports import assess_example
from PIL import Image

from advisor.views.report.model import build_report
from advisor.views.report.pdf import to_pdf

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)


@pytest.fixture(scope="module")
def checkout_pdf(rulebook, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "order-checkout.pdf"
    path.write_bytes(to_pdf(build_report(assess_example(rulebook, "order-checkout"), rulebook)))
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_names_the_recommended_style_and_confidence(checkout_pdf, rulebook):
    ev = assess_example(rulebook, "order-checkout").evaluation
    assert ev.style == "hybrid"  # the example's point: an orchestrated core with event-driven reactions
    text = pdf_text(checkout_pdf)
    assert "Coordination style for Order checkout" in text
    assert "Hybrid" in text and f"Confidence {ev.confidence:.2f}" in text
    assert "link evidence" in text  # what the hybrid points mean, said in the PDF too


def test_the_pdf_names_every_service_of_the_workflow(checkout_pdf):
    text = pdf_text(checkout_pdf)
    for service in ("Orders", "Payment", "Inventory", "Shipping", "Notification", "Analytics"):
        assert service in text


def test_the_pdf_keeps_table_headers_and_names_whole(rulebook, tmp_path):
    # The steps table once split words mid-word ("COORDINATIO N", "DamageAssessmen t") to fit its columns.
    path = tmp_path / "motor-claim.pdf"
    path.write_bytes(to_pdf(build_report(assess_example(rulebook, "motor-claim"), rulebook)))
    text = pdf_text(path)
    for word in ("COORDINATION", "COMPENSATION", "ClaimScoredForFraud", "RepairShopBooked", "DamageAssessed"):
        assert word in text, word


def test_the_pdf_contains_the_diagram_as_vector_text(checkout_pdf):
    """Labels that only the diagram has: numbered commands, the crossing event's note, the legend, the clusters."""
    text = pdf_text(checkout_pdf)
    for label in (
        "1. Create order",
        "published after step 4",
        "Orchestrated core",
        "Event-driven reactions",
        "undo 1: Cancel order",
    ):
        assert label in text, f"diagram label {label!r} missing from the PDF"


def test_the_pdf_pages_show_the_diagram_in_its_colours(checkout_pdf, tmp_path):
    """Rasterise the pages: one of them has the orchestrator's dark blue and the reactions' green in quantity."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(checkout_pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2

    def near(rgb, target, tolerance=24):
        return all(abs(a - b) <= tolerance for a, b in zip(rgb, target))

    best = 0
    for page in pages:
        image = Image.open(page).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 20)
        blue = sum(n for n, rgb in colours if near(rgb, (0x1F, 0x4E, 0x79)))
        green_fill = sum(n for n, rgb in colours if near(rgb, (0xE6, 0xF4, 0xEA), 6))
        if green_fill > 50:
            best = max(best, blue)
    assert best > 200, "no page shows the diagram (orchestrator blue next to the reactions' green)"


def test_the_pdf_has_page_numbers_and_the_title_on_each_page(checkout_pdf):
    text = pdf_text(checkout_pdf)
    pages = text.split("\f")
    real = [p for p in pages if p.strip()]
    assert len(real) >= 2
    for number, page in enumerate(real, 1):
        assert f"Page {number} of {len(real)}" in page
        assert "Coordination style for Order checkout" in page
