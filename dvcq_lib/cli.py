"""The `dvcq` command. Each sub-command lives in the module of its concept and registers here by
name (a small registry, as papermill's engines do): `COMMANDS[name] = "module:configure"`, where
`configure(subparsers)` adds the sub-parser and sets `func` to the function that runs it.
The options several commands share, and the checks of their values, are in `dvcq_lib.options`."""

from __future__ import annotations

import argparse
import importlib
import sys

from dvcq_lib.exceptions import DvcqError

#: name → "module:configure"; each module adds its own sub-parser.
COMMANDS: dict[str, str] = {
    "summary": "dvcq_lib.summary:configure",
    "report": "dvcq_lib.render.cli:configure_report",
    "ingest": "dvcq_lib.ingest.cli:configure",
    "template": "dvcq_lib.ingest.cli:configure_template",
    "check": "dvcq_lib.checks.cli:configure",
    "render": "dvcq_lib.render.cli:configure",
    "deck": "dvcq_lib.render.cli:configure_deck",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dvcq",
        description="dvcq — phân tích báo cáo 6 tháng của xã, phường "
        "(Vietnamese commune half-year reporting)",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", required=True)
    for target in COMMANDS.values():
        module, func = target.split(":")
        getattr(importlib.import_module(module), func)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DvcqError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng (interrupted).", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
