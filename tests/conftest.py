"""Test session set-up: a test environment, and a real PostgreSQL started for the session.

The environment is fixed before any ``docflow`` module reads its settings. The database is started
only when a test asks for it (``postgres`` fixture, usually through ``db``-marked tests), in a
folder of its own under ``.local/test`` and on a free port, so it never touches the dev stack.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

from docflow_local.environment import LocalPorts, apply_local_environment  # noqa: E402
from docflow_local.postgres import EmbeddedPostgres, free_port  # noqa: E402

_PORTS = LocalPorts(api=0, postgres=free_port(), s3=free_port())
for _name in (
    "ENVIRONMENT",
    "DATABASE_URL",
    "JWT_SECRET",
    "SUPABASE_URL",
    "SUPABASE_AUTH_ENABLED",
    "SUPABASE_AUTH_URL",
    "SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_ROLE_KEY",
    "S3_ENDPOINT_URL",
    "STRIPE_API_BASE",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "RESEND_BASE_URL",
    "RESEND_API_KEY",
    "RESEND_WEBHOOK_SECRET",
    "SENTRY_DSN",
    "CORS_ORIGINS",
    "ALLOWED_ORIGIN_REGEX",
    "MAX_REQUEST_BODY_BYTES",
    "NOTION_BASE_URL",
    "LINEAR_API_URL",
    "NOTION_QUEUE_URL",
    "LINEAR_QUEUE_URL",
    "INTEGRATIONS_KMS_KEY_ID",
):
    os.environ.pop(_name, None)
os.environ["POWERTOOLS_SERVICE_NAME"] = "tests"
os.environ["EMAIL_RATE_PER_SECOND"] = "1000"  # the fake Resend's limit in tests; one suite sets Resend's 5
os.environ["CORS_ORIGINS"] = '["https://app.docflow.test"]'
# Notion's and Linear's limits in tests: generous, fast backoff (suites that need the real ones set them).
os.environ["NOTION_RATE_PER_SECOND"] = "1000"
os.environ["LINEAR_RATE_PER_SECOND"] = "1000"
os.environ["INTEGRATIONS_BACKOFF_BASE_SECONDS"] = "0.01"
os.environ["INTEGRATIONS_TIMEOUT_SECONDS"] = "1"
apply_local_environment(_PORTS, environment="test")


def _remove_stale_test_clusters(folder: Path) -> None:
    """Stop and delete clusters left behind by test sessions that were killed (their pid is gone)."""
    for data_dir in folder.glob("pg-*"):
        try:
            pid = int(data_dir.name.removeprefix("pg-"))
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            EmbeddedPostgres(data_dir=data_dir, port=0).stop(quiet=True)
            shutil.rmtree(data_dir, ignore_errors=True)
        except PermissionError:
            continue


@pytest.fixture(scope="session")
def postgres() -> Iterator[EmbeddedPostgres]:
    """A migrated PostgreSQL for the session; ``DATABASE_URL`` already points at it."""
    from docflow.db import close_pool
    from docflow.db.migrate import migrate
    from docflow_local.environment import LOCAL_APP_PASSWORD
    from docflow_local.postgres import bootstrap_runtime_role

    _remove_stale_test_clusters(ROOT / ".local" / "test")
    data_dir = ROOT / ".local" / "test" / f"pg-{os.getpid()}"
    server = EmbeddedPostgres(data_dir=data_dir, port=_PORTS.postgres)
    server.start()
    try:
        migrate(server.superuser_url, ROOT / "migrations")
        bootstrap_runtime_role(server.superuser_url, password=LOCAL_APP_PASSWORD)
        yield server
    finally:
        close_pool()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def superuser_url(postgres: EmbeddedPostgres) -> str:
    """Owner connection for arranging and inspecting data behind the API's back."""
    return postgres.superuser_url


@pytest.fixture(scope="session")
def demo(superuser_url: str) -> object:
    """The demo tenants and users of the local stack, seeded once. In tests they are on the Accountant
    plan, so suites working in them are not held by the free plan's limits (the limits themselves are
    tested on throw-away tenants)."""
    import psycopg

    from docflow.billing.plans import Plan, price_id
    from docflow_local.seed import seed_demo

    data = seed_demo(superuser_url)
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            """
            insert into public.billing_subscriptions (tenant_id, status, price_id, synced_at)
            select id, 'active', %s, now() from unnest(%s::uuid[]) as id
            on conflict (tenant_id) do nothing
            """,
            (price_id(Plan.ACCOUNTANT), sorted({user.tenant_id for user in data.users})),
        )
    return data


@pytest.fixture(scope="session")
def supabase_auth(superuser_url: str) -> Iterator[object]:
    """The local fake of Supabase Auth (invitations write to the test database), at ``SUPABASE_AUTH_URL``."""
    from docflow.config import get_settings, reset_settings
    from docflow_local.fake_supabase import FakeSupabaseAuth

    settings = get_settings()
    with FakeSupabaseAuth(
        jwt_secret=settings.require("jwt_secret"),
        issuer=settings.jwt_issuer,
        service_role_key=settings.require("supabase_service_role_key"),
        anon_key=settings.require("supabase_anon_key"),
        database_url=superuser_url,
    ) as fake:
        os.environ["SUPABASE_AUTH_URL"] = fake.url
        reset_settings()
        try:
            yield fake
        finally:
            os.environ.pop("SUPABASE_AUTH_URL", None)
            reset_settings()


@pytest.fixture(scope="session")
def stripe_fake() -> Iterator[object]:
    """The local fake of Stripe at ``STRIPE_API_BASE`` (events are delivered by the tests themselves)."""
    from docflow.billing.stripe_api import reset_stripe
    from docflow.config import get_settings, reset_settings
    from docflow_local.fake_stripe import FakeStripe

    settings = get_settings()
    with FakeStripe(
        api_key=settings.require("stripe_secret_key"),
        webhook_secret=settings.require("stripe_webhook_secret"),
    ) as fake:
        os.environ["STRIPE_API_BASE"] = fake.url
        reset_settings()
        reset_stripe()
        try:
            yield fake
        finally:
            os.environ.pop("STRIPE_API_BASE", None)
            reset_settings()
            reset_stripe()


@pytest.fixture(scope="session")
def openai_fake() -> Iterator[object]:
    """The local fake of the model API at ``OPENAI_BASE_URL`` (deterministic rules, scriptable)."""
    from docflow.ai.client import reset_client
    from docflow.config import get_settings, reset_settings
    from docflow_local.fake_openai import FakeOpenAI

    with FakeOpenAI(api_key=get_settings().require("openai_api_key"), retry_after_seconds=0.01) as fake:
        os.environ["OPENAI_BASE_URL"] = fake.url
        reset_settings()
        reset_client()
        try:
            yield fake
        finally:
            os.environ.pop("OPENAI_BASE_URL", None)
            reset_settings()
            reset_client()


@pytest.fixture(scope="session")
def resend_fake() -> Iterator[object]:
    """The local fake of Resend at ``RESEND_BASE_URL`` (a generous rate limit: tests that need the
    real one set ``rate_per_second``)."""
    from docflow.config import get_settings, reset_settings
    from docflow_local.fake_resend import FakeResend

    settings = get_settings()
    with FakeResend(
        api_key=settings.require("resend_api_key"),
        webhook_secret=settings.require("resend_webhook_secret"),
        rate_per_second=1000,
    ) as fake:
        os.environ["RESEND_BASE_URL"] = fake.url
        reset_settings()
        try:
            yield fake
        finally:
            os.environ.pop("RESEND_BASE_URL", None)
            reset_settings()


@pytest.fixture(scope="session")
def integrations_kms() -> str:
    """The KMS key integration secrets are sealed with (moto's, on the session's local S3 server)."""
    from tests.support.integrations import ensure_integrations_kms

    return ensure_integrations_kms()


@pytest.fixture(scope="session")
def notion_fake() -> Iterator[object]:
    """The local fake of Notion at ``NOTION_BASE_URL`` (a generous rate limit: the suites that need
    Notion's 3 requests per second set ``rate_per_second``)."""
    from docflow.config import reset_settings
    from docflow_local.fake_notion import FakeNotion

    with FakeNotion(rate_per_second=1000) as fake:
        fake.slow_seconds = 2.0
        os.environ["NOTION_BASE_URL"] = fake.url
        reset_settings()
        try:
            yield fake
        finally:
            os.environ.pop("NOTION_BASE_URL", None)
            reset_settings()


@pytest.fixture(scope="session")
def linear_fake() -> Iterator[object]:
    """The local fake of Linear's GraphQL API at ``LINEAR_API_URL``."""
    from docflow.config import reset_settings
    from docflow_local.fake_linear import FakeLinear

    with FakeLinear(requests_per_second=1000) as fake:
        fake.slow_seconds = 2.0
        os.environ["LINEAR_API_URL"] = fake.url
        reset_settings()
        try:
            yield fake
        finally:
            os.environ.pop("LINEAR_API_URL", None)
            reset_settings()


@pytest.fixture(autouse=True)
def _supabase_auth_beside_the_database(request: pytest.FixtureRequest) -> None:
    """Tests that use the database also get Supabase Auth, Stripe, the model API and Resend (fakes), as
    a deployed function does."""
    if "postgres" in request.fixturenames:
        request.getfixturevalue("supabase_auth")
        request.getfixturevalue("stripe_fake")
        request.getfixturevalue("openai_fake")
        request.getfixturevalue("resend_fake")
        request.getfixturevalue("integrations_kms")
        request.getfixturevalue("notion_fake")
        request.getfixturevalue("linear_fake")


@pytest.fixture
def token_for() -> Callable[..., str]:
    """Mint a local access token for a user id (and email)."""
    from docflow.auth import mint_token
    from docflow.config import get_settings

    def mint(user_id: uuid.UUID | str, email: str | None = None, **kwargs: object) -> str:
        settings = get_settings()
        return mint_token(
            secret=settings.require("jwt_secret"),
            issuer=settings.jwt_issuer,
            user_id=user_id,
            email=email,
            **kwargs,  # type: ignore[arg-type]
        )

    return mint


#: Test modules that run a real OCR engine (Tesseract or tesserocr), besides tests using the engine
#: through the ``counted_scan`` fixture.
_OCR_MODULES = frozenset({"test_ocr_tesseract.py", "test_ocr_tesserocr.py", "test_receipt_flow.py"})
#: Suites that take more than a few seconds: the local stack end to end and the fuzzers.
_SLOW_MODULES = frozenset({"test_receipt_flow.py", "test_schemathesis.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what each test needs, from what it uses: ``db`` (the session's PostgreSQL), ``ocr`` (a real
    engine) and ``slow``, so ``-m "not db"`` and friends select reliably."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "postgres" in fixtures:
            item.add_marker(pytest.mark.db)
        if item.path.name in _OCR_MODULES or "counted_scan" in fixtures:
            item.add_marker(pytest.mark.ocr)
        if item.path.name in _SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
