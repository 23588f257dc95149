"""``docflow dev``: PostgreSQL, local S3 and every route group on one uvicorn, until Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow_local.environment import LOCAL_APP_PASSWORD, LocalPorts, apply_local_environment
from docflow_local.postgres import EmbeddedPostgres, bootstrap_runtime_role
from docflow_local.seed import DemoData, seed_demo, seed_demo_receipts

if TYPE_CHECKING:
    import uvicorn

#: Comma-separated addresses of proxies whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` the local API
#: believes. Unset or empty: none, so the caller's address is the connection's, as API Gateway's
#: ``sourceIp`` is in AWS, and per-address rate limits cannot be dodged with a made-up header.
TRUSTED_PROXIES_VARIABLE = "LOCAL_TRUSTED_PROXIES"


def dev_postgres(root: Path, ports: LocalPorts) -> EmbeddedPostgres:
    """The local stack's cluster; its data lives in ``.local/dev`` (git-ignored) across runs."""
    return EmbeddedPostgres(data_dir=root / ".local" / "dev" / "postgres", port=ports.postgres)


def prepare_database(pg: EmbeddedPostgres, root: Path) -> DemoData:
    """Apply migrations, let the runtime role log in, seed the demo tenants and their receipts."""
    from docflow.db.migrate import migrate

    migrate(pg.superuser_url, root / "migrations")
    bootstrap_runtime_role(pg.superuser_url, password=LOCAL_APP_PASSWORD)
    demo = seed_demo(pg.superuser_url)
    seed_demo_receipts(pg.superuser_url)
    return demo


@contextlib.contextmanager
def local_s3(ports: LocalPorts) -> Iterator[Any]:
    """A moto S3 server with the versioned receipts bucket whose uploads trigger processing."""
    import logging

    from docflow.config import get_settings
    from docflow_local.s3_policy import PolicyCheckingMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access line per S3 request
    # moto with presigned POST policies enforced as S3 does (docflow_local.s3_policy)
    server = PolicyCheckingMotoServer(ip_address="127.0.0.1", port=ports.s3, verbose=False)
    server.start()
    try:
        import boto3

        settings = get_settings()
        s3 = boto3.client("s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.aws_region)
        s3.create_bucket(
            Bucket=settings.receipts_bucket,
            CreateBucketConfiguration={"LocationConstraint": settings.aws_region},  # type: ignore[typeddict-item]
        )
        bucket = settings.receipts_bucket
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        from docflow_local.environment import repo_root
        from docflow_local.s3_events import deliver_receipt_events

        with deliver_receipt_events(repo_root() / "template.yaml"):
            yield server
    finally:
        server.stop()


@contextlib.contextmanager
def local_supabase_auth(pg: EmbeddedPostgres) -> Iterator[Any]:
    """The fake of Supabase Auth on ``SUPABASE_URL`` when that is a local address, stopped on exit."""
    from urllib.parse import urlsplit

    from docflow.config import get_settings
    from docflow_local.fake_supabase import FakeSupabaseAuth

    settings = get_settings()
    parts = urlsplit(settings.supabase_url)
    if parts.hostname not in {"127.0.0.1", "localhost"} or settings.supabase_auth_url:
        yield None
        return
    fake = FakeSupabaseAuth(
        jwt_secret=settings.require("jwt_secret"),
        issuer=settings.jwt_issuer,
        service_role_key=settings.require("supabase_service_role_key"),
        anon_key=settings.require("supabase_anon_key"),
        database_url=pg.superuser_url,
        port=parts.port or 54321,
    )
    with fake:
        yield fake


@contextlib.contextmanager
def local_stripe(ports: LocalPorts) -> Iterator[Any]:
    """The fake of Stripe on ``STRIPE_API_BASE`` when that is a local address; its events go to the
    local webhook route."""
    from urllib.parse import urlsplit

    from docflow.config import get_settings
    from docflow_local.fake_stripe import FakeStripe

    settings = get_settings()
    parts = urlsplit(settings.stripe_api_base)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        yield None
        return
    fake = FakeStripe(
        api_key=settings.require("stripe_secret_key"),
        webhook_secret=settings.require("stripe_webhook_secret").split(",")[0],
        webhook_url=f"http://127.0.0.1:{ports.api}/api/v1/stripe/webhook",
        port=parts.port or ports.stripe,
    )
    with fake:
        yield fake


@contextlib.contextmanager
def local_openai(ports: LocalPorts) -> Iterator[Any]:
    """The fake of the model API on ``OPENAI_BASE_URL`` when that is a local address."""
    from urllib.parse import urlsplit

    from docflow.config import get_settings
    from docflow_local.fake_openai import FakeOpenAI

    settings = get_settings()
    parts = urlsplit(settings.openai_base_url)
    if parts.hostname not in {"127.0.0.1", "localhost"} or settings.openai_api_key is None:
        yield None
        return
    with FakeOpenAI(
        api_key=settings.openai_api_key.get_secret_value(), port=parts.port or ports.openai
    ) as fake:
        yield fake


@contextlib.contextmanager
def local_resend(ports: LocalPorts) -> Iterator[Any]:
    """The fake of Resend on ``RESEND_BASE_URL`` when that is a local address (at Resend's real rate
    limit, 5 requests per second)."""
    from urllib.parse import urlsplit

    from docflow.config import get_settings
    from docflow_local.fake_resend import FakeResend

    settings = get_settings()
    parts = urlsplit(settings.resend_base_url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        yield None
        return
    fake = FakeResend(
        api_key=settings.require("resend_api_key"),
        webhook_secret=settings.require("resend_webhook_secret").split(",")[0],
        port=parts.port or ports.resend,
    )
    with fake:
        yield fake


@contextlib.contextmanager
def local_smtp() -> Iterator[Any]:
    """The local stand-in for SES receiving on ``SMTP_PORT``: mail to a tenant's inbound address
    becomes receipts through the same S3 trigger as in AWS (docflow_local.smtp_inbound)."""
    from docflow.email.settings import get_email_settings
    from docflow_local.smtp_inbound import LocalSmtp, smtp_port

    with LocalSmtp(port=smtp_port(), domain=get_email_settings().email_inbound_domain) as smtp:
        yield smtp


def local_integrations(superuser_url: str, ports: LocalPorts) -> Any:
    """The fakes of Notion and Linear with the demo tenant connected (docflow_local.integrations)."""
    from docflow_local.integrations import local_integrations as integrations

    return integrations(superuser_url, ports.api, ports.notion, ports.linear)


def print_banner(ports: LocalPorts, demo: DemoData) -> None:
    """The URL and ready-to-use demo tokens."""
    from docflow.auth import mint_token
    from docflow.config import get_settings

    settings = get_settings()
    secret = settings.require("jwt_secret")
    lines = [
        "",
        f"DocFlow local stack: http://127.0.0.1:{ports.api}  (OpenAPI: http://127.0.0.1:{ports.api}/docs)",
        f"PostgreSQL 127.0.0.1:{ports.postgres}, S3 {settings.s3_endpoint_url}",
        f"Stripe (local fake): {settings.stripe_api_base}",
        f"Model API (local fake): {settings.openai_base_url}",
        f"Resend (local fake): {settings.resend_base_url}",
        f"Inbound SMTP (receipts by e-mail): 127.0.0.1:{os.environ.get('SMTP_PORT', '54336')}",
        f"Receipts bucket: {settings.receipts_bucket}",
        "Demo tokens (valid 12 h):",
    ]
    for user in demo.users:
        if user.role.value in {"owner", "viewer"}:
            token = mint_token(
                secret=secret,
                issuer=settings.jwt_issuer,
                user_id=user.user_id,
                email=user.email,
                expires_in=43200,
            )
            lines.append(f"  {user.role.value:<6} of {user.tenant_name:<13} {user.email}")
            lines.append(f"    {token}")
    lines += [
        "Try:",
        f"  curl -H 'Authorization: Bearer <token>' http://127.0.0.1:{ports.api}/api/auth/me",
        "More tokens: docflow token --email someone@example.com --tenant 'Demo Oy' --role member",
        f"Receipts: DOCFLOW_TOKEN=<token> docflow receipts upload FILE... --api http://127.0.0.1:{ports.api}",
        "Billing: POST /api/v1/stripe/checkout-session as an owner, then open the returned URL: the fake",
        "  Stripe completes the payment and sends its webhook events to /api/v1/stripe/webhook.",
        "AI: POST /api/v1/ai/receipts/<id>/second-reading reads a needs-review receipt again through the",
        "  fake model; the answer lists each field's source (engine, model, person).",
        "E-mail: GET /api/v1/email/inbound-address gives the tenant's address; mail an image or PDF",
        "  to it from a member's address through the inbound SMTP port: each attachment becomes a receipt.",
        f"Integrations: Demo Oy is connected to the fake Notion ({settings.notion_base_url}) and Linear",
        f"  ({settings.linear_api_url}); its clients become Notion pages, a failed receipt a Linear issue.",
        "  GET /api/v1/notion/sync and GET /api/v1/linear/issues show them; move the issue (webhook back):",
        f'  curl -X POST -d \'{{"name": "Done", "type": "completed"}}\' '
        f"http://127.0.0.1:{ports.linear}/_fake/issues/DOC-1/state",
        "Ctrl-C stops everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


def server_config(app: Any, port: int) -> uvicorn.Config:
    """How the local API is served: 127.0.0.1 only, forwarded headers ignored unless
    ``LOCAL_TRUSTED_PROXIES`` names the proxies to believe (uvicorn trusts 127.0.0.1 by default)."""
    import uvicorn

    trusted = ",".join(
        part.strip() for part in os.environ.get(TRUSTED_PROXIES_VARIABLE, "").split(",") if part.strip()
    )
    return uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )


def run_dev(root: Path, ports: LocalPorts) -> int:
    """Bring up the whole stack in the foreground; Ctrl-C stops all of it."""
    import uvicorn

    apply_local_environment(ports)
    pg = dev_postgres(root, ports)
    print(f"Starting PostgreSQL on 127.0.0.1:{ports.postgres} ...", file=sys.stderr, flush=True)
    pg.start()
    try:
        demo = prepare_database(pg, root)
        with (
            local_s3(ports),
            local_supabase_auth(pg),
            local_stripe(ports),
            local_openai(ports),
            local_resend(ports),
            local_smtp(),
            local_integrations(pg.superuser_url, ports),
        ):
            from docflow_local.gateway import LocalGateway

            gateway = LocalGateway(root / "template.yaml")
            print_banner(ports, demo)
            uvicorn.Server(server_config(gateway, ports.api)).run()
    finally:
        from docflow.db import close_pool

        close_pool()
        pg.stop()
        print("Local stack stopped.", file=sys.stderr)
    return 0
