"""``hlm-gateway serve | print-schema``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hlm-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_command = commands.add_parser("serve", help="run the GraphQL API")
    serve_command.add_argument("--host", default="127.0.0.1")
    serve_command.add_argument("--port", type=int, default=8000)
    commands.add_parser("print-schema", help="print the schema as SDL (what gateway/schema.graphql holds)")
    args = parser.parse_args(argv)
    if args.command == "print-schema":
        from hlm_gateway.schema import schema_sdl

        print(schema_sdl(), end="")
        return
    from hlm_gateway.config import Settings
    from hlm_kit.cli import serve

    settings = Settings()  # read from the environment
    serve(
        "hlm_gateway.main:create_app",
        settings,
        host=args.host,
        port=args.port,
        # The app closes a socket on a larger message too; this keeps the server from buffering one first.
        ws_max_size=settings.max_ws_message_bytes,
    )
