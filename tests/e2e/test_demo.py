"""`make demo`'s journey (scripts/demo.py), run as its command against the platform: a 360 from the
facilitator's registration to the participant's PDF, through the gateway, the raters' mail and report-svc."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from .harness import JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, Platform

ROOT = Path(__file__).resolve().parents[2]
DEMO_TIMEOUT_S = 180


async def run_demo(env: dict[str, str], out: Path) -> tuple[int, str, dict[Path, bytes]]:
    """Run scripts/demo.py as `make demo` does: its exit code, everything it printed, and the files it wrote
    to ``out``."""
    demo = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "scripts" / "demo.py"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(demo.communicate(), timeout=DEMO_TIMEOUT_S)
    assert demo.returncode is not None
    written = await asyncio.to_thread(lambda: {path: path.read_bytes() for path in out.iterdir()})
    return demo.returncode, output.decode(errors="replace"), written


async def test_make_demo_walks_a_360_to_its_released_report_and_writes_the_pdf(
    platform: Platform, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "HLM_GATEWAY_URL": platform.gateway_url,
        "HLM_REPORT_URL": platform.url("report"),
        "HLM_MAIL_DIR": str(platform.mail.directory),
        "HLM_DEMO_DIR": str(tmp_path),
        "HLM_JWT_SECRET": JWT_SECRET,
        "HLM_JWT_ISSUER": JWT_ISSUER,
        "HLM_JWT_AUDIENCE": JWT_AUDIENCE,
        "HLM_DEMO_TIMEOUT_S": "60",
    }
    returncode, said, written = await run_demo(env, tmp_path)

    assert returncode == 0, said
    [(pdf, body)] = written.items()
    assert pdf.name.startswith("report-")
    assert pdf.suffix == ".pdf"
    assert body.startswith(b"%PDF")
    assert f"The report's PDF: {pdf}" in said
    # The raters' mail links to the web front's answer page, and the demo says where it is.
    assert f"answer page the first rater's mail linked to (now sent): {platform.web_url}/answer/" in said
    # Each step is told as it is done, the booking and the coached release among them.
    assert "All 10 raters answered through their invitation links" in said
    assert "Feedback session confirmed" in said
    assert "The facilitator released the report at the session (coached release)" in said


async def test_make_demo_says_the_platform_is_not_running_and_fails(tmp_path: Path) -> None:
    nobody = "http://127.0.0.1:9"  # the discard port: nothing answers there
    env = {
        **os.environ,
        "HLM_GATEWAY_URL": nobody,
        "HLM_REPORT_URL": nobody,
        "HLM_DEMO_DIR": str(tmp_path),
        "HLM_JWT_SECRET": JWT_SECRET,
        "HLM_JWT_ISSUER": JWT_ISSUER,
        "HLM_JWT_AUDIENCE": JWT_AUDIENCE,
    }
    returncode, said, written = await run_demo(env, tmp_path)

    assert returncode == 1, said
    assert f"the gateway does not answer at {nobody}" in said
    assert "make run" in said
    assert not written


async def test_make_demo_names_the_call_the_platform_refused_and_fails(platform: Platform, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HLM_GATEWAY_URL": platform.gateway_url,
        "HLM_REPORT_URL": platform.url("report"),
        "HLM_MAIL_DIR": str(platform.mail.directory),
        "HLM_DEMO_DIR": str(tmp_path),
        # Tokens the platform does not trust: signed with another secret.
        "HLM_JWT_SECRET": "not-the-platform-s-secret-0123456789abcdef",
        "HLM_JWT_ISSUER": JWT_ISSUER,
        "HLM_JWT_AUDIENCE": JWT_AUDIENCE,
    }

    returncode, said, written = await run_demo(env, tmp_path)

    assert returncode == 1, said
    assert "make demo failed: framework:" in said, said
    assert "UNAUTHENTICATED" in said, said
    assert not written
