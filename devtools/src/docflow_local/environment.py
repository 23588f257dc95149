"""The configuration of the local stack: fixed local ports, a local secret, local endpoints.

Values already in the environment win, so a developer can point any of them elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: HS256 secret of the local stack only; outside local/test such a value is refused at start-up.
LOCAL_JWT_SECRET = "local-docflow-jwt-secret-not-for-production-use"  # noqa: S105
LOCAL_APP_PASSWORD = "local-docflow-app"  # noqa: S105
LOCAL_SUPABASE_URL = "http://127.0.0.1:54321"
#: API keys of the local fake of Supabase Auth (docflow_local.fake_supabase).
LOCAL_SUPABASE_ANON_KEY = "local-supabase-anon-key"
LOCAL_SUPABASE_SERVICE_ROLE_KEY = "local-supabase-service-role-key"
#: Keys of the local fake of Stripe (docflow_local.fake_stripe).
LOCAL_STRIPE_SECRET_KEY = "sk_test_localdocflowfake"  # noqa: S105
LOCAL_STRIPE_WEBHOOK_SECRET = "whsec_localdocflowfakewebhooksecret"  # noqa: S105
#: Key of the local fake of the model API (docflow_local.fake_openai).
LOCAL_OPENAI_API_KEY = "sk-localdocflowfakemodel"
#: Keys of the local fake of Resend (docflow_local.fake_resend).
LOCAL_RESEND_API_KEY = "re_localdocflowfake"
LOCAL_RESEND_WEBHOOK_SECRET = "whsec_bG9jYWwtZG9jZmxvdy1mYWtlLXJlc2VuZC13ZWJob29r"  # noqa: S105


@dataclass(frozen=True, slots=True)
class LocalPorts:
    """Where the local services listen."""

    api: int
    postgres: int
    s3: int
    stripe: int = 54331
    openai: int = 54332
    resend: int = 54333
    notion: int = 54334
    linear: int = 54335


def repo_root() -> Path:
    """The repository folder (the one holding ``template.yaml``), from the working directory up."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "template.yaml").exists():
            return folder
    raise FileNotFoundError("run this from the DocFlow repository (no template.yaml found)")


def local_ports() -> LocalPorts:
    """Ports from ``PORT``, ``PG_PORT``, ``S3_PORT``, ``STRIPE_PORT``, ``OPENAI_PORT`` and
    ``RESEND_PORT``, with local defaults."""
    return LocalPorts(
        api=int(os.environ.get("PORT", "8000")),
        postgres=int(os.environ.get("PG_PORT", "54329")),
        s3=int(os.environ.get("S3_PORT", "54330")),
        stripe=int(os.environ.get("STRIPE_PORT", "54331")),
        openai=int(os.environ.get("OPENAI_PORT", "54332")),
        resend=int(os.environ.get("RESEND_PORT", "54333")),
        notion=int(os.environ.get("NOTION_PORT", "54334")),
        linear=int(os.environ.get("LINEAR_PORT", "54335")),
    )


def apply_local_environment(ports: LocalPorts, *, environment: str = "local") -> None:
    """Set the local defaults into ``os.environ`` (existing values are kept) and reset settings."""
    defaults = {
        "ENVIRONMENT": environment,
        "DATABASE_URL": f"postgresql://docflow_app:{LOCAL_APP_PASSWORD}@127.0.0.1:{ports.postgres}/docflow",
        "JWT_SECRET": LOCAL_JWT_SECRET,
        "SUPABASE_URL": LOCAL_SUPABASE_URL,
        "SUPABASE_AUTH_ENABLED": "false",
        "SUPABASE_ANON_KEY": LOCAL_SUPABASE_ANON_KEY,
        "SUPABASE_SERVICE_ROLE_KEY": LOCAL_SUPABASE_SERVICE_ROLE_KEY,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{ports.s3}",
        "STRIPE_API_BASE": f"http://127.0.0.1:{ports.stripe}",
        "STRIPE_SECRET_KEY": LOCAL_STRIPE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": LOCAL_STRIPE_WEBHOOK_SECRET,
        "STRIPE_MAX_NETWORK_RETRIES": "1",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{ports.openai}/v1",
        "OPENAI_API_KEY": LOCAL_OPENAI_API_KEY,
        "RESEND_BASE_URL": f"http://127.0.0.1:{ports.resend}",
        "RESEND_API_KEY": LOCAL_RESEND_API_KEY,
        "RESEND_WEBHOOK_SECRET": LOCAL_RESEND_WEBHOOK_SECRET,
        # The fakes of Notion and Linear (docflow_local.fake_notion, fake_linear); the integration
        # secrets are sealed with the local KMS key of the moto server (docflow_local.integrations).
        "NOTION_BASE_URL": f"http://127.0.0.1:{ports.notion}",
        "LINEAR_API_URL": f"http://127.0.0.1:{ports.linear}/graphql",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # moto accepts any credentials
        "AWS_DEFAULT_REGION": "eu-north-1",
        "CORS_ORIGINS": '["http://localhost:3000", "http://127.0.0.1:3000"]',
        "POWERTOOLS_METRICS_DISABLED": "true",
        "OMP_THREAD_LIMIT": "1",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    from docflow.config import reset_settings

    reset_settings()
