"""The built OCR image, run as Lambda runs it (``make image-check``).

The image's root file system runs its own entry point (``python3 -m awslambdaric``) under buildah
(chroot isolation, the host's network: no container engine), fed by a local emulation of the Lambda
Runtime API (``tests.support.lambda_runtime_api``), with the session's PostgreSQL and local S3. Figures
(image size, init duration, seconds per receipt) go to ``.local/image/report.json``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from docflow_local.seed import DemoData
from docflow_local.template import load_template
from tests.support.lambda_runtime_api import LambdaRuntimeApi
from tests.support.ocr_corpus import pdf_flate_bomb, png_header_only
from tests.support.paths import REPO_ROOT as ROOT
from tests.support.receipt_pipeline import Uploaded, next_sequencer, s3_event
from tests.support.requirements import LOCK, normalize, pins

pytestmark = pytest.mark.db

IMAGE = os.environ.get("DOCFLOW_IMAGE", "localhost/docflow-ocr:local")
#: The image's unpacked size may not exceed this (Lambda allows 10 GB; a smaller image starts faster).
BUDGET_MB = int(os.environ.get("DOCFLOW_IMAGE_BUDGET_MB", "600"))
#: A cold start's init (interpreter, awslambdaric, the handler's imports) must stay under this.
INIT_BUDGET_SECONDS = 10.0
REPORT = ROOT / ".local" / "image" / "report.json"
BUILDAH = ["buildah", "--storage-driver", "overlay"]
#: Settings the function reads from its environment (the session's values: local database, S3, keys).
FORWARDED = re.compile(
    r"^(ENVIRONMENT|DATABASE_URL|JWT_.*|SUPABASE_.*|S3_ENDPOINT_URL|RECEIPTS_.*|AWS_ACCESS_KEY_ID|"
    r"AWS_SECRET_ACCESS_KEY|AWS_DEFAULT_REGION|CORS_ORIGINS|ALLOWED_ORIGIN_REGEX|POWERTOOLS_METRICS_DISABLED|"
    r"OCR_.*|RATE_LIMIT_KEY|SENTRY_DSN)$"
)
REPORT_FIGURES: dict[str, Any] = {}


def shared_data() -> Path:
    """``shared/data`` beside the checkout (or ``DOCFLOW_SHARED_DATA``): the real receipt scans."""
    if os.environ.get("DOCFLOW_SHARED_DATA"):
        return Path(os.environ["DOCFLOW_SHARED_DATA"])
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def real_receipts(count: int) -> list[Path]:
    """The first ``count`` German receipt scans (``receipts-de``)."""
    folder = shared_data() / "receipts-de"
    found = sorted(folder.glob("*.jpg"))[:count]
    assert len(found) == count, f"real receipt scans missing in {folder}"
    return found


def buildah(*args: str) -> str:
    """Run buildah; its output."""
    return subprocess.run([*BUILDAH, *args], check=True, capture_output=True, text=True).stdout.strip()


def function_environment() -> dict[str, str]:
    """The OCR function's plain environment values from the template (the rest are deploy-time)."""
    props = load_template(ROOT / "template.yaml")["Resources"]["OcrFunction"]["Properties"]
    variables = props.get("Environment", {}).get("Variables", {})
    return {name: value for name, value in variables.items() if isinstance(value, str)}


@pytest.fixture(scope="module")
def container() -> Iterator[tuple[str, Path]]:
    """A working container of the image and its mounted root file system."""
    name = buildah("from", "--pull-never", IMAGE)
    try:
        yield name, Path(buildah("mount", name))
    finally:
        subprocess.run([*BUILDAH, "rm", name], check=False, capture_output=True)


@pytest.fixture(scope="module")
def runtime(container: tuple[str, Path], s3_bucket: str) -> Iterator[LambdaRuntimeApi]:
    """The image's entry point under awslambdaric, polling the local Runtime API; init is timed."""
    name, _ = container
    config = json.loads(buildah("inspect", "--type", "container", name))["OCIv1"]["config"]
    command = [*config.get("Entrypoint", []), *config.get("Cmd", [])]
    assert command[:3] == ["/usr/bin/python3", "-m", "awslambdaric"], command
    api = LambdaRuntimeApi().start()
    env = {name: value for name, value in os.environ.items() if FORWARDED.match(name)}
    env |= function_environment()
    env |= {
        "AWS_LAMBDA_RUNTIME_API": api.address,
        "AWS_LAMBDA_FUNCTION_NAME": "docflow-local-ocr",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/docflow-local-ocr",
        "AWS_LAMBDA_LOG_STREAM_NAME": "local",
        "AWS_REGION": "eu-north-1",
        "RECEIPTS_BUCKET": s3_bucket,
    }
    flags = [flag for item in sorted(env.items()) for flag in ("--env", "=".join(item))]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    log = (REPORT.parent / "runtime.log").open("w")
    started = time.monotonic()
    process = subprocess.Popen(
        [*BUILDAH, "run", "--isolation", "chroot", "--network", "host", *flags, name, "--", *command],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        REPORT_FIGURES["init_seconds"] = round(api.wait_until_ready(timeout=60) - started, 2)
        yield api
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        api.stop()
        log.close()


def http_event(body: bytes, content_type: str, token: str | None) -> dict[str, Any]:
    """An API Gateway (HTTP API, payload 2.0) request for ``POST /api/v1/ocr``."""
    event: dict[str, Any] = json.loads((ROOT / "events" / "ocr" / "post-ocr-spoofed-type.json").read_text())
    event["headers"]["content-type"] = content_type
    if token is None:
        del event["headers"]["authorization"]
    else:
        event["headers"]["authorization"] = f"Bearer {token}"
    event["requestContext"]["requestId"] = uuid.uuid4().hex
    event["body"] = base64.b64encode(body).decode()
    return event


@pytest.fixture
def owner_token(demo: DemoData, token_for: Callable[..., str]) -> str:
    owner = next(user for user in demo.users if user.role.value == "owner")
    return token_for(owner.user_id, owner.email)


def test_the_image_holds_its_budget_and_only_locked_packages(container: tuple[str, Path]) -> None:
    _, root = container
    size = int(
        subprocess.run(["du", "-sb", str(root)], check=True, capture_output=True, text=True).stdout.split()[0]
    )
    REPORT_FIGURES["size_mb"] = round(size / 1e6)
    REPORT_FIGURES["budget_mb"] = BUDGET_MB
    assert size <= BUDGET_MB * 1_000_000, f"{size / 1e6:.0f} MB over the {BUDGET_MB} MB budget"
    lock = pins(LOCK)
    installed = {}
    for info in (root / "var" / "task").glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        installed[normalize(name)] = version
    assert {name: version for name, version in installed.items() if lock.get(name) != version} == {}
    assert not (root / "var" / "task" / "docflow_local").exists()
    assert (root / "usr/share/tesseract-ocr/5/tessdata/fin.traineddata").is_file()


def test_a_real_receipt_is_read_synchronously(
    runtime: LambdaRuntimeApi, owner_token: str, receipt_png: bytes
) -> None:
    outcome = runtime.invoke(http_event(receipt_png, "image/png", owner_token))
    assert outcome.kind == "response", outcome.body
    assert outcome.body["statusCode"] == 200, outcome.body
    body = json.loads(outcome.body["body"])
    assert body["receipt"]["total"] == "5.35"
    scans = real_receipts(3)
    seconds = []
    for scan in scans:
        outcome = runtime.invoke(http_event(scan.read_bytes(), "image/jpeg", owner_token))
        assert outcome.kind == "response", outcome.body
        assert outcome.body["statusCode"] == 200, outcome.body
        read = json.loads(outcome.body["body"])
        assert read["text"].strip()
        seconds.append(read["seconds"])
    REPORT_FIGURES["sync_seconds_per_real_receipt"] = round(sum(seconds) / len(seconds), 2)


def test_an_upload_goes_through_the_pipeline_to_a_processed_row(
    runtime: LambdaRuntimeApi, upload: Callable[..., Uploaded], receipt_png: bytes, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    event = s3_event(uploaded.key, sequencer=next_sequencer(), size=len(receipt_png))
    outcome = runtime.invoke(event)
    assert outcome.kind == "response", outcome.body
    assert [result["outcome"] for result in outcome.body["results"]] == ["processed"]
    row = db("select status, total, business_id from public.receipts where id = %s", uploaded.receipt_id)[0]
    assert (row["status"], str(row["total"]), row["business_id"]) == ("processed", "5.35", "1234567-1")


def test_a_bad_token_gets_401(runtime: LambdaRuntimeApi, receipt_png: bytes) -> None:
    for token in (None, "not-a-token", owner_forged()):
        outcome = runtime.invoke(http_event(receipt_png, "image/png", token))
        assert outcome.kind == "response"
        assert outcome.body["statusCode"] == 401, outcome.body
        assert json.loads(outcome.body["body"])["status"] == 401


def owner_forged() -> str:
    """A token signed with another key."""
    from docflow.auth import mint_token

    return mint_token(secret="another-secret-" + "x" * 32, issuer="docflow-local", user_id=uuid.uuid4())


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (lambda: png_header_only(100_000, 100_000), "image/png"),
        (lambda: pdf_flate_bomb(300 * 1024 * 1024), "application/pdf"),
    ],
    ids=["png-10-gigapixels", "pdf-flate-300mb"],
)
def test_a_decompression_bomb_is_refused_with_413(
    runtime: LambdaRuntimeApi, owner_token: str, data: Callable[[], bytes], content_type: str
) -> None:
    outcome = runtime.invoke(http_event(data(), content_type, owner_token))
    assert outcome.kind == "response", outcome.body
    assert outcome.body["statusCode"] == 413, outcome.body
    assert outcome.seconds < 10


def test_the_sample_events_get_their_expected_answers(runtime: LambdaRuntimeApi, owner_token: str) -> None:
    folder = ROOT / "events" / "ocr"
    expected: dict[str, int] = json.loads((folder / "expected.json").read_text())["statusCode"]
    for name, status in sorted(expected.items()):
        event = json.loads((folder / name).read_text().replace("${DOCFLOW_TOKEN}", owner_token))
        outcome = runtime.invoke(event)
        assert outcome.kind == "response", (name, outcome.body)
        assert outcome.body["statusCode"] == status, (name, outcome.body)
    for path in sorted((folder / "s3").glob("*.json")):
        outcome = runtime.invoke(json.loads(path.read_text()))
        assert outcome.kind == "response", (path.name, outcome.body)
        assert [result["outcome"] for result in outcome.body["results"]] == ["skipped"], outcome.body


def test_seconds_per_receipt_of_each_engine_inside_the_image(container: tuple[str, Path]) -> None:
    name, _ = container
    scans = real_receipts(5)
    folder = scans[0].parent
    command = [*BUILDAH, "run", "--isolation", "chroot", "--network", "host", "--env", "PYTHONPATH=/var/task"]
    command += ["-v", f"{folder}:/receipts:ro", "-v", f"{Path(__file__).parent}:/check:ro", name, "--"]
    command += ["python3", "/check/engine_timing.py", *(f"/receipts/{scan.name}" for scan in scans)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    REPORT_FIGURES["seconds_per_receipt"] = {"x86_64": timing, "receipts": len(scans)}
    assert set(timing) == {"tesserocr", "tesseract-cli"}


def test_zz_report(container: tuple[str, Path]) -> None:
    """Write the figures of this run (the last test of the module)."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(REPORT_FIGURES, indent=2) + "\n")
    print(json.dumps(REPORT_FIGURES))
    assert "size_mb" in REPORT_FIGURES
    if "init_seconds" in REPORT_FIGURES:
        assert REPORT_FIGURES["init_seconds"] < INIT_BUDGET_SECONDS
