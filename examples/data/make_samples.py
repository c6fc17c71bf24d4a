#!/usr/bin/env python3
"""Write the sample deliveries bundled with the ``verify`` example, signed by
independent signers (the ``standardwebhooks`` and ``PyJWT`` PyPI packages, never
hookverify).

Outputs, all byte-exact and deterministic (fixed secret, ids, timestamps), except
for the RSA and P-256 keys of the dynamic sample, which are generated afresh on
every run (see below):

* ``examples/data/gemini_batch_succeeded.http`` -- ``webhook-*`` headers, LF line
  endings, no ``Content-Length`` (the body runs to the end of the file), compact
  JSON body in the style of a Gemini API batch-job notification (illustrative
  payload, not a captured one);
* ``examples/data/svix_batch_failed.http`` -- ``Svix-*`` headers (mixed case),
  CRLF line endings, ``Content-Length``, a pretty-printed JSON body holding LF
  newlines and non-ASCII UTF-8 (the body is signed exactly as sent);
* ``examples/data/gemini_dynamic.http`` -- a *dynamic* delivery: ``webhook-id``
  and ``webhook-timestamp`` headers, and a ``webhook-signature`` that is an RS256
  compact JWT (claims ``iss``, ``aud``, ``iat``, ``exp``, ``jti`` and
  ``body_sha256`` = base64url-nopad(SHA-256(body)), so the body is authenticated
  too), LF line endings, ``Content-Length``;
* ``examples/data/jwks.json`` -- the sender's JSON Web Key Set: the public JWK of
  the RSA-2048 key that signed the JWT (``kid`` ``sample-rs256-1``), plus a P-256
  public key (``kid`` ``sample-es256-1``) that signs nothing here;
* ``examples/data/samples.json`` -- the secret(s), the clock (``now``), the JWKS
  file name, the expected issuer and audience(s) and the body-hash claim name the
  example uses to verify the samples when run without a REQUEST;
* ``tests/data/cli/*.http`` -- failure fixtures for ``tests/cli.rs``, derived
  from the samples (tampered body, missing or malformed header, duplicate
  header, truncated body, a saved body without its request head).

Every HMAC signature is checked twice before anything is written: against an
independent ``hmac``/``hashlib`` recomputation over ``id.timestamp.body``, and
with ``standardwebhooks``' own ``verify`` under a frozen clock. The JWT is
verified with ``jwt.decode`` (PyJWT) against the public JWK read back from the
JWKS about to be written, with PyJWT's clock frozen at ``now`` and ``iss``,
``aud``, ``iat``, ``exp`` and ``jti`` required; its ``body_sha256`` claim is
compared with a fresh hash of the body; and it must fail to decode at ``exp``
and under another, freshly generated RSA key, which shows the checks are in
effect.

Keys: the RSA-2048 (e = 65537) and P-256 private keys are generated with
``cryptography`` on every run and never written anywhere; only their public JWKs
reach ``jwks.json``. Regenerating therefore changes ``jwks.json`` and the JWT's
signature in ``gemini_dynamic.http`` (RSASSA-PKCS1-v1_5 itself is deterministic);
everything else is byte-for-byte stable.

Usage (``standardwebhooks==1.1.0``, see tests/interop/requirements.txt;
``PyJWT==2.15.1`` and ``cryptography==50.0.2``, see
tests/interop/requirements-jwt.txt)::

    python3 -m venv /tmp/cli-venv
    /tmp/cli-venv/bin/pip install standardwebhooks==1.1.0 PyJWT==2.15.1 cryptography==50.0.2
    /tmp/cli-venv/bin/python examples/data/make_samples.py
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import jwt
import jwt.api_jwt
import standardwebhooks.webhooks as sw
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLI_FIXTURES = ROOT / "tests" / "data" / "cli"

# 32 fixed key bytes: SHA-256 of a fixed label, so anyone can re-derive them.
KEY = hashlib.sha256(b"hookverify example secret").digest()
SECRET = "whsec_" + base64.b64encode(KEY).decode("ascii")

# The clock the samples are verified at: a little after both deliveries were sent.
NOW = 1_780_000_150

GEMINI_ID = "msg_2yXqA7hK9pLmN3bV8cD1eF4gH6j"
GEMINI_TS = 1_780_000_000
GEMINI_BODY = (
    '{"type":"batch.succeeded","created_time":"2026-05-28T20:26:40Z",'
    '"data":{"name":"batches/f3k9q2m7x1p4","display_name":"nightly-eval",'
    '"state":"JOB_STATE_SUCCEEDED","batch_stats":{"request_count":"1000",'
    '"successful_request_count":"1000","failed_request_count":"0"},'
    '"output":{"responses_file":"files/batch-f3k9q2m7x1p4-output"}}}'
).encode("utf-8")

SVIX_ID = "msg_7ZkPq0Rt4sUv9wXy2AbCdEfGhIj"
SVIX_TS = 1_780_000_120
SVIX_BODY = (
    "{\n"
    '  "type": "batch.failed",\n'
    '  "created_time": "2026-05-28T20:28:40Z",\n'
    '  "data": {\n'
    '    "name": "batches/w8n2c5v0b3z6",\n'
    '    "display_name": "résumé-triage",\n'
    '    "state": "JOB_STATE_FAILED",\n'
    '    "error": {"code": 8, "message": "Quota exceeded — retry later"}\n'
    "  }\n"
    "}\n"
).encode("utf-8")

# The dynamic (JWT-signed) delivery: sent between the other two, valid for five minutes.
DYNAMIC_ID = "msg_4uYvW1xZ3aB5cD7eF9gH0iJ2kLm"
DYNAMIC_TS = 1_780_000_060
DYNAMIC_EXP = DYNAMIC_TS + 300
DYNAMIC_JTI = "evt_9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk"
DYNAMIC_PATH = "/webhooks/gemini"
DYNAMIC_HOST = "hooks.example.com"
ISSUER = "https://generativelanguage.googleapis.com"
AUDIENCE = f"https://{DYNAMIC_HOST}{DYNAMIC_PATH}"
BODY_HASH_CLAIM = "body_sha256"
RSA_KID = "sample-rs256-1"
EC_KID = "sample-es256-1"
JWKS_FILE = "jwks.json"
DYNAMIC_BODY = (
    '{"type":"batch.succeeded","created_time":"2026-05-28T20:27:40Z",'
    '"data":{"name":"batches/h2r8t5w1y7k0","display_name":"weekly-summaries",'
    '"state":"JOB_STATE_SUCCEEDED","batch_stats":{"request_count":"250",'
    '"successful_request_count":"250","failed_request_count":"0"},'
    '"output":{"responses_file":"files/batch-h2r8t5w1y7k0-output"}}}'
).encode("utf-8")


def sign(msg_id: str, timestamp: int, body: bytes) -> str:
    """The signature header value, from the independent signer."""
    when = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    header = sw.Webhook(SECRET).sign(msg_id=msg_id, timestamp=when, data=body.decode("utf-8"))
    # Cross-check 1: plain HMAC-SHA256 over id.timestamp.body with the decoded key.
    mac = hmac.new(KEY, f"{msg_id}.{timestamp}.".encode("ascii") + body, hashlib.sha256)
    expected = "v1," + base64.b64encode(mac.digest()).decode("ascii")
    if header != expected:
        raise SystemExit(f"signer disagrees with hmac recomputation for {msg_id}")
    return header


@contextlib.contextmanager
def frozen_clock(unix_seconds: int, module: Any = sw) -> Iterator[None]:
    """Make `module` (standardwebhooks' tolerance check, or PyJWT's ``jwt.api_jwt``,
    which reads ``datetime.now(tz=timezone.utc)``) see `unix_seconds` as now."""
    frozen = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - mirrors datetime.now
            return frozen if tz is None else frozen.astimezone(tz)

    saved = module.datetime
    module.datetime = FrozenDatetime
    try:
        yield
    finally:
        module.datetime = saved


def check(msg_id: str, timestamp: int, signature: str, body: bytes) -> None:
    """Cross-check 2: standardwebhooks' own verify accepts it at NOW, and rejects a
    one-byte change of the body."""
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }
    wh = sw.Webhook(SECRET)
    with frozen_clock(NOW):
        wh.verify(body, headers, json_parse=False)
        try:
            wh.verify(body + b" ", headers, json_parse=False)
        except sw.WebhookVerificationError:
            pass
        else:
            raise SystemExit(f"tampered body of {msg_id} verified")


def b64url(data: bytes) -> str:
    """base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(private: Any, kid: str) -> dict[str, Any]:
    """The public JWK of `private` as PyJWT exports it, with ``kid``, ``use`` and ``alg``
    (PyJWT's ``key_ops`` is dropped: ``use`` says the same)."""
    if isinstance(private, rsa.RSAPrivateKey):
        exported = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        alg = "RS256"
    else:
        exported = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        alg = "ES256"
    exported.pop("key_ops", None)
    if any(member in exported for member in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise SystemExit(f"the JWK of {kid} holds private members")
    return {"kty": exported["kty"], "kid": kid, "use": "sig", "alg": alg, **{
        name: value for name, value in exported.items() if name != "kty"
    }}


def mint_jwt(signing_key: rsa.RSAPrivateKey, jwks: dict[str, Any]) -> str:
    """The RS256 token of the dynamic delivery, checked with PyJWT before it is used."""
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": DYNAMIC_TS,
        "exp": DYNAMIC_EXP,
        "jti": DYNAMIC_JTI,
        BODY_HASH_CLAIM: b64url(hashlib.sha256(DYNAMIC_BODY).digest()),
    }
    token = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": RSA_KID})
    if NOW not in range(DYNAMIC_TS, DYNAMIC_EXP):
        raise SystemExit("the bundled clock is outside [iat, exp) of the dynamic sample")

    # Look the key up by kid in the JWKS being written, as a receiver would.
    kid = jwt.get_unverified_header(token)["kid"]
    by_kid = {jwk["kid"]: jwt.PyJWK(jwk) for jwk in jwks["keys"]}
    options = {"require": ["iss", "aud", "iat", "exp", "jti"]}

    def decode(at: int, key: Any) -> dict[str, Any]:
        with frozen_clock(at, jwt.api_jwt):
            return jwt.decode(
                token, key, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER,
                options=options, leeway=0,
            )

    decoded = decode(NOW, by_kid[kid])
    if decoded != claims:
        raise SystemExit(f"PyJWT decoded other claims: {decoded}")
    if decoded[BODY_HASH_CLAIM] != b64url(hashlib.sha256(DYNAMIC_BODY).digest()):
        raise SystemExit("the body-hash claim does not match the body")
    # The checks are in effect: expired at exp, and no other key verifies it.
    try:
        decode(DYNAMIC_EXP, by_kid[kid])
    except jwt.ExpiredSignatureError:
        pass
    else:
        raise SystemExit("PyJWT accepted the token at exp: is the clock frozen?")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    try:
        decode(NOW, stranger.public_key())
    except jwt.InvalidSignatureError:
        pass
    else:
        raise SystemExit("PyJWT accepted the token under another RSA key")
    return token


def request(
    headers: list[tuple[str, str]], body: bytes, eol: bytes, path: str = "/webhooks/gemini"
) -> bytes:
    """An HTTP/1.1 request: request line, headers, empty line, body."""
    lines = [f"POST {path} HTTP/1.1".encode("ascii")]
    lines += [f"{name}: {value}".encode("ascii") for name, value in headers]
    return eol.join(lines) + eol + eol + body


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")


def main() -> None:
    gemini_sig = sign(GEMINI_ID, GEMINI_TS, GEMINI_BODY)
    svix_sig = sign(SVIX_ID, SVIX_TS, SVIX_BODY)
    check(GEMINI_ID, GEMINI_TS, gemini_sig, GEMINI_BODY)
    check(SVIX_ID, SVIX_TS, svix_sig, SVIX_BODY)

    gemini_headers = [
        ("Host", "hooks.example.com"),
        ("User-Agent", "Google-Webhooks"),
        ("Content-Type", "application/json"),
        ("webhook-id", GEMINI_ID),
        ("webhook-timestamp", str(GEMINI_TS)),
        ("webhook-signature", gemini_sig),
    ]
    svix_headers = [
        ("Host", "hooks.example.com"),
        ("User-Agent", "Svix-Webhooks/1.0"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(SVIX_BODY))),
        ("Svix-Id", SVIX_ID),
        ("Svix-Timestamp", str(SVIX_TS)),
        ("Svix-Signature", svix_sig),
    ]
    write(HERE / "gemini_batch_succeeded.http", request(gemini_headers, GEMINI_BODY, b"\n"))
    write(
        HERE / "svix_batch_failed.http",
        request(svix_headers, SVIX_BODY, b"\r\n", "/webhooks/svix"),
    )
    # The dynamic delivery. Fresh keys on every run; the private keys stay in memory.
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_key = ec.generate_private_key(ec.SECP256R1())
    jwks = {"keys": [public_jwk(signing_key, RSA_KID), public_jwk(other_key, EC_KID)]}
    token = mint_jwt(signing_key, jwks)
    dynamic_headers = [
        ("Host", DYNAMIC_HOST),
        ("User-Agent", "Google-Webhooks"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(DYNAMIC_BODY))),
        ("webhook-id", DYNAMIC_ID),
        ("webhook-timestamp", str(DYNAMIC_TS)),
        ("webhook-signature", token),
    ]
    write(HERE / "gemini_dynamic.http", request(dynamic_headers, DYNAMIC_BODY, b"\n"))
    write(HERE / JWKS_FILE, (json.dumps(jwks, indent=2) + "\n").encode("utf-8"))

    samples = {
        "description": "Secret(s), JWKS, clock and JWT policy for verifying the *.http "
        "samples in this directory; written by make_samples.py. Test material only: never "
        "use this secret or these keys for real.",
        "secrets": [SECRET],
        "now": NOW,
        "jwks": JWKS_FILE,
        "issuer": ISSUER,
        "audiences": [AUDIENCE],
        "body_hash_claim": BODY_HASH_CLAIM,
    }
    write(HERE / "samples.json", (json.dumps(samples, indent=2) + "\n").encode("utf-8"))

    # Failure fixtures for tests/cli.rs, each one change away from a sample.
    tampered = GEMINI_BODY.replace(b'"failed_request_count":"0"', b'"failed_request_count":"1"')
    assert tampered != GEMINI_BODY
    write(
        CLI_FIXTURES / "tampered_body.http",
        request(gemini_headers, tampered, b"\n"),
    )
    write(
        CLI_FIXTURES / "missing_signature.http",
        request([h for h in gemini_headers if h[0] != "webhook-signature"], GEMINI_BODY, b"\n"),
    )
    write(
        CLI_FIXTURES / "invalid_timestamp.http",
        request(
            [
                (n, f"{GEMINI_TS}.0" if n == "webhook-timestamp" else v)
                for n, v in gemini_headers
            ],
            GEMINI_BODY,
            b"\n",
        ),
    )
    write(
        CLI_FIXTURES / "duplicate_signature.http",
        request(svix_headers + [("svix-signature", svix_sig)], SVIX_BODY, b"\r\n", "/webhooks/svix"),
    )
    # Content-Length promises ten bytes more than the file holds.
    write(
        CLI_FIXTURES / "truncated_body.http",
        request(
            [
                (n, str(len(SVIX_BODY) + 10) if n == "Content-Length" else v)
                for n, v in svix_headers
            ],
            SVIX_BODY,
            b"\r\n",
            "/webhooks/svix",
        ),
    )
    # A common mistake: saving only the body, without the request line and headers.
    write(CLI_FIXTURES / "body_only.http", GEMINI_BODY)


if __name__ == "__main__":
    main()
