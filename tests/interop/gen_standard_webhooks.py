#!/usr/bin/env python3
"""Generate Standard Webhooks interop vectors signed by third-party signers.

Every delivery is signed by one of two PyPI packages, alternating:

* ``standardwebhooks`` -- ``standardwebhooks.webhooks.Webhook(secret).sign(
  msg_id: str, timestamp: datetime, data: str) -> str``
* ``svix`` -- ``svix.webhooks.Webhook(secret).sign(msg_id: str,
  timestamp: datetime, data: str) -> str``

Both return the ``webhook-signature`` header value ``"v1,<base64 HMAC>"``,
where the MAC is HMAC-SHA256 keyed with the base64-decoded secret over
``f"{msg_id}.{timestamp}.{data}".encode("utf-8")`` and ``timestamp`` is the
whole number of seconds since the Unix epoch of the datetime passed in.

Each delivery is then checked three ways, and the script aborts on any
disagreement:

1. an independent recomputation with ``hmac``/``hashlib`` over
   ``id.timestamp.body`` must give the same header entry;
2. the *other* package's ``verify`` must accept the delivery (with its clock
   frozen at the delivery's timestamp, since both packages reject timestamps
   more than five minutes away from "now");
3. the other package's ``verify`` must reject the same delivery with one byte
   appended to the body (shows the frozen clock is not what makes it pass).

Usage (see requirements.txt next to this file for the pinned versions)::

    pip install -r tests/interop/requirements.txt
    python3 tests/interop/gen_standard_webhooks.py [--seed N] [--count N] \\
        > tests/data/interop_standard_webhooks.json
    python3 tests/interop/gen_standard_webhooks.py --out tests/data/interop_standard_webhooks.json

Output is deterministic for a given seed, count and package versions.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import math
import platform
import random
import string
import sys
from datetime import datetime, timezone
from importlib.metadata import version as dist_version
from typing import Callable, Iterator

import standardwebhooks.webhooks as std_webhooks
import svix.webhooks as svix_webhooks

DEFAULT_SEED = 20261122
DEFAULT_COUNT = 240
SCRIPT_PATH = "tests/interop/gen_standard_webhooks.py"

SECRET_PREFIX = "whsec_"
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64
BARE_SECRET_RATE = 0.10  # share of secrets given without the "whsec_" prefix
ID_ALPHABET = string.ascii_letters + string.digits + "_-"  # never '.'
ID_MAX_SUFFIX = 40
TS_MIN, TS_MAX = 1_000_000_000, 4_000_000_000
BODY_MAX_BYTES = 65536
FORCED_EMPTY = 3  # deliveries whose body is exactly 0 bytes
FORCED_MAX = 3  # deliveries whose body is exactly BODY_MAX_BYTES bytes
DECOY_RATE = 0.15

# Non-ASCII material for bodies: 2-, 3- and 4-byte UTF-8 sequences, a
# multi-code-point emoji and invisible spaces.  Characters that Python's
# str.splitlines() treats as line breaks (U+0085, U+2028, ...) are left out
# so the one-delivery-per-line output stays one delivery per line.
NON_ASCII = [
    "é", "ü", "ß", "ñ", "ø", "£", "€", "→", "∑", "Ω", "中文", "日本語",
    "😀", "🚀", "👍🏽", "𝄞", "\u00a0", "\u200b",
]
WORDS = ["id", "type", "event", "data", "amount", "currency", "user", "name",
         "created_at", "items", "status", "ok", "message", "url", "tags"]


# --------------------------------------------------------------------------
# Random content
# --------------------------------------------------------------------------

def random_secret(rng: random.Random) -> str:
    """A secret of 24..64 random bytes as (optionally "whsec_"-prefixed)
    standard, padded base64."""
    raw = rng.randbytes(rng.randint(SECRET_MIN_BYTES, SECRET_MAX_BYTES))
    encoded = base64.b64encode(raw).decode("ascii")
    bare = rng.random() < BARE_SECRET_RATE
    return encoded if bare else SECRET_PREFIX + encoded


def random_id(rng: random.Random) -> str:
    length = rng.randint(1, ID_MAX_SUFFIX)
    return "msg_" + "".join(rng.choice(ID_ALPHABET) for _ in range(length))


def body_sizes(rng: random.Random, count: int) -> list[int]:
    """UTF-8 byte lengths for all bodies: a few forced 0 and maximum sizes,
    the rest log-uniform on [1, BODY_MAX_BYTES], in shuffled order."""
    forced_empty = min(FORCED_EMPTY, count)
    forced_max = min(FORCED_MAX, count - forced_empty)
    sizes = [0] * forced_empty + [BODY_MAX_BYTES] * forced_max
    log_top = math.log(BODY_MAX_BYTES + 1)
    while len(sizes) < count:
        size = int(math.exp(rng.uniform(0.0, log_top)))
        sizes.append(min(max(size, 1), BODY_MAX_BYTES))
    rng.shuffle(sizes)
    return sizes


def json_scalar(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return str(rng.randint(-10**6, 10**9))
    if roll < 0.35:
        return rng.choice(["true", "false", "null", "3.14", "-0.5e-7"])
    # A quoted string, sometimes with JSON escapes or non-ASCII text inside.
    inner = [rng.choice(WORDS)]
    for _ in range(rng.randint(0, 3)):
        inner.append(rng.choice([r"\"", "\\\\", r"\n", r"\u00e9", " ",
                                 rng.choice(NON_ASCII), rng.choice(WORDS)]))
    return '"' + "".join(inner) + '"'


def fragment(rng: random.Random) -> str:
    """One short piece of body text: mostly JSON-looking ASCII, with raw
    newlines, quotes, backslashes and non-ASCII text mixed in."""
    roll = rng.random()
    if roll < 0.45:
        return f'"{rng.choice(WORDS)}": {json_scalar(rng)}, '
    if roll < 0.55:
        return rng.choice(["{", "}", "[", "]", ", ", "{}", "[]", ": "])
    if roll < 0.65:
        return rng.choice(["\n", "\r\n", "\n  ", "\t", "\n\n"])
    if roll < 0.72:
        return rng.choice(['"', "\\", '\\"', "\\\\", "'", "\\n"])
    if roll < 0.90:
        return "".join(rng.choice(NON_ASCII) for _ in range(rng.randint(1, 4)))
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))) + " "


def random_body(rng: random.Random, size: int) -> str:
    """Random text whose UTF-8 encoding is exactly `size` bytes long."""
    parts: list[str] = []
    remaining = size
    while remaining > 0:
        frag = fragment(rng)
        frag_len = len(frag.encode("utf-8"))
        if frag_len <= remaining:
            parts.append(frag)
            remaining -= frag_len
            continue
        # Too long for what is left: keep the whole characters that fit, then
        # pad with ASCII letters if a multi-byte character did not.
        for ch in frag:
            ch_len = len(ch.encode("utf-8"))
            if ch_len > remaining:
                break
            parts.append(ch)
            remaining -= ch_len
        parts.append("".join(rng.choice(string.ascii_letters) for _ in range(remaining)))
        remaining = 0
    body = "".join(parts)
    assert len(body.encode("utf-8")) == size
    return body


def random_token(rng: random.Random, length: int) -> str:
    """Base64-alphabet noise for decoy entries (no ',' or ' ')."""
    alphabet = string.ascii_letters + string.digits + "+/"
    return "".join(rng.choice(alphabet) for _ in range(length))


def add_decoys(rng: random.Random, real: str) -> str:
    """Surround the real header entry with one or two decoy entries, joined
    by single spaces, the real entry at a random position."""
    decoys = []
    for _ in range(rng.randint(1, 2)):
        kind = rng.choice(["v1", "v2", "v1a"])
        if kind == "v1":
            # Well-formed v1 entry with a wrong 32-byte MAC.
            decoys.append("v1," + base64.b64encode(rng.randbytes(32)).decode("ascii"))
        else:
            decoys.append(f"{kind}," + random_token(rng, rng.randint(8, 88)))
    if real in decoys:
        raise SystemExit("decoy collided with the real signature")
    decoys.insert(rng.randint(0, len(decoys)), real)
    return " ".join(decoys)


# --------------------------------------------------------------------------
# Independent checks
# --------------------------------------------------------------------------

def independent_signature(secret: str, msg_id: str, timestamp: str, body: str) -> str:
    """HMAC-SHA256 signature computed without either package."""
    encoded = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
    key = base64.b64decode(encoded, validate=True)
    mac = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode("utf-8"), hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode("ascii")


@contextlib.contextmanager
def frozen_clock(unix_seconds: int) -> Iterator[None]:
    """Make both packages' timestamp-tolerance check see `unix_seconds` as
    "now" by swapping the `datetime` class their webhook modules use."""
    frozen_now = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return frozen_now.astimezone(tz) if tz else frozen_now.replace(tzinfo=None)

    modules = [std_webhooks, svix_webhooks]
    saved = [module.datetime for module in modules]
    try:
        for module in modules:
            module.datetime = FrozenDatetime
        yield
    finally:
        for module, original in zip(modules, saved):
            module.datetime = original


def verify_with_standardwebhooks(secret: str, msg_id: str, ts: str, body: str, sig: str) -> None:
    headers = {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": sig}
    std_webhooks.Webhook(secret).verify(body, headers, json_parse=False)


def verify_with_svix(secret: str, msg_id: str, ts: str, body: str, sig: str) -> None:
    headers = {"svix-id": msg_id, "svix-timestamp": ts, "svix-signature": sig}
    try:
        svix_webhooks.Webhook(secret).verify(body, headers)
    except json.JSONDecodeError:
        # svix 1.x json-parses the body after a signature matched; our bodies
        # need not be JSON, so this error means "verified".  (2.x does not
        # parse.)  A mismatch raises WebhookVerificationError before this.
        pass


# Errors the packages raise for a rejected delivery.
REJECTED = (std_webhooks.WebhookVerificationError, svix_webhooks.WebhookVerificationError)

SIGNERS: dict[str, Callable[[str], object]] = {
    "standardwebhooks": std_webhooks.Webhook,
    "svix": svix_webhooks.Webhook,
}
CROSS_VERIFIERS = {
    "standardwebhooks": verify_with_svix,
    "svix": verify_with_standardwebhooks,
}


def check_delivery(d: dict) -> None:
    """Abort unless every check agrees with the recorded delivery."""
    secret, msg_id, ts, body, header = (
        d["secret"], d["id"], d["timestamp"], d["body"], d["signature"])
    expected = independent_signature(secret, msg_id, ts, body)
    if expected not in header.split(" "):
        raise SystemExit(f"{msg_id}: {d['signer']} signature disagrees with hmac/hashlib")
    verify = CROSS_VERIFIERS[d["signer"]]
    with frozen_clock(int(ts)):
        verify(secret, msg_id, ts, body, header)
        try:
            verify(secret, msg_id, ts, body + "x", header)
        except REJECTED:
            pass
        else:
            raise SystemExit(f"{msg_id}: tampered body was accepted")


# --------------------------------------------------------------------------
# Generation and output
# --------------------------------------------------------------------------

def make_deliveries(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    sizes = body_sizes(rng, count)
    deliveries = []
    for index, size in enumerate(sizes):
        signer = "standardwebhooks" if index % 2 == 0 else "svix"
        secret = random_secret(rng)
        msg_id = random_id(rng)
        unix_seconds = rng.randint(TS_MIN, TS_MAX)
        body = random_body(rng, size)
        # The packages take an aware datetime and sign floor(its epoch seconds).
        when = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)
        real = SIGNERS[signer](secret).sign(msg_id, when, body)
        decoys = rng.random() < DECOY_RATE
        delivery = {
            "signer": signer,
            "secret": secret,
            "id": msg_id,
            "timestamp": str(unix_seconds),
            "body": body,
            "signature": add_decoys(rng, real) if decoys else real,
            "decoys": decoys,
        }
        check_delivery(delivery)
        deliveries.append(delivery)
    return deliveries


def render(seed: int, count: int, deliveries: list[dict]) -> str:
    """JSON text with one delivery per line, for readable diffs."""
    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    about = (
        "Standard Webhooks (HMAC-SHA256, v1) interop vectors. Each delivery is "
        "signed by the PyPI package named in 'signer' via "
        "Webhook(secret).sign(id, datetime, body); the signed bytes are "
        "id + '.' + timestamp + '.' + UTF-8(body). 'signature' is the whole "
        "webhook-signature header value; with decoys=true it also holds 1-2 "
        "decoy entries (v1 with a wrong MAC, v2, v1a) separated by single "
        "spaces. Every delivery was cross-checked with the other package's "
        "verify and an independent hmac/hashlib recomputation. Generated by "
        f"{SCRIPT_PATH} --seed {seed} --count {count} "
        "(pip install -r tests/interop/requirements.txt)."
    )
    packages = {
        "standardwebhooks": dist_version("standardwebhooks"),
        "svix": dist_version("svix"),
        "python": platform.python_version(),
    }
    lines = [
        "{" + f'"about": {dumps(about)},',
        f' "packages": {dumps(packages)},',
        f' "seed": {seed},',
        ' "deliveries": [',
    ]
    for index, delivery in enumerate(deliveries):
        lines.append("  " + dumps(delivery) + ("," if index + 1 < len(deliveries) else ""))
    lines.append(" ]}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--out", help="write here instead of standard output")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")

    if getattr(svix_webhooks, "StdWh", None) is std_webhooks.Webhook:
        print("warning: this svix wraps standardwebhooks, so it is not an independent "
              "signer; install tests/interop/requirements.txt", file=sys.stderr)

    deliveries = make_deliveries(args.seed, args.count)
    text = render(args.seed, args.count, deliveries)
    json.loads(text)  # the hand-assembled layout must still be valid JSON

    data = text.encode("utf-8")
    if args.out:
        with open(args.out, "wb") as out:
            out.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    by_signer = {name: sum(d["signer"] == name for d in deliveries) for name in SIGNERS}
    print(
        f"{len(deliveries)} deliveries ({by_signer}), "
        f"{sum(d['decoys'] for d in deliveries)} with decoys, "
        f"{sum(d['body'] == '' for d in deliveries)} empty bodies, "
        f"{sum(len(d['body'].encode()) == BODY_MAX_BYTES for d in deliveries)} of "
        f"{BODY_MAX_BYTES} bytes, {sum(not d['secret'].startswith(SECRET_PREFIX) for d in deliveries)} "
        f"bare secrets, {len(data)} bytes of JSON",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
