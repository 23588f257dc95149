"""``make mutate``: mutation testing (mutmut) of the modules whose mistakes cost most.

Each module is mutated on its own, in a scratch copy under ``.local/mutation/<module>``, and only the
fast tests that guard it run against each mutant (one worker: the machine is shared). The survivors
are listed at the end; each is either killed by a new test or explained as equivalent.

    python -m tests.mutation [docflow/auth/verifier.py ...]   # default: every target below
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.support.paths import REPO_ROOT

#: Module (under shared/src) -> the fast tests that guard it.
TARGETS: dict[str, tuple[str, ...]] = {
    "docflow/auth/verifier.py": (
        "tests/unit/shared/auth/test_verifier.py",
        "tests/unit/shared/auth/test_bearer.py",
    ),
    "docflow/pii/validators.py": ("tests/unit/shared/pii/test_validators.py",),
    "docflow/receipts/vat.py": (
        "tests/unit/shared/receipts/test_vat.py",
        "tests/unit/shared/receipts/test_extract.py",
    ),
    "docflow/tenancy.py": (
        "tests/unit/shared/test_tenancy.py",
        "tests/integration/functions/auth/test_auth_http.py",
        "tests/unit/functions/users/test_rules.py",
        "tests/integration/shared/db/test_pool_bleed.py",
    ),
    "docflow/db/transactions.py": (
        "tests/integration/shared/db/test_transactions.py",
        "tests/integration/shared/db/test_pool_bleed.py",
    ),
    "docflow/pipeline/steps.py": ("tests/integration/shared/pipeline",),
    "docflow/pipeline/store.py": ("tests/integration/shared/pipeline",),
}
WORK = REPO_ROOT / ".local" / "mutation"

#: Surviving mutants that change no behaviour, each with the reason no test can tell them apart.
#: Names are mutmut's; a change to the module renumbers them, and a renumbered survivor shows up again.
EQUIVALENT: dict[str, str] = {
    "docflow.auth.verifier.xǁTokenVerifierǁ_key_for__mutmut_14": (
        "refetch_unknown=None instead of False: the JWKS cache tests the flag for truth, None is false too"
    ),
    **{
        f"docflow.auth.verifier.xǁTokenVerifierǁ_decode__mutmut_{n}": (
            "PyJWT's enforce_minimum_key_length is a second guard: the verifier refuses HMAC secrets under "
            "MIN_HMAC_SECRET_BYTES and the JWKS loader RSA keys under MIN_RSA_BITS before PyJWT sees a key"
        )
        for n in (21, 22, 23)
    },
}


def _config(module: str, tests: tuple[str, ...]) -> str:
    """The scratch workspace's pyproject: the repository's pytest settings plus mutmut's."""
    pytest_options = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{key} = {_toml(value)}" for key, value in pytest_options.items() if key != "testpaths"]
    lines += [
        "",
        "[tool.mutmut]",
        'source_paths = ["src/"]',
        # mutmut runs the tests from its own copy; the database tests need the migrations beside them.
        'also_copy = ["migrations/", "events/", "template.yaml"]',
        f"only_mutate = {_toml([f'src/{module}'])}",
        f"pytest_add_cli_args_test_selection = {_toml(list(tests))}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]',
    ]
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return str(value)


def _prepare(module: str, tests: tuple[str, ...]) -> Path:
    """A fresh workspace: the shared sources as ``src/``, the tests and migrations, the config."""
    work = WORK / module.removesuffix(".py").replace("/", ".")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "shared" / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    ignore = shutil.ignore_patterns("__pycache__", "perf")
    shutil.copytree(REPO_ROOT / "tests", work / "tests", ignore=ignore)
    for folder in ("migrations", "events"):
        shutil.copytree(REPO_ROOT / folder, work / folder)
    shutil.copy2(REPO_ROOT / "template.yaml", work / "template.yaml")
    (work / "pyproject.toml").write_text(_config(module, tests))
    return work


def run(module: str) -> tuple[int, int, list[str]]:
    """Mutate one module; (killed, survived, names of the survivors not known to be equivalent)."""
    work = _prepare(module, TARGETS[module])
    mutmut = [sys.executable, "-m", "mutmut"]
    subprocess.run([*mutmut, "run", "--max-children", "1"], cwd=work, check=False)
    results = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True, check=True
    )
    statuses = re.findall(r"^\s*(\S+): (\S+)", results.stdout, re.MULTILINE)
    survivors = [name for name, status in statuses if status == "survived"]
    killed = sum(status == "killed" for _, status in statuses)
    for name in survivors:
        if name in EQUIVALENT:
            print(f"equivalent: {name}: {EQUIVALENT[name]}")
    unexplained = [name for name in survivors if name not in EQUIVALENT]
    return killed, len(unexplained), unexplained


def main(argv: list[str]) -> int:
    modules = argv or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        print(f"no mutation target {unknown}; known: {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    report = {module: run(module) for module in modules}
    print("\nmodule                               killed  survived (not equivalent)")
    for module, (killed, survived, names) in report.items():
        print(f"{module:<36} {killed:>6}  {survived:>8}")
        for name in names:
            print(f"    survived: {name}  (see: cd {WORK}/<module> && mutmut show {name})")
    return 1 if any(survived for _, survived, _ in report.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
