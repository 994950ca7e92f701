"""The NHS.UK frontend's compiled CSS, JavaScript and images, served from this origin.

Its stylesheet loads the Frutiger web font from the NHS's own host. No page may make a request that
leaves the platform (a rater's visit is nobody else's business), so that @font-face is taken out and
text falls back to Arial, as the stylesheet's own font stack says."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

STYLESHEET = "nhsuk-frontend.min.css"
# The web app manifest: a participant can add the service to their phone's home screen, with the NHS
# icons the frontend ships, opening on their assessments.
MANIFEST = {
    "name": "Leadership feedback (NHS)",
    "short_name": "Leadership",
    "description": "Feedback on your leadership with the NHS Healthcare Leadership Model.",
    "lang": "en-GB",
    "start_url": "/assessments",
    "scope": "/",
    "display": "standalone",
    "theme_color": "#005eb8",
    "background_color": "#f0f4f5",
    "icons": [
        {"src": "/assets/images/favicon.svg", "type": "image/svg+xml", "sizes": "any", "purpose": "any"},
        {"src": "/assets/images/nhsuk-icon-192.png", "type": "image/png", "sizes": "192x192", "purpose": "any"},
        {"src": "/assets/images/nhsuk-icon-512.png", "type": "image/png", "sizes": "512x512", "purpose": "any"},
        {"src": "/assets/images/nhsuk-icon-192.png", "type": "image/png", "sizes": "192x192", "purpose": "maskable"},
        {"src": "/assets/images/nhsuk-icon-512.png", "type": "image/png", "sizes": "512x512", "purpose": "maskable"},
        {"src": "/assets/images/nhsuk-icon-mask.svg", "type": "image/svg+xml", "sizes": "any", "purpose": "monochrome"},
    ],
}
_REMOTE_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*url\(\s*['\"]?https?://[^}]*\}")


class AssetsMissing(RuntimeError):
    """The NHS.UK frontend is not installed: run `make web-assets` (npm ci in web/)."""


def local_stylesheet(css: str) -> str:
    """``css`` without the font faces it would fetch from another host."""
    return _REMOTE_FONT_FACE.sub("", css)


def mount(app: FastAPI, frontend_dir: Path) -> None:
    stylesheet = frontend_dir / STYLESHEET
    if not stylesheet.is_file():
        raise AssetsMissing(f"{stylesheet} not found: run `make web-assets` (npm ci in web/)")
    css = local_stylesheet(stylesheet.read_text(encoding="utf-8"))

    @app.get(f"/nhsuk/{STYLESHEET}", include_in_schema=False)
    async def nhsuk_stylesheet() -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/manifest.webmanifest", include_in_schema=False)
    async def manifest() -> Response:
        return Response(
            json.dumps(MANIFEST),
            media_type="application/manifest+json",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    app.mount("/nhsuk", StaticFiles(directory=frontend_dir), name="nhsuk")
    # The stylesheet asks for its icons at /assets, where the NHS.UK template expects them.
    app.mount("/assets", StaticFiles(directory=frontend_dir / "assets"), name="assets")
    app.mount("/static", StaticFiles(packages=[("hlm_web", "static")]), name="static")
