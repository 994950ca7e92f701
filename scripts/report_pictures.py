"""Pictures of two pages of a rendered 360 report, for services/report-svc/README.md.

    uv run python scripts/report_pictures.py [--pages 3,5] [--dpi 60]

Builds the report of one 360 of the demo's shape (the participant, a line manager, three peers, three
direct reports and three other colleagues) on the catalogue's HLM 360 questionnaire, with report-svc's
own scoring, renders it as report-svc serves it (the PDF/UA of the same HTML page), and saves the pages
asked for as PNGs in services/report-svc/docs/. Pages are drawn with Debian's pdftoppm (poppler-utils)
when it is installed, else with pypdfium2; either way reduced to a 64-colour palette, so the pictures
stay small in the repository. Nothing is fetched and no database is needed.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import subprocess
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from PIL import Image

from hlm_contracts.enums import RaterGroup
from report_svc.reports import rendering
from report_svc.reports.models import Report
from report_svc.scoring.individual import build_360
from report_svc.scoring.inputs import Dimension, Item, Questionnaire, Response, Thresholds

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "services/framework-svc/src/framework_svc/catalogue/data"
DOCS = ROOT / "services/report-svc/docs"
DEMO_SHAPE = [RaterGroup.SELF, RaterGroup.LINE_MANAGER] + [
    group for group in (RaterGroup.PEER, RaterGroup.DIRECT_REPORT, RaterGroup.OTHER) for _ in range(3)
]
COMMENTS = [
    "Gives the team a clear reason for the changes, and checks that it landed.",
    "Could share the bigger picture earlier, before plans are fixed.",
    "Always makes time to listen when a shift has been hard.",
    "Asks for our ideas and uses them.",
]


def demo_report() -> Report:
    """The ready report of the demo-shaped 360, as report-svc stores it."""
    framework = yaml.safe_load((CATALOGUE / "hlm.yaml").read_text())
    document = yaml.safe_load((CATALOGUE / "hlm-360.yaml").read_text())
    dimensions = tuple(Dimension(d["key"], d["name"], n) for n, d in enumerate(framework["dimensions"], 1))
    items = tuple(Item(i["key"], i["dimension"], i["text"], n) for n, i in enumerate(document["items"], 1))
    rng = random.Random(16)  # noqa: S311  (made-up answers, the same every run)
    # Raters lean one level apart by group, so the groups differ as they do in a real cycle.
    lean = {RaterGroup.SELF: 1, RaterGroup.LINE_MANAGER: 0, RaterGroup.PEER: 0, RaterGroup.DIRECT_REPORT: 1}
    responses = [
        Response(
            group,
            {i.key: min(4, max(1, rng.choice([2, 3, 3, 4]) - 1 + lean.get(group, 0))) for i in items},
            {d.key: rng.randint(2, 4) for d in dimensions},
            {d.key: rng.choice(COMMENTS) for d in dimensions if rng.random() < 0.3},
        )
        for group in DEMO_SHAPE
    ]
    content = build_360(Questionnaire(dimensions, items), responses, Thresholds(), b"report-pictures!")
    closed = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    content["questionnaire"] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "hlm-360")),
        "key": document["key"],
        "version": document["version"],
        "name": document["name"],
        "framework_key": "hlm",
        "framework_version": 1,
    }
    content["cycle"] = {
        "opened_at": (closed - timedelta(days=21)).isoformat(),
        "closes_at": closed.isoformat(),
        "closed_at": closed.isoformat(),
    }
    return Report(
        id=uuid.uuid5(uuid.NAMESPACE_URL, "demo-report"),
        cycle_id=uuid.uuid5(uuid.NAMESPACE_URL, "demo-cycle"),
        participant_id="Sam Example (demo participant)",
        kind="feedback_360",
        state="ready",
        status="released",
        version=1,
        content=content,
    )


def page_images(pdf: bytes, pages: list[int], dpi: int) -> list[Image.Image]:
    """The pages (numbered from 1) as images: by pdftoppm when installed, else by pypdfium2."""
    if shutil.which("pdftoppm"):
        images = []
        with tempfile.TemporaryDirectory() as directory:
            source = Path(directory) / "report.pdf"
            source.write_bytes(pdf)
            for number in pages:
                prefix = Path(directory) / f"page-{number}"
                subprocess.run(
                    ["pdftoppm", "-png", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile",
                     str(source), str(prefix)],
                    check=True,
                )  # fmt: skip
                with Image.open(prefix.with_suffix(".png")) as image:
                    images.append(image.convert("RGB"))
        return images
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[number - 1].render(scale=dpi / 72).to_pil().convert("RGB") for number in pages]
    finally:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default="3,5", help="page numbers, from 1, comma-separated")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    pages = [int(p) for p in args.pages.split(",")]
    pdf = rendering.pdf(demo_report())
    DOCS.mkdir(parents=True, exist_ok=True)
    for number, image in zip(pages, page_images(pdf, pages, args.dpi), strict=True):
        target = DOCS / f"report-page-{number}.png"
        buffer = io.BytesIO()
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buffer, format="PNG", optimize=True)
        target.write_bytes(buffer.getvalue())
        print(f"{target.relative_to(ROOT)}: {image.width} x {image.height} px, {len(buffer.getvalue()) // 1024} KiB")


if __name__ == "__main__":
    main()
