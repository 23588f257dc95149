"""Authentication: Supabase access tokens verified into a :class:`Principal`.

The HTTP layer passes every ``Authorization`` value of a request to :func:`bearer_token`, then the
token to ``get_verifier().verify(token)``. Importing this package is cheap: PyJWT, cryptography and
urllib are loaded on the first verification.
"""

from docflow.auth.bearer import MAX_TOKEN_LENGTH, bearer_token
from docflow.auth.jwks import JwksCache, VerificationKey
from docflow.auth.principal import PLATFORM_ADMIN_CLAIM, Principal
from docflow.auth.tokens import mint_token
from docflow.auth.verifier import TokenVerifier, get_verifier, reset_verifier

__all__ = [
    "MAX_TOKEN_LENGTH",
    "PLATFORM_ADMIN_CLAIM",
    "JwksCache",
    "Principal",
    "TokenVerifier",
    "VerificationKey",
    "bearer_token",
    "get_verifier",
    "mint_token",
    "reset_verifier",
]
