#!/usr/bin/env python3
"""Generate Standard Webhooks v1a (Ed25519) interop vectors, Gemini-shaped.

Scheme (Standard Webhooks, asymmetric signatures): the signed content is
``f"{webhook_id}.{timestamp}.".encode() + body`` with the id and timestamp
exactly as sent in the headers (leading zeros of a timestamp included) and
the body as raw bytes (not necessarily UTF-8).  A ``webhook-signature`` header
holds space-separated entries; a v1a entry is ``"v1a," + base64(sig)`` (standard
alphabet, padded, 88 characters for the 64-byte Ed25519 signature), a v1 entry
is ``"v1," + base64(HMAC-SHA256(base64decode(secret without "whsec_"),
content))``.  Public keys are published as ``"whpk_" + base64(raw 32 bytes)``
and as RFC 8037 JWKs ``{"kty": "OKP", "crv": "Ed25519", "x": base64url(raw)}``
(unpadded) with a ``kid`` and sometimes ``use``/``alg``.

Gemini shape: each key set is a JWKS of three Ed25519 keys with random kids;
a delivery is signed by one of them, no key id travels with the signature, so
a verifier tries every key of the set.  Ids are mostly ``msg_<uuid4>``,
timestamps unix seconds around 1.78e9, bodies Gemini-event-like JSON
(``batch.succeeded`` ...) or generated binary bodies (see ``body_rule`` in the
output).  Headers: one v1a entry; or two v1a entries (the real one plus a
well-formed random 88-character entry or a signature by ``other_key``, which
is in no key set) in either order; or mixed v1/v1a headers with ``secret``
set, where the v1 entry is valid, invalid or absent (the real v1a entry is
always there, so every delivery is authentic via v1a and, when the v1 entry
is valid, via v1 too).

Signers, alternating by delivery:

* ``cryptography`` (OpenSSL backend) --
  ``Ed25519PrivateKey.from_private_bytes(seed32).sign(content)``
* ``PyNaCl`` (libsodium) -- ``nacl.signing.SigningKey(seed32).sign(content)
  .signature``

Private key seeds, ids, bodies, ... all come from ``random.Random(seed)`` and
Ed25519 signing is deterministic, so the output is byte-identical for a given
``--seed``, ``--count`` and package versions.

Every delivery carries mutations, each changing one thing, each to be refused
with "no-matching-signature" (the mutated delivery stays well-formed and
fresh at the verifier clock, which stays at the original timestamp): ``id``
(one character replaced), ``timestamp`` (+-1..100 s, same digit count),
``body`` (one bit flipped; one byte appended to an empty body; given as
``{"text"}`` when still UTF-8, else ``{"hex"}``, or for generated bodies over
256 bytes as the generated body plus ``"flip_bit"``),
``signature-bit`` (one bit flipped in every entry that verified, v1 included),
``other-key`` (the header becomes one v1a entry by ``other_key`` over the same
content), ``s-plus-l`` (S of the real signature replaced by S + L, v1 entries
dropped; other v1a entries kept).

Checks done on the JSON text as it will be written (after a json.loads round
trip), aborting on any disagreement:

1. the real v1a entry equals ``cryptography``'s and PyNaCl's signature of the
   content (Ed25519 is deterministic, so the other library's recomputation
   must give the same 64 bytes), and verifies with both
   ``Ed25519PublicKey.verify`` and ``nacl.signing.VerifyKey.verify``;
   every v1a entry of a delivery gets the same verdict from both libraries for
   every key of the set, and the delivery is accepted by "some entry verifies
   under some key of the set (or the v1 HMAC matches the secret)";
2. every mutation is refused by both libraries for every key of the set, every
   v1 entry of it fails an ``hmac`` recomputation, and ``standardwebhooks``
   ``Webhook(secret).verify(body, headers, json_parse=False)`` (clock frozen
   at the original timestamp) accepts deliveries whose v1 entry is meant to be
   valid and refuses those whose v1 entry is invalid or absent, and every
   mutation of a delivery with a secret.  Limitation: that package decodes the
   body as UTF-8 and signs ``str(int(float(timestamp)))``, so it is only
   asked about UTF-8 bodies (binary bodies with a secret are checked with
   ``hmac`` alone), and deliveries with zero-padded timestamps get no secret;
3. each key's JWK ``x`` and ``whpk_`` string decode (strictly, canonical
   base64) to the same 32 bytes, the raw public key of both libraries.

S + L: libsodium's ``crypto_sign_verify_detached`` refuses S >= L.  With
cryptography 50.0.2 (OpenSSL 4.0.3), ``Ed25519PublicKey.verify`` refuses
S + L as well (OpenSSL's ``ossl_ed25519_verify`` checks 0 <= S < L); the
script aborts if either library ever accepts such a signature, and checks
that the unmodified signature (S = (S + L) mod L) does verify, so the refusal
is due to the non-canonical S alone.

Usage (see requirements-v1a.txt next to this file for the pinned versions)::

    python3 -m venv /tmp/v1a-venv
    /tmp/v1a-venv/bin/pip install -r tests/interop/requirements-v1a.txt
    /tmp/v1a-venv/bin/python tests/interop/gen_v1a.py [--seed N] [--count N] \\
        --out tests/data/interop_v1a.json
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import math
import platform
import random
import string
import struct
import sys
import uuid
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import version as dist_version
from typing import Any, Iterator

import nacl.exceptions
import nacl.signing
import standardwebhooks.webhooks as std_webhooks
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

DEFAULT_SEED = 20261122
DEFAULT_COUNT = 320
SCRIPT_PATH = "tests/interop/gen_v1a.py"

L = 2**252 + 27742317777372353535851937790883648493
SIGNERS = ["cryptography", "pynacl"]
KEY_SET_NAMES = ["gemini-a", "gemini-b", "gemini-c", "gemini-d", "gemini-e"]
KEYS_PER_SET = 3
KID_ALPHABET = string.ascii_letters + string.digits + "-_"
# Visible ASCII except '.', for ids.
ID_ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != ".")
MUTATION_KINDS = ["id", "timestamp", "body", "signature-bit", "other-key", "s-plus-l"]
EXPECT = "no-matching-signature"

TS_MIN, TS_MAX = 1_777_000_000, 1_783_000_000
ZERO_PADDED_TS = 6  # deliveries with a zero-padded timestamp
FORCED_SEED_LENS = [0, 1, 63, 64, 65, 1024, 65536]  # each once per signer
FORCED_ID_LENS = [1, 2, 255, 256]
BODY_MAX = 65536
SEED_BODY_RATE = 0.45
HEX_MUTATION_MAX = 256  # seeded bodies up to this length get {"hex"} mutations

BODY_RULE = (
    'A body is {"text": s} = the UTF-8 bytes of s, {"hex": h} = the bytes '
    'written in hex h, or {"seed": h, "len": n} = the first n bytes of '
    "SHA-256(S || uint32_be(0)) || SHA-256(S || uint32_be(1)) || "
    "SHA-256(S || uint32_be(2)) || ... where S is the 8 bytes written in hex h, "
    'and when it also has "flip_bit": k, bit k of that (byte k // 8, mask '
    "1 << (k % 8), bit 0 = least significant) is flipped."
)


# --------------------------------------------------------------------------
# Encoding helpers


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_strict(text: str) -> bytes:
    data = base64.b64decode(text, validate=True)
    if b64(data) != text:
        raise ValueError(f"non-canonical base64: {text!r}")
    return data


def b64u_strict(text: str) -> bytes:
    if "=" in text or len(text) % 4 == 1:
        raise ValueError(f"bad base64url: {text!r}")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64u(data) != text:
        raise ValueError(f"non-canonical base64url: {text!r}")
    return data


def die(msg: str) -> None:
    raise SystemExit(f"gen_v1a: {msg}")


# --------------------------------------------------------------------------
# Bodies


def seeded_body(seed_hex: str, length: int) -> bytes:
    """First `length` bytes of SHA-256(seed || be32(0)) || SHA-256(seed ||
    be32(1)) || ... (the generated-body rule in BODY_RULE)."""
    seed = bytes.fromhex(seed_hex)
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + struct.pack(">I", counter)).digest()
        counter += 1
    return bytes(out[:length])


def flip_bit(data: bytes, k: int) -> bytes:
    out = bytearray(data)
    out[k // 8] ^= 1 << (k % 8)
    return bytes(out)


def body_bytes(spec: dict) -> bytes:
    """Decode a body spec (any form BODY_RULE describes)."""
    keys = set(spec)
    if keys == {"text"}:
        return spec["text"].encode("utf-8")
    if keys == {"hex"}:
        return bytes.fromhex(spec["hex"])
    if keys in ({"seed", "len"}, {"seed", "len", "flip_bit"}):
        if len(bytes.fromhex(spec["seed"])) != 8:
            die(f"seed must be 8 bytes: {spec}")
        data = seeded_body(spec["seed"], spec["len"])
        if "flip_bit" in spec:
            if not 0 <= spec["flip_bit"] < 8 * len(data):
                die(f"flip_bit out of range: {spec}")
            data = flip_bit(data, spec["flip_bit"])
        return data
    die(f"unknown body spec {spec}")
    raise AssertionError


EVENT_TYPES = [
    "batch.succeeded", "batch.failed", "batch.cancelled", "batch.expired",
    "interaction.completed", "interaction.requires_action", "interaction.failed",
    "interaction.cancelled", "video.generated",
]
DISPLAY_NAMES = [
    "nightly-eval", "résumé-summaries", "traducción lote 7", "日本語のバッチ",
    "Ünïcödé run", "embeddings \"v2\"", "back\\slash job", "🚀 launch set",
    "q3/reports", "tab\there", "line\nbreak",
]
ERROR_MESSAGES = [
    "Request contains an invalid argument.", "Quota exceeded for model.",
    "Internal error encountered.", "Deadline exceeded.",
]


def rand_name(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=n))


def iso_time(unix_seconds: int, rng: random.Random) -> str:
    when = datetime.fromtimestamp(unix_seconds - rng.randint(0, 5), tz=timezone.utc)
    frac = rng.choice(["", f".{rng.randint(0, 999):03d}", f".{rng.randint(0, 999999):06d}"])
    return when.strftime("%Y-%m-%dT%H:%M:%S") + frac + "Z"


def event_body(rng: random.Random, unix_seconds: int) -> str:
    """A Gemini-event-like JSON text of at most a few hundred bytes."""
    etype = rng.choice(EVENT_TYPES)
    family = etype.split(".")[0]
    data: dict[str, Any]
    if family == "batch":
        data = {"id": f"batches/{rand_name(rng, rng.randint(12, 24))}"}
        if etype == "batch.succeeded":
            data["output_file_uri"] = f"files/{rand_name(rng, rng.randint(12, 24))}"
        elif etype == "batch.failed":
            data["error"] = {"code": rng.choice([3, 8, 13, 4]),
                             "message": rng.choice(ERROR_MESSAGES)}
        if rng.random() < 0.4:
            data["display_name"] = rng.choice(DISPLAY_NAMES)
        if rng.random() < 0.3:
            data["request_count"] = rng.randint(1, 50000)
    elif family == "interaction":
        data = {"id": f"interactions/{rand_name(rng, rng.randint(16, 28))}",
                "status": etype.split(".")[1]}
        if etype == "interaction.requires_action":
            data["function_calls"] = [{"name": rng.choice(["get_weather", "lookup_order"]),
                                       "id": rand_name(rng, 8)}]
    else:
        data = {"id": f"models/veo-3.0-generate-001/operations/{rand_name(rng, 12)}",
                "video_uri": f"files/{rand_name(rng, 16)}"}
    event = {"type": etype, "version": "v1", "timestamp": iso_time(unix_seconds, rng),
             "data": data}
    style = rng.random()
    ensure_ascii = rng.random() < 0.3
    if style < 0.6:
        text = json.dumps(event, separators=(",", ":"), ensure_ascii=ensure_ascii)
    elif style < 0.85:
        text = json.dumps(event, ensure_ascii=ensure_ascii)
    else:
        text = json.dumps(event, indent=2, ensure_ascii=ensure_ascii) + "\n"
    return text


def seeded_lengths(rng: random.Random, count: int) -> list[int]:
    """Lengths for the generated bodies: the forced ones (twice, once per
    signer parity), the rest log-uniform on [0, BODY_MAX] with a few uniform."""
    lens = FORCED_SEED_LENS * 2
    while len(lens) < count:
        if rng.random() < 0.15:
            lens.append(rng.randint(0, BODY_MAX))
        else:
            lens.append(min(BODY_MAX, int(math.exp(rng.uniform(0, math.log(BODY_MAX + 1))))))
    return lens[:count]


# --------------------------------------------------------------------------
# Keys and signing


class Key:
    def __init__(self, seed: bytes, kid: str | None, rng: random.Random | None):
        self.seed = seed
        self.crypto = Ed25519PrivateKey.from_private_bytes(seed)
        self.nacl = nacl.signing.SigningKey(seed)
        self.raw = self.crypto.public_key().public_bytes_raw()
        if bytes(self.nacl.verify_key) != self.raw:
            die("cryptography and PyNaCl derive different public keys")
        self.crypto_pub = Ed25519PublicKey.from_public_bytes(self.raw)
        self.nacl_pub = nacl.signing.VerifyKey(self.raw)
        self.whpk = "whpk_" + b64(self.raw)
        self.jwk: dict[str, str] | None = None
        if kid is not None and rng is not None:
            jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(self.raw), "kid": kid}
            if rng.random() < 0.6:
                jwk["use"] = "sig"
            if rng.random() < 0.5:
                jwk["alg"] = "EdDSA"
            self.jwk = jwk

    def sign(self, signer: str, content: bytes) -> bytes:
        if signer == "cryptography":
            return self.crypto.sign(content)
        if signer == "pynacl":
            return self.nacl.sign(content).signature
        raise ValueError(signer)


def verify_crypto(raw: bytes, sig: bytes, content: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, content)
        return True
    except InvalidSignature:
        return False


def verify_nacl(raw: bytes, sig: bytes, content: bytes) -> bool:
    try:
        nacl.signing.VerifyKey(raw).verify(content, sig)
        return True
    except nacl.exceptions.BadSignatureError:
        return False


def verify_both(raw: bytes, sig: bytes, content: bytes, what: str) -> bool:
    a = verify_crypto(raw, sig, content)
    b = verify_nacl(raw, sig, content)
    if a != b:
        die(f"{what}: cryptography says {a}, PyNaCl says {b}")
    return a


def hmac_entry(secret: str, content: bytes) -> str:
    key = b64_strict(secret[len("whsec_"):])
    return "v1," + b64(hmac.new(key, content, hashlib.sha256).digest())


def content_of(msg_id: str, ts: str, body: bytes) -> bytes:
    return f"{msg_id}.{ts}.".encode("ascii") + body


# --------------------------------------------------------------------------
# standardwebhooks with a frozen clock


@contextlib.contextmanager
def frozen_clock(unix_seconds: int) -> Iterator[None]:
    frozen_now = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return frozen_now.astimezone(tz) if tz else frozen_now.replace(tzinfo=None)

    saved = std_webhooks.datetime
    std_webhooks.datetime = FrozenDatetime
    try:
        yield
    finally:
        std_webhooks.datetime = saved


def std_accepts(secret: str, msg_id: str, ts: str, body: bytes, header: str, clock: int) -> bool:
    headers = {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": header}
    with frozen_clock(clock):
        try:
            std_webhooks.Webhook(secret).verify(body, headers, json_parse=False)
            return True
        except std_webhooks.WebhookVerificationError:
            return False


def std_usable(body: bytes, ts: str) -> bool:
    """Whether standardwebhooks signs the same content we do (see docstring)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return str(int(ts)) == ts


# --------------------------------------------------------------------------
# The verifier model used by all checks


def parse_header(header: str) -> list[tuple[str, bytes]]:
    """Split a header into (version, decoded bytes); everything generated here
    must be well-formed: v1a = 88 canonical chars / 64 bytes, v1 = 32 bytes."""
    if not header or header != header.strip() or "  " in header:
        die(f"bad header spacing: {header!r}")
    out = []
    for entry in header.split(" "):
        version, _, value = entry.partition(",")
        raw = b64_strict(value)
        if version == "v1a" and len(value) == 88 and len(raw) == 64:
            out.append(("v1a", raw))
        elif version == "v1" and len(raw) == 32:
            out.append(("v1", raw))
        else:
            die(f"malformed entry {entry!r}")
    return out


def matching_entries(keys: list[Key], secret: str | None, msg_id: str, ts: str,
                     body: bytes, header: str, what: str) -> list[tuple[int, int | None]]:
    """(entry index, key index or None for v1) of every entry that verifies.
    Both Ed25519 libraries are asked about every (v1a entry, key) pair."""
    content = content_of(msg_id, ts, body)
    hits = []
    expected_v1 = hmac_entry(secret, content) if secret is not None else None
    for index, (version, raw) in enumerate(parse_header(header)):
        if version == "v1a":
            for key_index, key in enumerate(keys):
                if verify_both(key.raw, raw, content, f"{what} entry {index} key {key_index}"):
                    hits.append((index, key_index))
        elif expected_v1 is not None and hmac.compare_digest(expected_v1, "v1," + b64(raw)):
            hits.append((index, None))
    return hits


def check_well_formed(msg_id: str, ts: str, what: str) -> None:
    if not 1 <= len(msg_id) <= 256 or any(c not in ID_ALPHABET for c in msg_id):
        die(f"{what}: bad id {msg_id!r}")
    if not ts.isascii() or not ts.isdigit():
        die(f"{what}: bad timestamp {ts!r}")


# --------------------------------------------------------------------------
# Generation


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.kids: set[str] = set()
        self.key_sets: dict[str, list[Key]] = {}
        for name in KEY_SET_NAMES:
            self.key_sets[name] = [Key(self.rng.randbytes(32), self.new_kid(), self.rng)
                                   for _ in range(KEYS_PER_SET)]
        self.other = Key(self.rng.randbytes(32), None, None)
        all_raw = [k.raw for ks in self.key_sets.values() for k in ks] + [self.other.raw]
        if len(set(all_raw)) != len(all_raw):
            die("duplicate keys")

    def new_kid(self) -> str:
        while True:
            kid = "".join(self.rng.choices(KID_ALPHABET, k=self.rng.randint(16, 40)))
            if kid not in self.kids:
                self.kids.add(kid)
                return kid

    # ---- pieces of a delivery

    def new_id(self, forced_len: int | None) -> str:
        if forced_len is None and self.rng.random() < 0.85:
            return "msg_" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        length = forced_len or self.rng.randint(1, 256)
        return "".join(self.rng.choices(ID_ALPHABET, k=length))

    def new_secret(self) -> str:
        return "whsec_" + b64(self.rng.randbytes(self.rng.randint(24, 64)))

    def random_v1a(self) -> str:
        """A well-formed random entry; half of them with a canonical S < L
        (random 32 bytes are >= L 15 times in 16)."""
        raw = self.rng.randbytes(64)
        if self.rng.random() < 0.5:
            raw = raw[:32] + (int.from_bytes(raw[32:], "little") % L).to_bytes(32, "little")
        return "v1a," + b64(raw)

    # ---- deliveries

    def delivery(self, index: int, plan: dict) -> dict:
        rng = self.rng
        signer = SIGNERS[index % 2]
        set_name = KEY_SET_NAMES[(index // 2) % len(KEY_SET_NAMES)]
        keys = self.key_sets[set_name]
        key_index = rng.randrange(KEYS_PER_SET)
        key = keys[key_index]

        unix_seconds = rng.randint(TS_MIN, TS_MAX)
        ts = str(unix_seconds)
        if plan["zeros"]:
            ts = "0" * plan["zeros"] + ts
        msg_id = self.new_id(plan["id_len"])
        if plan["seed_len"] is not None:
            body_spec: dict[str, Any] = {"seed": rng.randbytes(8).hex(), "len": plan["seed_len"]}
        else:
            body_spec = {"text": event_body(rng, unix_seconds)}
        body = body_bytes(body_spec)
        content = content_of(msg_id, ts, body)
        real = "v1a," + b64(key.sign(signer, content))

        layout = plan["layout"]
        secret = None
        tags = []
        if layout == "single":
            entries = [real]
        elif layout == "two-v1a":
            decoy_kind = rng.choice(["random", "other-key"])
            decoy = (self.random_v1a() if decoy_kind == "random"
                     else "v1a," + b64(self.other.sign(signer, content)))
            first = rng.random() < 0.5
            entries = [decoy, real] if first else [real, decoy]
            tags.append(f"{decoy_kind}-{'first' if first else 'second'}")
        else:  # mixed
            secret = self.new_secret()
            v1_state = rng.choices(["valid", "invalid", "absent"], weights=[45, 30, 25])[0]
            entries = [real]
            if v1_state == "valid":
                entries.append(hmac_entry(secret, content))
            elif v1_state == "invalid":
                if rng.random() < 0.5:
                    entries.append("v1," + b64(rng.randbytes(32)))
                else:
                    entries.append(hmac_entry(self.new_secret(), content))
            if rng.random() < 0.3:
                entries.append(rng.choice([self.random_v1a(),
                                           "v1a," + b64(self.other.sign(signer, content))]))
            rng.shuffle(entries)
            tags.append(f"v1-{v1_state}")
        header = " ".join(entries)

        body_tag = f"seed{plan['seed_len']}" if plan["seed_len"] is not None else "json"
        name_parts = [f"{index:03d}", "crypto" if signer == "cryptography" else "nacl",
                      set_name, f"k{key_index}", layout, *tags, body_tag]
        if plan["zeros"]:
            name_parts.append("ts0pad")
        if plan["id_len"] is not None:
            name_parts.append(f"id{plan['id_len']}")
        d = {
            "name": "-".join(name_parts),
            "signer": signer,
            "key_set": set_name,
            "signing_key": key_index,
            "secret": secret,
            "id": msg_id,
            "timestamp": ts,
            "body": body_spec,
            "signature": header,
        }
        kinds = rng.sample(MUTATION_KINDS, rng.choice([3, 3, 4]))
        kinds.sort(key=MUTATION_KINDS.index)
        d["mutations"] = [self.mutation(d, kind) for kind in kinds]
        return d

    # ---- mutations

    def mutation(self, d: dict, kind: str) -> dict:
        rng = self.rng
        keys = self.key_sets[d["key_set"]]
        body = body_bytes(d["body"])
        content = content_of(d["id"], d["timestamp"], body)
        m: dict[str, Any] = {"what": kind}
        if kind == "id":
            chars = list(d["id"])
            pos = rng.randrange(len(chars))
            chars[pos] = rng.choice([c for c in ID_ALPHABET if c != chars[pos]])
            m["id"] = "".join(chars)
        elif kind == "timestamp":
            width = len(d["timestamp"])
            while True:
                delta = rng.choice([-1, 1]) * rng.randint(1, 100)
                new = str(int(d["timestamp"]) + delta).zfill(width)
                if len(new) == width:
                    break
            m["timestamp"] = new
        elif kind == "body":
            spec = d["body"]
            if len(body) == 0:
                m["body"] = {"hex": rng.randbytes(1).hex()}
            else:
                k = rng.randrange(8 * len(body))
                flipped = flip_bit(body, k)
                if "text" in spec:
                    try:
                        m["body"] = {"text": flipped.decode("utf-8")}
                    except UnicodeDecodeError:
                        m["body"] = {"hex": flipped.hex()}
                elif len(body) <= HEX_MUTATION_MAX:
                    m["body"] = {"hex": flipped.hex()}
                else:
                    m["body"] = {"seed": spec["seed"], "len": spec["len"], "flip_bit": k}
        elif kind == "signature-bit":
            hits = {i for i, _ in matching_entries(keys, d["secret"], d["id"], d["timestamp"],
                                                   body, d["signature"], d["name"])}
            entries = d["signature"].split(" ")
            for i in sorted(hits):
                version, value = entries[i].split(",")
                raw = b64_strict(value)
                entries[i] = f"{version},{b64(flip_bit(raw, rng.randrange(8 * len(raw))))}"
            m["signature"] = " ".join(entries)
        elif kind == "other-key":
            m["signature"] = "v1a," + b64(self.other.sign(d["signer"], content))
        elif kind == "s-plus-l":
            key = keys[d["signing_key"]]
            real = "v1a," + b64(key.sign(d["signer"], content))
            entries = [e for e in d["signature"].split(" ") if not e.startswith("v1,")]
            sig = b64_strict(real[4:])
            s = int.from_bytes(sig[32:], "little")
            if s >= L or s + L >= 2**256:
                die("unexpected S")
            bad = sig[:32] + (s + L).to_bytes(32, "little")
            entries = ["v1a," + b64(bad) if e == real else e for e in entries]
            m["signature"] = " ".join(entries)
        m["expect"] = EXPECT
        return m


def plans(rng: random.Random, count: int) -> list[dict]:
    """Per-delivery choices that need coverage guarantees: generated body
    lengths (forced ones included, spread over both signers), forced id
    lengths, zero-padded timestamps, header layouts."""
    n_seed = max(len(FORCED_SEED_LENS) * 2, round(count * SEED_BODY_RATE))
    n_seed = min(n_seed, count)
    lens = seeded_lengths(rng, n_seed)
    # Forced lengths go to index pairs (2j, 2j+1)-ish: one cryptography, one pynacl.
    slots = list(range(count))
    rng.shuffle(slots)
    even = [i for i in slots if i % 2 == 0]
    odd = [i for i in slots if i % 2 == 1]
    forced = len(FORCED_SEED_LENS)
    seed_at: dict[int, int] = {}
    for length in lens[:forced]:
        seed_at[even.pop()] = length
    for length in lens[forced:2 * forced]:
        seed_at[odd.pop()] = length
    rest = even + odd
    rng.shuffle(rest)
    for length in lens[2 * forced:]:
        seed_at[rest.pop()] = length

    out = []
    for i in range(count):
        layout = rng.choices(["single", "two-v1a", "mixed"], weights=[30, 25, 45])[0]
        out.append({"seed_len": seed_at.get(i), "id_len": None, "zeros": 0, "layout": layout})
    picks = rng.sample(range(count), min(count, len(FORCED_ID_LENS) + ZERO_PADDED_TS))
    for i, length in zip(picks, FORCED_ID_LENS):
        out[i]["id_len"] = length
    for i in picks[len(FORCED_ID_LENS):]:
        out[i]["zeros"] = rng.randint(1, 3)
        if out[i]["layout"] == "mixed":
            out[i]["layout"] = rng.choice(["single", "two-v1a"])
    return out


# --------------------------------------------------------------------------
# Checks on the serialized document


class Stats:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()


def check_keys(doc: dict, gen: Gen) -> None:
    for name, ks in doc["key_sets"].items():
        jwks, whpks = ks["jwks"]["keys"], ks["whpk"]
        if len(jwks) != KEYS_PER_SET or len(whpks) != KEYS_PER_SET:
            die(f"{name}: wrong key count")
        for i, (jwk, whpk) in enumerate(zip(jwks, whpks)):
            key = gen.key_sets[name][i]
            if (jwk["kty"], jwk["crv"]) != ("OKP", "Ed25519") or not jwk.get("kid"):
                die(f"{name}[{i}]: bad JWK {jwk}")
            x = b64u_strict(jwk["x"])
            if not whpk.startswith("whpk_"):
                die(f"{name}[{i}]: bad whpk {whpk}")
            w = b64_strict(whpk[5:])
            if not (x == w == key.raw == bytes(key.nacl.verify_key)
                    == key.crypto.public_key().public_bytes_raw()):
                die(f"{name}[{i}]: exported public keys disagree")
    other = b64_strict(doc["other_key"][5:])
    if other != gen.other.raw:
        die("other_key export")


def check_delivery(d: dict, gen: Gen, st: Stats) -> None:
    what = d["name"]
    keys = gen.key_sets[d["key_set"]]
    key = keys[d["signing_key"]]
    secret, msg_id, ts, header = d["secret"], d["id"], d["timestamp"], d["signature"]
    body = body_bytes(d["body"])
    check_well_formed(msg_id, ts, what)
    clock = int(ts)
    content = content_of(msg_id, ts, body)

    # 1. Both libraries produce the same signature; the other one verifies it.
    sig_crypto = key.sign("cryptography", content)
    sig_nacl = key.sign("pynacl", content)
    if sig_crypto != sig_nacl:
        die(f"{what}: cryptography and PyNaCl signatures differ")
    real = "v1a," + b64(sig_crypto)
    entries = header.split(" ")
    if entries.count(real) != 1:
        die(f"{what}: real v1a entry missing")
    other_lib = verify_nacl if d["signer"] == "cryptography" else verify_crypto
    if not other_lib(key.raw, sig_crypto, content):
        die(f"{what}: the other library refuses the signature")
    hits = matching_entries(keys, secret, msg_id, ts, body, header, what)
    if (entries.index(real), d["signing_key"]) not in hits:
        die(f"{what}: real entry does not verify")
    for i, k in hits:
        if entries[i] != real and k is not None:
            die(f"{what}: a decoy v1a entry verifies")
    st.c[f"deliveries:{d['signer']}"] += 1
    n_v1a = sum(e.startswith("v1a,") for e in entries)
    n_v1 = len(entries) - n_v1a
    st.c[f"header:{n_v1a}xv1a+{n_v1}xv1{'+secret' if secret else ''}"] += 1
    if str(int(ts)) != ts:
        st.c["zero-padded timestamps"] += 1
    if not msg_id.startswith("msg_"):
        st.c["non-msg_ ids"] += 1

    # v1 entries: hmac and standardwebhooks.
    v1_valid = any(k is None for _, k in hits)
    if secret is None:
        if any(e.startswith("v1,") for e in entries):
            die(f"{what}: v1 entry without secret")
    else:
        if std_usable(body, ts):
            if std_accepts(secret, msg_id, ts, body, header, clock) != v1_valid:
                die(f"{what}: standardwebhooks disagrees about the v1 entry")
            st.c["standardwebhooks-checked"] += 1
        else:
            st.c["hmac-only (binary body)"] += 1
        st.c["v1-valid" if v1_valid else "v1-invalid-or-absent"] += 1

    # 2. Mutations.
    if len(d["mutations"]) < 3:
        die(f"{what}: fewer than 3 mutations")
    for m in d["mutations"]:
        mwhat = f"{what}/{m['what']}"
        if m["expect"] != EXPECT:
            die(f"{mwhat}: expect")
        allowed = {"what", "expect", {"id": "id", "timestamp": "timestamp",
                                      "body": "body"}.get(m["what"], "signature")}
        if set(m) != allowed or m["what"] not in MUTATION_KINDS:
            die(f"{mwhat}: unexpected fields {sorted(m)}")
        m_id = m.get("id", msg_id)
        m_ts = m.get("timestamp", ts)
        m_body = body_bytes(m["body"]) if "body" in m else body
        m_header = m.get("signature", header)
        check_well_formed(m_id, m_ts, mwhat)
        if (m_id, m_ts, m_body, m_header) == (msg_id, ts, body, header):
            die(f"{mwhat}: changes nothing")
        if len(m_ts) != len(ts) or abs(int(m_ts) - clock) > 100:
            die(f"{mwhat}: timestamp change out of range")
        if m["what"] == "body":
            if len(m_body) == len(body):
                diff = sum(bin(a ^ b).count("1") for a, b in zip(m_body, body))
                if diff != 1:
                    die(f"{mwhat}: not a one-bit change")
            elif not (len(body) == 0 and len(m_body) == 1):
                die(f"{mwhat}: body length changed")
        if m["what"] in ("other-key", "s-plus-l") and any(
                e.startswith("v1,") for e in m_header.split(" ")):
            die(f"{mwhat}: v1 entries must be removed")
        if matching_entries(keys, secret, m_id, m_ts, m_body, m_header, mwhat):
            die(f"{mwhat}: mutated delivery still verifies")
        if secret is not None and std_usable(m_body, m_ts):
            if std_accepts(secret, m_id, m_ts, m_body, m_header, clock):
                die(f"{mwhat}: standardwebhooks accepts the mutation")
            st.c["standardwebhooks-refused-mutations"] += 1
        if m["what"] == "other-key":
            sig = b64_strict(m_header[4:])
            if not verify_both(gen.other.raw, sig, content, f"{mwhat} control"):
                die(f"{mwhat}: other_key's signature does not verify under other_key")
        if m["what"] == "s-plus-l":
            kept = [e for e in entries if not e.startswith("v1,")]
            m_entries = m_header.split(" ")
            changed = [i for i, (a, b) in enumerate(zip(kept, m_entries)) if a != b]
            if len(kept) != len(m_entries) or changed != [kept.index(real)]:
                die(f"{mwhat}: not exactly the real entry replaced")
            bad = b64_strict(m_entries[changed[0]][4:])
            s = int.from_bytes(bad[32:], "little")
            if s < L or bad[:32] + (s - L).to_bytes(32, "little") != sig_crypto:
                die(f"{mwhat}: not S + L of the real signature")
            # verify_both (inside matching_entries) already saw both refuse it.
            st.c["s-plus-l refused by OpenSSL and libsodium"] += 1
        st.c[f"mutation:{m['what']}"] += 1


def check_all(doc: dict, gen: Gen) -> Stats:
    st = Stats()
    check_keys(doc, gen)
    names = [d["name"] for d in doc["deliveries"]]
    if len(names) != len(set(names)):
        die("duplicate delivery names")
    for d in doc["deliveries"]:
        check_delivery(d, gen, st)
    return st


# --------------------------------------------------------------------------
# Main


def build(seed: int, count: int) -> tuple[dict, Gen]:
    gen = Gen(seed)
    plan = plans(gen.rng, count)
    deliveries = [gen.delivery(i, p) for i, p in enumerate(plan)]
    doc = {
        "generator": SCRIPT_PATH,
        "seed": seed,
        "packages": {
            "python": platform.python_version(),
            "cryptography": dist_version("cryptography"),
            "pynacl": dist_version("PyNaCl"),
            "standardwebhooks": dist_version("standardwebhooks"),
        },
        "body_rule": BODY_RULE,
        "key_sets": {
            name: {"jwks": {"keys": [k.jwk for k in keys]}, "whpk": [k.whpk for k in keys]}
            for name, keys in gen.key_sets.items()
        },
        "other_key": gen.other.whpk,
        "deliveries": deliveries,
    }
    return doc, gen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--out", help="write here instead of standard output")
    args = parser.parse_args()
    if args.count < 2 * len(FORCED_SEED_LENS) + len(FORCED_ID_LENS) + ZERO_PADDED_TS:
        parser.error("--count too small for the forced cases")

    doc, gen = build(args.seed, args.count)
    text = json.dumps(doc, indent=1, sort_keys=False) + "\n"
    loaded = json.loads(text)
    if loaded != doc:
        die("JSON round trip changed the document")
    st = check_all(loaded, gen)

    data = text.encode("utf-8")
    if args.out:
        with open(args.out, "wb") as out:
            out.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    print(f"{len(doc['deliveries'])} deliveries, {len(data)} bytes; packages "
          f"{doc['packages']}", file=sys.stderr)
    for k, v in sorted(st.c.items()):
        print(f"  {k}: {v}", file=sys.stderr)


if __name__ == "__main__":
    main()
