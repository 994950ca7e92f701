"""``hlm-web serve``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hlm-web", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_command = commands.add_parser("serve", help="serve the pages")
    serve_command.add_argument("--host", default="127.0.0.1")
    serve_command.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)

    from hlm_kit.cli import serve
    from hlm_web.config import Settings

    # An access log line would hold the page's path, and the path holds the rater's token: serve keeps it off.
    serve("hlm_web.main:create_app", Settings(), host=args.host, port=args.port, server_header=False)
