"""The ``docflow`` command line.

Each command group lives next to the code it drives and exposes ``register(subparsers)``; this
module only lists the groups, imports them when the command line is built, and dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Modules exposing ``register(subparsers)``; each adds its own subcommands.
COMMAND_MODULES: tuple[str, ...] = ("docflow.local.cli", "docflow.receipts.cli")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="docflow", description="DocFlow backend tools.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``docflow`` console script; each subcommand sets ``handler``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
