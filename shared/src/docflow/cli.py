"""The ``docflow`` command line.

Each command group lives next to the code it drives and exposes ``register(subparsers)``; this
module only lists the groups, imports them when the command line is built, and dispatches. Groups of
other distributions (the local stack's ``docflow-local``, installed for development only) are found
through the ``docflow.commands`` entry point group, so the deployed package never imports them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

#: Modules of this package exposing ``register(subparsers)``; each adds its own subcommands.
COMMAND_MODULES: tuple[str, ...] = ("docflow.receipts.cli",)
#: Entry point group naming further command modules (``name = "module"``) of installed distributions.
COMMAND_ENTRY_POINTS = "docflow.commands"


def command_modules() -> list[str]:
    """Command modules that installed distributions declare, then this package's own."""
    plugins = sorted(entry_points(group=COMMAND_ENTRY_POINTS), key=lambda point: point.name)
    return [*(point.value for point in plugins), *COMMAND_MODULES]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="docflow", description="DocFlow backend tools.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in command_modules():
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``docflow`` console script; each subcommand sets ``handler``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
