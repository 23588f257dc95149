"""The migrations this build of DocFlow ships, compared with what the database recorded.

The SQL files are not in the Lambda bundle. ``sam build`` runs this module (see the function's
``Makefile``) to write ``migrations.json`` (version and SHA-256 of each file) into the package;
the local stack and the tests, which have the repository, read ``migrations/`` directly instead.
Standard library only, so the build can run it before any dependency is installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

PACKAGED_MANIFEST = Path(__file__).with_name("migrations.json")
_FILE_NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")

Source = Literal["package", "directory"]


@dataclass(frozen=True, slots=True)
class Manifest:
    """Shipped migration versions with their checksums, in order, and where they were read from."""

    source: Source
    checksums: dict[str, str]


def from_directory(directory: Path) -> dict[str, str]:
    """Version -> SHA-256 of every migration file in ``directory``, in version order."""
    return {
        path.stem: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.glob("*.sql"))
        if _FILE_NAME.match(path.name)
    }


def write(directory: Path, target: Path) -> int:
    """Write the manifest of ``directory`` to ``target``; returns the number of migrations."""
    checksums = from_directory(directory)
    target.write_text(json.dumps({"migrations": checksums}, indent=1) + "\n", encoding="utf-8")
    return len(checksums)


def load(packaged: Path = PACKAGED_MANIFEST) -> Manifest | None:
    """The packaged manifest (deployed), else the repository's ``migrations/`` (local), else None."""
    if packaged.is_file():
        data = json.loads(packaged.read_text(encoding="utf-8"))
        return Manifest(source="package", checksums=dict(data["migrations"]))
    from docflow.db.migrate import MigrationError, find_migrations_dir

    try:
        checksums = from_directory(find_migrations_dir())
    except MigrationError:
        return None
    return Manifest(source="directory", checksums=checksums) if checksums else None


if __name__ == "__main__":  # python -m docflow_supabase_utils.manifest <migrations dir> <out.json>
    count = write(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} migrations written to {sys.argv[2]}")
