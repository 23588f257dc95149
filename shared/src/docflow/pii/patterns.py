"""Precompiled candidate patterns, one per entity kind; validators in :mod:`.validators` confirm them.

Patterns are a little wider than the entities (a trailing group too many, a separator style mixed)
and leave the final word to the checksum and prefix validators: recall on the validated kinds comes
from the patterns, precision from the checks.

Speed: a pattern that starts with a character class lets ``re`` skip ahead to the characters that can
start a match, so boundary lookbehinds come after the first character (``[0-3](?<![\\w+-].)`` reads
"the character before this digit is not a word character"). A digit group is a whole run of
digits (``[0-9]+(?![0-9])``): a run splits into groups in one way only, which keeps matching linear
on long runs of numbers. A repeated group followed by more pattern is made maximal with a lookahead
(``(?:G)*(?!G)``: no further group may follow), as an atomic group would. The patterns use neither
possessive quantifiers nor atomic groups: Python 3.11.2 (Debian 12's python3) matches some of them
wrongly. Header and ``key=value`` credentials are found from their keyword (a plain substring
search) and the ``*_TAIL`` pattern matched right after it.
"""

from __future__ import annotations

import re

#: Typed markers, also matched so that scrubbing already-scrubbed text changes nothing.
MARKERS: tuple[str, ...] = ("EMAIL", "PHONE", "HETU", "IBAN", "CARD", "JWT", "SECRET", "REDACTED")
_NOT_A_MARKER = r"(?!\[(?:" + "|".join(MARKERS) + r")\])"

#: PEM private key blocks, whole (an unterminated block runs to the end of the text).
PEM_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)",
    re.DOTALL,
)

#: JSON Web Tokens (JWS: three segments, JWE: five). A JSON header always encodes to ``eyJ``.
JWT = re.compile(
    r"eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*"
    r"(?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?"
)

#: API keys and tokens recognised by their issuer's prefix, matched where a prefix of
#: :data:`SECRET_TOKEN_PREFIXES` is found; the scrubber checks the character before.
SECRET_TOKEN = re.compile(
    r"(?:"
    r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"  # Stripe secret, restricted, publishable
    r"|whsec_[A-Za-z0-9+/=]{16,}"  # Stripe and Svix webhook signing secrets
    r"|re_[A-Za-z0-9]{4,}_[A-Za-z0-9]{12,}|re_[A-Za-z0-9]{24,}"  # Resend
    r"|sb_(?:secret|publishable)_[A-Za-z0-9_-]{12,}"  # Supabase
    r"|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])"  # AWS key ids
    r"|lin_(?:api|oauth|wh)_[A-Za-z0-9]{20,}"  # Linear
    r"|ntn_[A-Za-z0-9]{20,}|secret_[A-Za-z0-9]{32,}"  # Notion
    r"|sk-(?:proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"  # GitHub
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|sntr[ysu]_[A-Za-z0-9+/=_-]{20,}"  # Sentry auth tokens
    r"|npm_[A-Za-z0-9]{36}"  # npm
    r")"
)

#: Literal starts of :data:`SECRET_TOKEN` (a substring search for each is faster than the alternation).
SECRET_TOKEN_PREFIXES: tuple[str, ...] = (
    *(f"{kind}_{mode}_" for kind in ("sk", "rk", "pk") for mode in ("live", "test")),
    "whsec_",
    "re_",
    "sb_secret_",
    "sb_publishable_",
    *("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "ABIA", "ACCA"),
    *("lin_api_", "lin_oauth_", "lin_wh_"),
    "ntn_",
    "secret_",
    "sk-",
    *("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "xox",
    "AIza",
    "sntr",
    "npm_",
)

#: After ``://``: the password of credentials in a URL, ``user:PASSWORD@host``.
URL_PASSWORD_TAIL = re.compile(r"[^\s/:@]*:(?P<value>[^\s/@]+)(?=@)")

#: After ``stripe.com/``: the session token of a customer-portal or checkout URL.
STRIPE_SESSION_URL_TAIL = re.compile(r"(?:p/session|c/pay)/(?P<value>[A-Za-z0-9_%#=-]{8,2048})")

#: An email's local part, matched on the text before the ``@`` reversed (so it runs back from the ``@``).
EMAIL_LOCAL_PART = re.compile(r"[\w.%+-]+")
#: After an ``@``: an email's domain (internationalised letters allowed).
EMAIL_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")

#: Phone numbers in international form (``+`` or ``00358``) with optional ``(0)`` and separators.
PHONE_INTERNATIONAL = re.compile(
    r"(?:\+|00(?=358))[1-9][0-9]*(?![0-9])(?:[ .-]?\(0\))?"
    r"(?:[ .-]?\(?[0-9]+(?![0-9])\)?(?!,[0-9]))*"
)

#: Finnish (and Swedish) national numbers: ``040 123 4567``, ``0401234567``, ``(09) 123 4567``.
#: Groups after the first have two or more digits (``0123456-7`` is a Y-tunnus); the scrubber rejects
#: runs that continue a number (``4 05993 23742``, a reference number) or sit inside a word or UUID.
_PHONE_NATIONAL_GROUP = r"[ -][0-9]{2,}(?![0-9])(?!,[0-9])"
PHONE_NATIONAL = re.compile(
    r"(?:\(0[1-9][0-9]*\)|0[1-9][0-9]*(?![0-9]))"
    rf"(?:{_PHONE_NATIONAL_GROUP})*(?!{_PHONE_NATIONAL_GROUP})"
    r"(?![\w-]|[.,/][0-9])"
)
#: What may not come just before a national phone number.
PHONE_NATIONAL_NOT_AFTER = re.compile(r"(?:[\w+./-]|[0-9] )\Z")

#: Henkilötunnus: ``DDMMYY`` + century sign + ``ZZZ`` + check character.
HETU = re.compile(r"[0-3](?<![\w+-].)[0-9][01][0-9]{3}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y](?![\w-])")

#: IBAN: country, check digits, then groups of four (spaced or compact) and a short last group.
IBAN = re.compile(
    r"[A-Za-z](?<![A-Za-z0-9].)[A-Za-z][0-9]{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)

#: Card numbers: runs of digit groups separated by a space, dash or dot; validators pick 14-19 digits.
CARD = re.compile(r"[2-6](?<![\w.,-].)[0-9]*(?![0-9])(?:[ .-][0-9]+(?![0-9])(?!,[0-9]))*")

#: Keywords (lower case) of ``Authorization`` / ``Proxy-Authorization`` headers.
AUTH_HEADER_KEYWORDS: tuple[str, ...] = ("authorization",)
#: After the keyword: the credential, its scheme (``Bearer``, ``Basic``, ...) kept.
AUTH_HEADER_TAIL = re.compile(
    r"\\?[\"']?\s*[:=]\s*\\?[\"']?(?:(?i:bearer|basic|token|digest|negotiate|apikey)\s+)?"
    + _NOT_A_MARKER
    + r"(?P<value>[^\s\"'\\,;]{1,4096})"
)

#: ``Bearer <token>`` anywhere in text (logged headers without their name, error messages).
BEARER_KEYWORDS: tuple[str, ...] = ("bearer",)
BEARER_TAIL = re.compile(r"[ \t]+" + _NOT_A_MARKER + r"(?P<value>[A-Za-z0-9._~+/=-]{8,4096})")

#: Keywords (lower case) of headers whose whole value is a credential: cookies, webhook signatures.
WHOLE_VALUE_HEADER_KEYWORDS: tuple[str, ...] = ("cookie", "-signature", "x-api-key")
#: After the keyword: the value up to the end of the line or the closing quote.
WHOLE_VALUE_HEADER_TAIL = re.compile(
    r"(?:s|-256)?\\?[\"']?\s*[:=]\s*\\?[\"']?" + _NOT_A_MARKER + r"(?P<value>[^\s\"'\\][^\r\n\"'\\]{0,8191})"
)

#: Keywords (lower case) of ``key=value`` / ``"key": "value"`` credentials (English, Finnish, Swedish).
SECRET_ASSIGNMENT_KEYWORDS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "salasana",
    "lösenord",
    "secret",
    "token",
    "api_key",
    "api-key",
    "apikey",
    "private_key",
    "private-key",
    "credential",
    "credentials",
    "signature",
    "session_id",
    "session-id",
    "sessionid",
)
#: After the keyword: the value, quoted (to the closing quote) or bare (to a delimiter).
SECRET_ASSIGNMENT_TAIL = re.compile(
    r"\\?[\"']?\s*[:=]\s*"
    + _NOT_A_MARKER
    + r"(?:\\?\"(?P<dq>[^\"\r\n\\]{1,4096})\\?\"|'(?P<sq>[^'\r\n]{1,4096})'"
    + r"|(?P<bare>[^\s\"'\\&,;)}\]]{1,4096}))"
)
