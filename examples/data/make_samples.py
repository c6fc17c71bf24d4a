#!/usr/bin/env python3
"""Write the sample deliveries bundled with the ``verify`` example, signed by an
independent signer (the ``standardwebhooks`` PyPI package, never hookverify).

Outputs, all byte-exact and deterministic (fixed secret, ids, timestamps):

* ``examples/data/gemini_batch_succeeded.http`` -- ``webhook-*`` headers, LF line
  endings, no ``Content-Length`` (the body runs to the end of the file), compact
  JSON body in the style of a Gemini API batch-job notification (illustrative
  payload, not a captured one);
* ``examples/data/svix_batch_failed.http`` -- ``Svix-*`` headers (mixed case),
  CRLF line endings, ``Content-Length``, a pretty-printed JSON body holding LF
  newlines and non-ASCII UTF-8 (the body is signed exactly as sent);
* ``examples/data/samples.json`` -- the secret(s) and the clock (``now``) the
  example uses to verify the samples when run without a REQUEST;
* ``tests/data/cli/*.http`` -- failure fixtures for ``tests/cli.rs``, derived
  from the samples (tampered body, missing or malformed header, duplicate
  header, truncated body, a saved body without its request head).

Every signature is checked twice before anything is written: against an
independent ``hmac``/``hashlib`` recomputation over ``id.timestamp.body``, and
with ``standardwebhooks``' own ``verify`` under a frozen clock.

Usage (``standardwebhooks==1.1.0``, see tests/interop/requirements.txt)::

    python3 examples/data/make_samples.py
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import standardwebhooks.webhooks as sw

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
def frozen_clock(unix_seconds: int) -> Iterator[None]:
    """Make standardwebhooks' tolerance check see `unix_seconds` as now."""
    frozen = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - mirrors datetime.now
            return frozen if tz is None else frozen.astimezone(tz)

    saved = sw.datetime
    sw.datetime = FrozenDatetime
    try:
        yield
    finally:
        sw.datetime = saved


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
    samples = {
        "description": "Secret(s) and clock for verifying the *.http samples in this directory; "
        "written by make_samples.py. Test material only: never use this secret for real.",
        "secrets": [SECRET],
        "now": NOW,
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
