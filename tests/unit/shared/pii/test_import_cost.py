"""docflow.pii is imported by every Lambda at cold start: standard library only, nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
before = set(sys.modules)
import docflow.pii
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_given_fresh_interpreter_when_docflow_pii_imported_then_only_stdlib_and_docflow_load() -> None:
    output = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(output)
    assert "docflow.pii.scrubber" in loaded
    foreign = [
        name
        for name in loaded
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "docflow"
    ]
    assert foreign == []
    assert not {"docflow.pii.logging", "docflow.sentry", "docflow.config"} & set(loaded)
