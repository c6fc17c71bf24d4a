#!/usr/bin/env python3
"""Write the sample deliveries bundled with the ``verify`` example, signed by
independent signers (the ``standardwebhooks``, ``cryptography`` and ``PyJWT``
PyPI packages, never hookverify).

Outputs, all byte-exact and deterministic (fixed secret, key seeds, ids,
timestamps; Ed25519 and HMAC signatures are deterministic), so regenerating
rewrites every file with the same bytes:

* ``examples/data/gemini_batch_succeeded.http`` -- ``webhook-*`` headers, LF line
  endings, no ``Content-Length`` (the body runs to the end of the file), compact
  JSON body in the style of a Gemini API batch-job notification (illustrative
  payload, not a captured one); a ``v1`` (HMAC-SHA256) signature;
* ``examples/data/svix_batch_failed.http`` -- ``Svix-*`` headers (mixed case),
  CRLF line endings, ``Content-Length``, a pretty-printed JSON body holding LF
  newlines and non-ASCII UTF-8 (the body is signed exactly as sent); ``v1``;
* ``examples/data/gemini_dynamic_v1a.http`` -- a Gemini-shaped *dynamic*
  delivery signed with Standard Webhooks ``v1a``: ``webhook-id: msg_<uuid>``,
  ``webhook-timestamp``, ``webhook-signature: v1a,<base64>`` (Ed25519 over
  ``id.timestamp.body``, by the second Ed25519 key of the JWKS; no key id travels
  with the signature), LF line endings, ``Content-Length``;
* ``examples/data/gemini_dynamic.http`` -- a *dynamic* delivery whose
  ``webhook-signature`` is an EdDSA compact JWT (header ``kid`` of the third
  Ed25519 key of the JWKS; claims ``iss``, ``aud``, ``iat``, ``exp``, ``jti`` and
  ``body_sha256`` = base64url-nopad(SHA-256(body)), so the body is authenticated
  too), LF line endings, ``Content-Length``;
* ``examples/data/jwks.json`` -- the sender's JSON Web Key Set, Gemini-shaped:
  three OKP/Ed25519 public keys with random-looking kids, which verify ``v1a``
  entries and ``EdDSA`` tokens. No RSA or P-256 key: every key is usable in
  every build of the example (``ed25519`` is one of its required features, while
  ``rs256`` is opt-in and ``es256`` may be left out), so no run prints a refusal
  note;
* ``examples/data/samples.json`` -- the secret(s), the clock (``now``), the JWKS
  file name, the expected issuer and audience(s) and the body-hash claim name the
  example uses to verify the samples when run without a REQUEST;
* ``tests/data/cli/*.http`` -- failure fixtures for ``tests/cli.rs``, derived
  from the samples (tampered body, missing or malformed header, duplicate
  header, truncated body, a saved body without its request head), and
  ``mixed_v1_v1a.http``: the ``v1a`` sample with a ``v1`` entry (under the
  bundled secret) before its ``v1a`` entry, both valid.

Every HMAC signature is checked twice before anything is written: against an
independent ``hmac``/``hashlib`` recomputation over ``id.timestamp.body``, and
with ``standardwebhooks``' own ``verify`` under a frozen clock.

Every Ed25519 signature is made by one library and checked by the other: the
``v1a`` entry is signed by ``cryptography`` (OpenSSL) and must equal PyNaCl's
(libsodium) signature of the same content (Ed25519 is deterministic) and verify
with PyNaCl's ``VerifyKey`` built from the JWK's ``x``, but not under the other
two keys of the set, nor over a body changed by one byte. The JWT is signed by
PyJWT (``jwt.encode``, ``EdDSA``) and verified with ``jwt.decode`` against the
public JWK read back from the JWKS about to be written, with PyJWT's clock
frozen at ``now`` and ``iss``, ``aud``, ``iat``, ``exp`` and ``jti`` required;
its signature also verifies with PyNaCl over the token's signing input; its
``body_sha256`` claim is compared with a fresh hash of the body; and it must
fail to decode at ``exp`` and under the other Ed25519 keys of the set, which
shows the checks are in effect.

Keys: each Ed25519 private key is the 32-byte seed SHA-256(fixed label), and
its kid the first 40 hex digits of SHA-256(another fixed label). Anyone can
re-derive them: they are test material, published on purpose; only the public
JWKs reach ``jwks.json``.

Usage (``standardwebhooks==1.1.0``, see tests/interop/requirements.txt;
``PyJWT==2.15.1`` and ``cryptography==50.0.2``, see
tests/interop/requirements-jwt.txt; ``PyNaCl==1.6.2``, see
tests/interop/requirements-v1a.txt)::

    python3 -m venv /tmp/cli-venv
    /tmp/cli-venv/bin/pip install standardwebhooks==1.1.0 PyJWT==2.15.1 \\
        cryptography==50.0.2 PyNaCl==1.6.2
    /tmp/cli-venv/bin/python examples/data/make_samples.py
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import jwt
import jwt.api_jwt
import nacl.exceptions
import nacl.signing
import standardwebhooks.webhooks as sw
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLI_FIXTURES = ROOT / "tests" / "data" / "cli"

# 32 fixed key bytes: SHA-256 of a fixed label, so anyone can re-derive them.
KEY = hashlib.sha256(b"hookverify example secret").digest()
SECRET = "whsec_" + base64.b64encode(KEY).decode("ascii")

# The clock the samples are verified at: a little after every delivery was sent.
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
JWKS_FILE = "jwks.json"
DYNAMIC_BODY = (
    '{"type":"batch.succeeded","created_time":"2026-05-28T20:27:40Z",'
    '"data":{"name":"batches/h2r8t5w1y7k0","display_name":"weekly-summaries",'
    '"state":"JOB_STATE_SUCCEEDED","batch_stats":{"request_count":"250",'
    '"successful_request_count":"250","failed_request_count":"0"},'
    '"output":{"responses_file":"files/batch-h2r8t5w1y7k0-output"}}}'
).encode("utf-8")

# The dynamic v1a (Ed25519) delivery, Gemini-shaped: a msg_<uuid> id (a version 4 UUID
# made of fixed bytes, so it is stable), sent 60 s before the bundled clock.
V1A_ID = "msg_" + str(
    uuid.UUID(bytes=hashlib.sha256(b"hookverify example v1a id").digest()[:16], version=4)
)
V1A_TS = 1_780_000_090
V1A_BODY = (
    '{"type":"batch.succeeded","created_time":"2026-05-28T20:28:10Z",'
    '"data":{"name":"batches/p6d3s9g2j5l8","display_name":"hourly-digests",'
    '"state":"JOB_STATE_SUCCEEDED","batch_stats":{"request_count":"40",'
    '"successful_request_count":"39","failed_request_count":"1"},'
    '"output":{"responses_file":"files/batch-p6d3s9g2j5l8-output"}}}'
).encode("utf-8")

# The sender's Ed25519 keys (a Gemini JWKS holds three), and which of them signs what.
ED25519_KEYS = 3
V1A_SIGNER = 1  # the second key signs the v1a delivery
JWT_SIGNER = 2  # the third key signs the JWT


def derived(label: str) -> bytes:
    """32 bytes anyone can re-derive: SHA-256 of a fixed label."""
    return hashlib.sha256(label.encode("ascii")).digest()


def kid_of(label: str) -> str:
    """A random-looking but fixed kid: 40 hex digits, as many providers publish."""
    return derived(f"hookverify example kid {label}").hex()[:40]


class Ed25519Key:
    """One Ed25519 key of the sample JWKS, from a fixed seed, held by both libraries."""

    def __init__(self, index: int):
        seed = derived(f"hookverify example ed25519 key {index + 1}")
        self.kid = kid_of(f"ed25519 {index + 1}")
        self.private = Ed25519PrivateKey.from_private_bytes(seed)
        self.nacl = nacl.signing.SigningKey(seed)
        self.raw = self.private.public_key().public_bytes_raw()
        if bytes(self.nacl.verify_key) != self.raw:
            raise SystemExit("cryptography and PyNaCl derive different Ed25519 public keys")
        self.whpk = "whpk_" + base64.b64encode(self.raw).decode("ascii")


def sign(msg_id: str, timestamp: int, body: bytes) -> str:
    """The v1 signature header value, from the independent signer."""
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


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise SystemExit(f"non-canonical base64url: {text!r}")
    return data


def nacl_verifies(x: str, signature: bytes, content: bytes) -> bool:
    """PyNaCl's verdict on `signature` over `content` under the JWK member `x`."""
    try:
        nacl.signing.VerifyKey(b64url_decode(x)).verify(content, signature)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def okp_jwk(key: Ed25519Key) -> dict[str, Any]:
    """The public JWK of `key` as PyJWT exports it (RFC 8037), with ``kid``, ``use`` and
    ``alg``; its ``x`` must be the raw public key."""
    exported = OKPAlgorithm.to_jwk(key.private.public_key(), as_dict=True)
    if exported != {"kty": "OKP", "crv": "Ed25519", "x": b64url(key.raw)}:
        raise SystemExit(f"unexpected JWK for {key.kid}: {exported}")
    return {"kty": "OKP", "kid": key.kid, "use": "sig", "alg": "EdDSA", "crv": "Ed25519",
            "x": exported["x"]}


def sign_v1a(signer: Ed25519Key, jwks: dict[str, Any]) -> str:
    """The v1a entry of the dynamic v1a delivery: signed by ``cryptography``, checked with
    PyNaCl under the JWKS being written (only the signer's key verifies it, and not over a
    changed body)."""
    content = f"{V1A_ID}.{V1A_TS}.".encode("ascii") + V1A_BODY
    signature = signer.private.sign(content)
    if signer.nacl.sign(content).signature != signature:
        raise SystemExit("cryptography and PyNaCl sign the v1a content differently")
    okp = jwks["keys"]
    verdicts = [nacl_verifies(jwk["x"], signature, content) for jwk in okp]
    if verdicts != [jwk["kid"] == signer.kid for jwk in okp]:
        raise SystemExit(f"the v1a signature verifies under the wrong keys: {verdicts}")
    if any(nacl_verifies(jwk["x"], signature, content + b" ") for jwk in okp):
        raise SystemExit("the v1a signature verifies over a changed body")
    return "v1a," + base64.b64encode(signature).decode("ascii")


def mint_jwt(signer: Ed25519Key, jwks: dict[str, Any]) -> str:
    """The EdDSA token of the dynamic delivery, checked with PyJWT and PyNaCl before it is
    used."""
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": DYNAMIC_TS,
        "exp": DYNAMIC_EXP,
        "jti": DYNAMIC_JTI,
        BODY_HASH_CLAIM: b64url(hashlib.sha256(DYNAMIC_BODY).digest()),
    }
    token = jwt.encode(claims, signer.private, algorithm="EdDSA", headers={"kid": signer.kid})
    if NOW not in range(DYNAMIC_TS, DYNAMIC_EXP):
        raise SystemExit("the bundled clock is outside [iat, exp) of the dynamic sample")

    # Look the key up by kid in the JWKS being written, as a receiver would.
    header = jwt.get_unverified_header(token)
    if header != {"alg": "EdDSA", "kid": signer.kid, "typ": "JWT"}:
        raise SystemExit(f"unexpected JWT header {header}")
    by_kid = {jwk["kid"]: jwk for jwk in jwks["keys"]}
    options = {"require": ["iss", "aud", "iat", "exp", "jti"]}

    def decode(at: int, jwk: dict[str, Any]) -> dict[str, Any]:
        with frozen_clock(at, jwt.api_jwt):
            return jwt.decode(
                token, jwt.PyJWK(jwk), algorithms=["EdDSA"], audience=AUDIENCE,
                issuer=ISSUER, options=options, leeway=0,
            )

    decoded = decode(NOW, by_kid[header["kid"]])
    if decoded != claims:
        raise SystemExit(f"PyJWT decoded other claims: {decoded}")
    if decoded[BODY_HASH_CLAIM] != b64url(hashlib.sha256(DYNAMIC_BODY).digest()):
        raise SystemExit("the body-hash claim does not match the body")
    # A second library: libsodium verifies the signature over the signing input.
    signing_input, _, signature = token.rpartition(".")
    if not nacl_verifies(by_kid[signer.kid]["x"], b64url_decode(signature),
                         signing_input.encode("ascii")):
        raise SystemExit("PyNaCl refuses the JWT's signature")
    # The checks are in effect: expired at exp, and no other key verifies it.
    try:
        decode(DYNAMIC_EXP, by_kid[signer.kid])
    except jwt.ExpiredSignatureError:
        pass
    else:
        raise SystemExit("PyJWT accepted the token at exp: is the clock frozen?")
    for jwk in jwks["keys"]:
        if jwk["kid"] == signer.kid:
            continue
        try:
            decode(NOW, jwk)
        except jwt.InvalidSignatureError:
            pass
        else:
            raise SystemExit(f"PyJWT accepted the token under the key {jwk['kid']}")
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

    # The sender's key set: three Ed25519 keys.
    ed25519 = [Ed25519Key(index) for index in range(ED25519_KEYS)]
    if len({key.kid for key in ed25519}) != ED25519_KEYS:
        raise SystemExit("two Ed25519 keys share a kid")
    jwks = {"keys": [okp_jwk(key) for key in ed25519]}
    # Read back as it will be written, so the checks below see exactly the file's keys.
    jwks_text = json.dumps(jwks, indent=2) + "\n"
    jwks = json.loads(jwks_text)

    # The dynamic JWT-signed delivery.
    token = mint_jwt(ed25519[JWT_SIGNER], jwks)
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

    # The dynamic v1a delivery.
    v1a_sig = sign_v1a(ed25519[V1A_SIGNER], jwks)

    def v1a_headers(signature: str) -> list[tuple[str, str]]:
        return [
            ("Host", DYNAMIC_HOST),
            ("User-Agent", "Google-Webhooks"),
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(V1A_BODY))),
            ("webhook-id", V1A_ID),
            ("webhook-timestamp", str(V1A_TS)),
            ("webhook-signature", signature),
        ]

    write(HERE / "gemini_dynamic_v1a.http", request(v1a_headers(v1a_sig), V1A_BODY, b"\n"))
    write(HERE / JWKS_FILE, jwks_text.encode("utf-8"))

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
    # The v1a delivery signed twice, as a sender in the middle of a migration would: a v1
    # entry under the bundled secret, then the v1a entry. standardwebhooks checks the v1
    # entry of the whole header (it skips the v1a entry).
    mixed = f"{sign(V1A_ID, V1A_TS, V1A_BODY)} {v1a_sig}"
    check(V1A_ID, V1A_TS, mixed, V1A_BODY)
    write(CLI_FIXTURES / "mixed_v1_v1a.http", request(v1a_headers(mixed), V1A_BODY, b"\n"))


if __name__ == "__main__":
    main()
