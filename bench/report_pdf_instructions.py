"""The HLM 360 report's PDF/UA render counted with callgrind: instructions per render, and per render the
way WeasyPrint draws on its own.

    uv run --no-sync python bench/report_pdf_instructions.py [--renders 1] [--keep DIR] [--no-callgrind]

The CPU time of ``bench/report.py``'s renders moves by a fifth from run to run on the shared 2-core machine;
the instructions of one render move by well under one per cent. This runs itself again, as ``_child``, under
``valgrind --tool=callgrind --instr-atstart=no``: the child builds the benchmark's report
(``report.hlm_360_report``), renders it twice each way (fonts loaded, template compiled), turns callgrind's
instrumentation on, then renders it ``--renders`` times each way, in turn, between ``os.sched_yield()``
(callgrind writes what it counted at each). The ways:

- ``as shipped``: ``report_svc.reports.rendering.pdf`` as the service calls it;
- ``WeasyPrint's own``: the same with WeasyPrint's SVG text drawing (every chart label laid out and drawn
  letter by letter), a new ``FontConfiguration`` per document and the render called straight, not from a
  frame with room for its stack, as before 2026-12-08. Callgrind counts no kernel work, so what the room
  saves (the stack chunks' ``mmap``/``munmap`` and page faults: system time) is not in these counts.

It prints the instructions per render of each, and the PDFs' pages and text (the same for both).
``--no-callgrind`` runs the child alone; ``--keep DIR`` leaves callgrind's files there, for
``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from request_instructions import callgrind_totals, keep_dumps, under_callgrind  # noqa: E402

CHILD_COMMAND = "_child"
WAYS = ("as shipped", "WeasyPrint's own")


def _child(renders: int) -> None:
    import pypdf
    import report
    import weasyprint.svg

    from hlm_kit.documents import pdf as pdf_module
    from hlm_kit.documents import svg_text
    from report_svc.reports import rendering

    shipped_fonts, shipped_room = pdf_module.font_configuration, pdf_module._in_a_stack_of_its_own

    def way(name: str) -> None:
        draw = svg_text.text if name == "as shipped" else svg_text.letter_by_letter
        for tag, function in list(weasyprint.svg.TAGS.items()):
            if function in (svg_text.text, svg_text.letter_by_letter):
                weasyprint.svg.TAGS[tag] = draw
        weasyprint.svg.text = draw
        pdf_module.font_configuration = shipped_fonts if name == "as shipped" else lambda: None  # type: ignore[assignment,return-value]
        pdf_module._in_a_stack_of_its_own = shipped_room if name == "as shipped" else lambda function: function()

    document = report.hlm_360_report()
    texts = {}
    for name in WAYS:
        way(name)
        rendering.pdf(document)
        reader = pypdf.PdfReader(io.BytesIO(rendering.pdf(document)))
        texts[name] = (len(reader.pages), "".join("".join(page.extract_text().split()) for page in reader.pages))
    for name in WAYS:
        print(f"{name}: {texts[name][0]} pages, {len(texts[name][1])} letters", flush=True)
    print(f"the same pages and text: {texts[WAYS[0]] == texts[WAYS[1]]}", flush=True)
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    os.sched_yield()  # callgrind: everything before, counted apart
    for _ in range(renders):
        for name in WAYS:
            way(name)
            rendering.pdf(document)
            os.sched_yield()  # callgrind: this render's count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=1, help="renders counted each way (default 1)")
    parser.add_argument("--keep", help="a directory to leave callgrind's files in")
    parser.add_argument("--no-callgrind", action="store_true", help="run the child without valgrind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        command = [sys.executable, str(Path(__file__).resolve()), CHILD_COMMAND, str(args.renders)]
        if not args.no_callgrind:
            command = under_callgrind(command, out)
        under = "" if args.no_callgrind else " under callgrind"
        print(f"rendering the HLM 360 report {args.renders} time(s) each way{under} ...", flush=True)
        subprocess.run(command, check=True)
        if args.no_callgrind:
            return
        counts = callgrind_totals(out)[1:]  # the first dump is everything before the renders
        keep_dumps(out, args.keep)
    for n, name in enumerate(WAYS):
        mine = counts[n :: len(WAYS)]
        each = ", ".join(f"{c / 1e9:.3f}" for c in mine)
        print(f"{name:18s} {sum(mine) / len(mine) / 1e9:6.3f} G instructions per render  ({each})")
    shipped, own = counts[0 :: len(WAYS)], counts[1 :: len(WAYS)]
    print(f"as shipped / WeasyPrint's own: x{sum(shipped) / sum(own):.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == CHILD_COMMAND:
        _child(int(sys.argv[2]))
    else:
        main()
