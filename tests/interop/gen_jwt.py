#!/usr/bin/env python3
"""Generate JWT/JWKS (RS256, ES256) interop cases with PyJWT and cryptography.

Keys are generated with ``cryptography`` (RSA 2048/3072/4096 with e = 65537,
and P-256) and exported as public JWKs with PyJWT's
``jwt.algorithms.RSAAlgorithm.to_jwk(key, as_dict=True)`` and
``jwt.algorithms.ECAlgorithm.to_jwk(key, as_dict=True)`` (``key_ops``, which
PyJWT adds to RSA JWKs, is dropped; ``kid`` and, on some keys, ``use`` and
``alg`` are added).

Valid tokens are signed by PyJWT: ``jwt.encode(claims, private_key,
algorithm=alg, headers={"kid": kid}, json_encoder=...)``, which writes the
header ``{"alg":...,"kid":...,"typ":"JWT"}`` (sorted keys) and a compact JSON
payload.  Every valid token is then checked, and the script aborts on any
failure:

1. ``jwt.decode`` with the key looked up in the JWK set the way
   ``jwt.PyJWKClient`` does (by ``kid``; a token without ``kid`` only against
   a one-key set), ``algorithms=["RS256", "ES256"]``,
   ``options={"require": ["exp"]}`` (PyJWT then refuses a present ``aud`` when no audience is given, as RFC 7519 section 4.1.3 requires),
   ``issuer``, ``audience`` and ``leeway`` of the case, with PyJWT's clock
   frozen at the case's ``now`` (``jwt.api_jwt`` reads the time as
   ``datetime.now(tz=timezone.utc).timestamp()``; that ``datetime`` is
   replaced while decoding) must return the signed claims;
2. the same with the original ``cryptography`` public key object;
3. the same at ``now = exp + leeway`` must raise ``ExpiredSignatureError``
   (shows that the frozen clock is in effect).

Negative cases are built by hand (base64url without padding via
``base64.urlsafe_b64encode``, raw signatures from ``cryptography``), each with
one defect; where the defect is not the signature, the signature is valid for
the key that the ``kid`` selects (checked).  Each negative case records what
the same PyJWT check says (``"pyjwt"``: ``"accepted"`` or the exception class
name).  That is informative only: PyJWT's rules differ from the expected ones
in places (see the summary printed on standard error).

Usage (see requirements-jwt.txt next to this file for the pinned versions)::

    python3 -m venv /tmp/jwt-venv
    /tmp/jwt-venv/bin/pip install -r tests/interop/requirements-jwt.txt
    /tmp/jwt-venv/bin/python tests/interop/gen_jwt.py [--seed N] \\
        --out tests/data/interop_jwt.json

All non-cryptographic choices (claims, kids, times, which key signs what) come
from ``random.Random(seed)``.  RSA/EC key generation and ECDSA signing are
randomized inside ``cryptography``, so re-runs are not byte-identical: the
committed data file is the artifact.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import hashlib
import hmac
import json
import platform
import random
import string
import sys
import uuid
import warnings
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import version as dist_version
from typing import Any, Iterator

import jwt
import jwt.api_jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

DEFAULT_SEED = 20261122
SCRIPT_PATH = "tests/interop/gen_jwt.py"
LEEWAY = 60
ALGS = ["RS256", "ES256"]
N_VALID_RANDOM = 130  # plus no-kid, body and edge cases below
N_VALID_NO_KID = 12
N_VALID_BODY = 15

# name -> list of key kinds ("RSA2048", "EC")
KEY_SET_SPECS: dict[str, list[str]] = {
    "set-rsa2048": ["RSA2048"],
    "set-rsa3072": ["RSA3072", "RSA3072"],
    "set-rsa4096": ["RSA4096"],
    "set-ec-p256": ["EC", "EC", "EC"],
    "set-ec-single": ["EC"],
    "set-mixed": ["RSA2048", "EC", "RSA4096", "EC"],
}

# ---------------------------------------------------------------------------
# encoding helpers


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode_strict(seg: str) -> bytes:
    if "=" in seg or len(seg) % 4 == 1:
        raise ValueError("bad base64url")
    data = base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))
    if b64u(data) != seg:
        raise ValueError("non-canonical base64url")
    return data


class _SlashEscapingEncoder(json.JSONEncoder):
    """Compact JSON with every '/' written as the escape '\\/'.

    '/' can only occur inside JSON strings, so the replacement keeps the text
    valid JSON that decodes to the same value.
    """

    def encode(self, o: Any) -> str:
        return super().encode(o).replace("/", "\\/")


class _Utf8Encoder(json.JSONEncoder):
    """Compact JSON with non-ASCII characters written as raw UTF-8."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(**kwargs)


JSON_STYLES: dict[str, type[json.JSONEncoder] | None] = {
    "ascii": None,  # PyJWT's default: json.dumps(..., separators=(",", ":"))
    "utf8": _Utf8Encoder,
    "slash": _SlashEscapingEncoder,
}


def jdump(obj: Any, style: str = "ascii") -> bytes:
    cls = JSON_STYLES[style] or json.JSONEncoder
    return cls(separators=(",", ":")).encode(obj).encode("utf-8")


# ---------------------------------------------------------------------------
# keys


class Key:
    def __init__(self, kind: str, kid: str, private: Any, jwk: dict[str, Any]):
        self.kind = kind  # "RSA2048", "RSA3072", "RSA4096", "EC"
        self.kid = kid
        self.private = private
        self.public = private.public_key()
        self.jwk = jwk

    @property
    def is_rsa(self) -> bool:
        return self.kind.startswith("RSA")

    @property
    def alg(self) -> str:
        return "RS256" if self.is_rsa else "ES256"

    @property
    def sig_len(self) -> int:
        return self.public.key_size // 8 if self.is_rsa else 64

    def public_pem(self) -> bytes:
        return self.public.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )


def gen_private(kind: str) -> Any:
    if kind.startswith("RSA"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    return ec.generate_private_key(ec.SECP256R1())


def to_public_jwk(public: Any) -> dict[str, Any]:
    if isinstance(public, rsa.RSAPublicKey):
        jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    else:
        jwk = ECAlgorithm.to_jwk(public, as_dict=True)
    return dict(jwk)


def make_kid(rng: random.Random, used: set[str]) -> str:
    while True:
        style = rng.choice(["hex40", "hex40", "uuid", "uuid", "short"])
        if style == "hex40":
            kid = "%040x" % rng.getrandbits(160)
        elif style == "uuid":
            kid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        else:
            kid = rng.choice(
                ["key-1", "key-2", "primary", "k1", "2026-11", "rotation-b",
                 "sig-2026-q4", "webhooks", "current", "next"]
            )
            if rng.random() < 0.5:
                kid += "-" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=4))
        if kid not in used:
            used.add(kid)
            return kid


def make_key_sets(rng: random.Random) -> tuple[dict[str, list[Key]], set[str]]:
    used: set[str] = set()
    sets: dict[str, list[Key]] = {}
    for name, kinds in KEY_SET_SPECS.items():
        keys = []
        for kind in kinds:
            private = gen_private(kind)
            kid = make_kid(rng, used)
            exported = to_public_jwk(private.public_key())
            exported.pop("key_ops", None)
            jwk: dict[str, Any] = {"kty": exported.pop("kty"), "kid": kid}
            if rng.random() < 0.6:
                jwk["use"] = "sig"
            if rng.random() < 0.5:
                jwk["alg"] = "RS256" if kind.startswith("RSA") else "ES256"
            jwk.update(exported)
            keys.append(Key(kind, kid, private, jwk))
        sets[name] = keys
    return sets, used


def jwks_of(keys: list[Key]) -> dict[str, Any]:
    return {"keys": [copy.deepcopy(k.jwk) for k in keys]}


# ---------------------------------------------------------------------------
# raw signing (cryptography) for hand-built tokens


def raw_sign(alg: str, key: Any, msg: bytes) -> bytes:
    if alg in ("RS256", "RS384", "RS512"):
        h = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}[alg]
        return key.sign(msg, padding.PKCS1v15(), h())
    if alg == "PS256":
        return key.sign(
            msg, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
        )
    if alg in ("ES256", "ES384", "ES512"):
        h = {"ES256": hashes.SHA256, "ES384": hashes.SHA384, "ES512": hashes.SHA512}[alg]
        r, s = decode_dss_signature(key.sign(msg, ec.ECDSA(h())))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == "HS256":
        return hmac.new(key, msg, hashlib.sha256).digest()
    raise ValueError(alg)


def raw_verify(alg: str, public: Any, msg: bytes, sig: bytes) -> bool:
    """Independent RS256/ES256 check with cryptography (strict lengths)."""
    try:
        if alg == "RS256":
            if len(sig) != public.key_size // 8:
                return False
            public.verify(sig, msg, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256":
            if len(sig) != 64:
                return False
            r = int.from_bytes(sig[:32], "big")
            s = int.from_bytes(sig[32:], "big")
            public.verify(encode_dss_signature(r, s), msg, ec.ECDSA(hashes.SHA256()))
        else:
            return False
        return True
    except Exception:
        return False


def assemble(h_seg: str, p_seg: str, alg: str, key: Any) -> str:
    sig = raw_sign(alg, key, f"{h_seg}.{p_seg}".encode("ascii"))
    return f"{h_seg}.{p_seg}.{b64u(sig)}"


def split3(token: str) -> tuple[str, str, str]:
    h, p, s = token.split(".")
    return h, p, s


# ---------------------------------------------------------------------------
# random claims


WORDS = ["alpha", "hooks", "billing", "relay", "events", "orbit", "ledger",
         "gemini", "notify", "sync", "cobalt", "delta", "tango", "river"]
TRICKY = [
    'say "hi"', "caf\u00e9", "a/b/c", "back\\slash", "line\nbreak", "tab\there",
    "\u00fcber", "\u65e5\u672c\u8a9e", "\U0001f600 grin", "</script>", "it's",
    "\u2028sep", "bell\u0007", '{"not":"json"}', "", "e\u0301", "https://x.example/p?q=1&r=2",
    "\u00e9t\u00e9 / hiver", "null", "\\u00e9 literally", "\u0000nul",
]
EXTRA_NAMES = ["email", "email_verified", "azp", "scope", "ctx", "tags", "amount",
               "nonce", "note", "https://hookverify.example/claims", "roles", "meta",
               "event", "tenant"]


def rand_word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def rand_alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=n))


def rand_iss(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return "https://generativelanguage.googleapis.com"
    if r < 0.45:
        return "https://accounts.google.com"
    if r < 0.55:
        return f"https://login.microsoftonline.com/{uuid.UUID(int=rng.getrandbits(128), version=4)}/v2.0"
    if r < 0.85:
        return f"https://{rand_word(rng)}.{rand_word(rng)}.example.{rng.choice(['com', 'org', 'net'])}"
    return f"https://hooks.example.com/{rand_word(rng)}/{rand_alnum(rng, 6)}/"


def rand_aud_one(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return f"https://{rand_word(rng)}.example.com/webhooks/{rng.randint(1, 99999)}"
    if r < 0.5:
        return f"projects/{rng.randint(10**11, 10**12 - 1)}/topics/{rand_word(rng)}"
    if r < 0.7:
        return f"{rng.randint(10**11, 10**12 - 1)}-{rand_alnum(rng, 32)}.apps.googleusercontent.com"
    if r < 0.85:
        return f"api://{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    return f"{rand_word(rng)}-{rand_alnum(rng, 5)}"


def rand_aud(rng: random.Random) -> str | list[str]:
    if rng.random() < 0.5:
        return rand_aud_one(rng)
    out: list[str] = []
    for _ in range(rng.randint(1, 3)):
        a = rand_aud_one(rng)
        if a not in out:
            out.append(a)
    return out


def rand_sub(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return str(rng.randint(10**20, 10**21 - 1))
    if r < 0.7:
        return f"user_{rand_alnum(rng, 12)}"
    return f"{rand_word(rng)}@{rand_word(rng)}.example"


def rand_jti(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return "%032x" % rng.getrandbits(128)


def rand_scalar(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.55:
        return rng.choice(TRICKY)
    if r < 0.7:
        return rng.randint(-10**6, 10**12)
    if r < 0.8:
        return rng.choice([0.5, -12.25, 3.0e-3, 1e21, 99.99])
    if r < 0.92:
        return rng.random() < 0.5
    return None


def rand_value(rng: random.Random, depth: int) -> Any:
    """A JSON value nested at most 3 containers deep (depth counts containers)."""
    r = rng.random()
    if depth >= 3 or r < 0.5:
        return rand_scalar(rng)
    if r < 0.8:
        return {rng.choice(["a", "b", "k\u00e9y", "x/y", 'q"t', "list", "deep"]) + str(i):
                rand_value(rng, depth + 1) for i in range(rng.randint(1, 3))}
    return [rand_value(rng, depth + 1) for _ in range(rng.randint(1, 3))]


def rand_extras(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(EXTRA_NAMES)
        if name == "email_verified":
            out[name] = rng.random() < 0.5
        elif name == "scope":
            out[name] = " ".join(rng.sample(["read", "write", "hooks:deliver", "admin"], 2))
        elif name in ("ctx", "meta", "https://hookverify.example/claims"):
            out[name] = {"v": rand_value(rng, 1), "w": rand_value(rng, 1)}
        elif name in ("tags", "roles"):
            out[name] = [rand_value(rng, 1) for _ in range(rng.randint(1, 3))]
        else:
            out[name] = rand_value(rng, 0)
    return out


def rand_body(rng: random.Random) -> str:
    if rng.random() < 0.7:
        event = {
            "id": f"evt_{rand_alnum(rng, 16)}",
            "type": rng.choice(["invoice.paid", "message.created", "model.tuned", "file.deleted"]),
            "data": {"text": rng.choice(TRICKY), "n": rng.randint(0, 10**6),
                     "items": [rng.choice(TRICKY) for _ in range(rng.randint(0, 3))]},
        }
        return json.dumps(event, ensure_ascii=rng.random() < 0.5,
                          indent=rng.choice([None, 2]))
    lines = [rng.choice(TRICKY) for _ in range(rng.randint(1, 4))]
    return "\r\n".join(lines) if rng.random() < 0.3 else "\n".join(lines)


# ---------------------------------------------------------------------------
# base case contexts


class Ctx:
    """One token-to-be: key set, key, claims, verifier configuration, now."""

    def __init__(self, set_name: str, key: Key, claims: dict[str, Any], now: int,
                 issuer: str | None, audiences: list[str] | None, style: str):
        self.set_name = set_name
        self.key = key
        self.claims = claims
        self.now = now
        self.issuer = issuer
        self.audiences = audiences
        self.style = style
        self.body: str | None = None

    def header(self, kid: bool = True, **extra: Any) -> dict[str, Any]:
        h: dict[str, Any] = {"alg": self.key.alg}
        if kid:
            h["kid"] = self.key.kid
        h["typ"] = "JWT"
        h.update(extra)
        return h

    def pyjwt_encode(self, kid: bool = True) -> str:
        return jwt.encode(
            self.claims, self.key.private, algorithm=self.key.alg,
            headers={"kid": self.key.kid} if kid else None,
            json_encoder=JSON_STYLES[self.style],
        )

    def hand(self, header: dict[str, Any] | None = None, claims: dict[str, Any] | None = None,
             alg: str | None = None, key: Any = None) -> str:
        h = header if header is not None else self.header()
        c = claims if claims is not None else self.claims
        return assemble(b64u(jdump(h, self.style)), b64u(jdump(c, self.style)),
                        alg or self.key.alg, key if key is not None else self.key.private)


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sets, self.used_kids = make_key_sets(self.rng)
        self.jwks = {name: jwks_of(keys) for name, keys in self.sets.items()}
        self.cases: list[dict[str, Any]] = []
        self.counter: Counter[str] = Counter()
        self.attacker_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.attacker_ec = ec.generate_private_key(ec.SECP256R1())

    # -- picking ---------------------------------------------------------

    def pick(self, want: str | None = None, set_name: str | None = None,
             single: bool | None = None, multi: bool = False) -> tuple[str, Key]:
        """want: "RSA", "EC", a precise kind ("RSA2048") or None."""
        cands = []
        for name, keys in self.sets.items():
            if set_name and name != set_name:
                continue
            if single is not None and (len(keys) == 1) != single:
                continue
            if multi and len(keys) < 2:
                continue
            for k in keys:
                if want is None or k.kind == want or (want == "RSA" and k.is_rsa) or (
                        want == "EC" and not k.is_rsa):
                    cands.append((name, k))
        return self.rng.choice(cands)

    def ctx(self, want: str | None = None, set_name: str | None = None,
            single: bool | None = None, multi: bool = False, t0: int | None = None,
            nbf: bool | None = None, need_iss: bool = False,
            need_aud: bool = False) -> Ctx:
        rng = self.rng
        name, key = self.pick(want, set_name, single, multi)
        style = rng.choice(["ascii", "ascii", "utf8", "slash"])
        while True:
            iat = t0 if t0 is not None else rng.randint(1_700_000_000, 1_990_000_000)
            ttl = rng.randint(60, 3600)
            exp = iat + ttl
            claims: dict[str, Any] = {"iss": rand_iss(rng), "aud": rand_aud(rng),
                                      "sub": rand_sub(rng), "iat": iat, "exp": exp}
            lo = iat
            use_nbf = rng.random() < 0.35 if nbf is None else nbf
            if use_nbf:
                nbf_v = iat + rng.choice([0, -rng.randint(1, 120), rng.randint(1, min(30, ttl // 4))])
                claims["nbf"] = nbf_v
                lo = max(lo, nbf_v)
            if rng.random() < 0.7:
                claims["jti"] = rand_jti(rng)
            claims.update(rand_extras(rng))
            # shuffle claim order a little (JSON objects are unordered)
            items = list(claims.items())
            if rng.random() < 0.5:
                rng.shuffle(items)
            claims = dict(items)
            # 100..540 bytes, leaving room for the claims some cases add later
            size = len(jdump(claims, style))
            if 100 <= size <= 540:
                break
        now = rng.randint(lo, exp - 1)
        issuer = claims["iss"] if (need_iss or rng.random() < 0.7) else None
        audiences: list[str] | None = None
        if need_aud or rng.random() < 0.75:
            toks = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
            audiences = rng.sample(toks, rng.randint(1, len(toks)))
            for _ in range(rng.randint(0, 2)):
                audiences.append(rand_aud_one(rng))
            rng.shuffle(audiences)
        else:
            # RFC 7519 section 4.1.3: a recipient that does not identify itself in a present
            # `aud` must reject the token, so a case that configures no audience carries none.
            claims.pop("aud", None)
        return Ctx(name, key, claims, now, issuer, audiences, style)

    # -- recording -------------------------------------------------------

    def add(self, kind: str, c: Ctx, token: str, expect: str, *, now: int | None = None,
            issuer: Any = "ctx", audiences: Any = "ctx", note: str | None = None,
            alg_label: str | None = None) -> dict[str, Any]:
        alg_label = alg_label or c.key.alg
        self.counter[(kind, alg_label)] += 1
        name = f"{kind}-{alg_label.lower()}-{self.counter[(kind, alg_label)]:03d}"
        case: dict[str, Any] = {
            "name": name,
            "key_set": c.set_name,
            "token": token,
            "now": c.now if now is None else now,
            "issuer": c.issuer if issuer == "ctx" else issuer,
            "audiences": c.audiences if audiences == "ctx" else audiences,
            "leeway": LEEWAY,
        }
        if c.body is not None:
            case["body"] = c.body
            case["body_claim"] = "body_sha256"
        case["expect"] = expect
        if note:
            case["note"] = note
        verdict, claims = pyjwt_verdict(case, self.jwks[c.set_name])
        case["pyjwt"] = verdict
        if expect == "valid":
            check_valid(case, verdict, claims, c)
        self.cases.append(case)
        return case


# ---------------------------------------------------------------------------
# PyJWT as verifier


@contextlib.contextmanager
def frozen_clock(now: float) -> Iterator[None]:
    """PyJWT's api_jwt reads the time as datetime.now(tz=timezone.utc).timestamp()."""

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return datetime.fromtimestamp(now, tz=tz or timezone.utc)

    original = jwt.api_jwt.datetime
    jwt.api_jwt.datetime = FrozenDatetime  # type: ignore[misc]
    try:
        yield
    finally:
        jwt.api_jwt.datetime = original  # type: ignore[misc]


class StaticJWKClient(jwt.PyJWKClient):
    """PyJWKClient whose 'endpoint' is a dict in memory (no network)."""

    def __init__(self, jwks: dict[str, Any]):
        super().__init__("https://jwks.invalid/keys", cache_jwk_set=False)
        self._jwks = jwks

    def fetch_data(self) -> Any:
        return copy.deepcopy(self._jwks)


def pyjwt_decode(token: str, key: Any, algorithms: list[str], case: dict[str, Any],
                 now: float | None = None) -> dict[str, Any]:
    with frozen_clock(case["now"] if now is None else now):
        return jwt.decode(
            token, key, algorithms=algorithms,
            options={"require": ["exp"]},
            audience=case["audiences"], issuer=case["issuer"], leeway=case["leeway"],
        )


def pyjwt_verdict(case: dict[str, Any], jwks: dict[str, Any]) -> tuple[str, dict | None]:
    token = case["token"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            header = jwt.get_unverified_header(token)
            if "kid" not in header and len(jwks["keys"]) == 1:
                key = jwt.PyJWK(jwks["keys"][0])
            else:
                key = StaticJWKClient(jwks).get_signing_key_from_jwt(token)
            claims = pyjwt_decode(token, key, ALGS, case)
        return "accepted", claims
    except Exception as e:  # noqa: BLE001 - any rejection is a verdict
        return type(e).__name__, None


def check_valid(case: dict[str, Any], verdict: str, claims: dict | None, c: Ctx) -> None:
    def fail(msg: str) -> None:
        raise SystemExit(f"PyJWT disagrees on valid case {case['name']}: {msg}")

    if verdict != "accepted":
        fail(f"JWKS lookup + decode raised {verdict}")
    if claims != c.claims:
        fail("decoded claims differ")
    direct = pyjwt_decode(case["token"], c.key.public, [c.key.alg], case)
    if direct != c.claims:
        fail("decode with the cryptography key object differs")
    try:
        pyjwt_decode(case["token"], c.key.public, [c.key.alg], case,
                     now=c.claims["exp"] + case["leeway"])
    except jwt.ExpiredSignatureError:
        pass
    else:
        fail("still accepted at exp + leeway (clock not frozen?)")
    h, p, s = split3(case["token"])
    if not raw_verify(c.key.alg, c.key.public, f"{h}.{p}".encode(), b64u_decode_strict(s)):
        fail("independent cryptography check of the signature failed")
    if "body" in case:
        want = b64u(hashlib.sha256(case["body"].encode("utf-8")).digest())
        if claims.get("body_sha256") != want:
            fail("body_sha256 mismatch")
    header = json.loads(b64u_decode_strict(h))
    expect_h = {"alg": c.key.alg, "typ": "JWT"}
    if "kid" in header:
        expect_h["kid"] = c.key.kid
    if header != expect_h:
        fail(f"unexpected header {header}")


def assert_sig_ok(token: str, key: Key) -> None:
    h, p, s = token.split(".")
    if not raw_verify(key.alg, key.public, f"{h}.{p}".encode(), b64u_decode_strict(s)):
        raise SystemExit(f"internal error: expected a valid signature on {token[:40]}...")


# ---------------------------------------------------------------------------
# cases


def make_valid(g: Gen) -> None:
    rng = g.rng
    for _ in range(N_VALID_RANDOM):
        c = g.ctx()
        g.add("valid", c, c.pyjwt_encode(), "valid")
    for _ in range(N_VALID_NO_KID):
        c = g.ctx(single=True)
        g.add("valid-nokid", c, c.pyjwt_encode(kid=False), "valid")
    for _ in range(N_VALID_BODY):
        c = g.ctx()
        c.body = rand_body(rng)
        c.claims["body_sha256"] = b64u(hashlib.sha256(c.body.encode("utf-8")).digest())
        g.add("valid-body", c, c.pyjwt_encode(), "valid")
    # edges that must still be accepted
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        g.add("valid-edge-exp", c, c.pyjwt_encode(), "valid",
              now=c.claims["exp"] + LEEWAY - 1, note="now == exp + leeway - 1")
    for want in ("RSA", "EC"):
        c = g.ctx(want, nbf=True)
        c.claims["nbf"] = c.now + LEEWAY
        g.add("valid-edge-nbf", c, c.pyjwt_encode(), "valid", note="nbf == now + leeway")
    for want in ("RSA", "EC"):
        c = g.ctx(want, nbf=False)
        c.claims["iat"] = c.now + LEEWAY
        c.claims["exp"] = max(c.claims["exp"], c.now + LEEWAY + 60)
        g.add("valid-edge-iat", c, c.pyjwt_encode(), "valid", note="iat == now + leeway")
    for t0, want in ((2_147_483_000, "RSA"), (4_294_967_000, "EC"), (6_000_000_000, "RSA")):
        c = g.ctx(want, t0=t0)
        g.add("valid-bigtime", c, c.pyjwt_encode(), "valid",
              note="times past 2^31 / 2^32 seconds")


def make_time_negatives(g: Gen) -> None:
    rng = g.rng
    # expired
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        g.add("expired", c, c.pyjwt_encode(), "expired", now=c.claims["exp"] + LEEWAY,
              note="edge: now == exp + leeway")
    for want in ("RSA", "EC", "RSA", "EC"):
        c = g.ctx(want)
        g.add("expired", c, c.pyjwt_encode(), "expired",
              now=c.claims["exp"] + LEEWAY + rng.choice([1, 2, rng.randint(3, 86400)]))
    # not yet valid: nbf
    for want in ("RSA", "EC"):
        c = g.ctx(want, nbf=False)
        c.claims["nbf"] = c.now + LEEWAY + 1
        c.claims["exp"] = c.claims["nbf"] + rng.randint(60, 3600)
        g.add("nbf-future", c, c.pyjwt_encode(), "not-yet-valid", note="edge: nbf == now + leeway + 1")
    for want in ("RSA", "EC"):
        c = g.ctx(want, nbf=False)
        c.claims["nbf"] = c.now + LEEWAY + rng.randint(2, 7200)
        c.claims["exp"] = c.claims["nbf"] + rng.randint(60, 3600)
        g.add("nbf-future", c, c.pyjwt_encode(), "not-yet-valid")
    # not yet valid: iat
    for want in ("RSA", "EC"):
        c = g.ctx(want, nbf=False)
        c.claims["iat"] = c.now + LEEWAY + 1
        c.claims["exp"] = c.claims["iat"] + rng.randint(60, 3600)
        g.add("iat-future", c, c.pyjwt_encode(), "not-yet-valid", note="edge: iat == now + leeway + 1")
    for want in ("RSA", "EC"):
        c = g.ctx(want, nbf=False)
        c.claims["iat"] = c.now + LEEWAY + rng.randint(2, 7200)
        c.claims["exp"] = c.claims["iat"] + rng.randint(60, 3600)
        g.add("iat-future", c, c.pyjwt_encode(), "not-yet-valid")


def make_iss_aud_negatives(g: Gen) -> None:
    rng = g.rng
    variants = [
        ("other", lambda iss: "https://accounts.google.com" if iss != "https://accounts.google.com"
         else "https://generativelanguage.googleapis.com"),
        ("trailing-slash", lambda iss: iss.rstrip("/") + "/" if not iss.endswith("/") else iss[:-1]),
        ("case", lambda iss: iss.upper()),
        ("http", lambda iss: iss.replace("https://", "http://", 1)),
        ("suffix", lambda iss: iss + ".evil.example"),
    ]
    for i, (_label, f) in enumerate(variants):
        c = g.ctx("RSA" if i % 2 == 0 else "EC", need_iss=True)
        cfg = f(c.claims["iss"])
        assert cfg != c.claims["iss"]
        g.add("wrong-issuer", c, c.pyjwt_encode(), "wrong-issuer", issuer=cfg)
    c = g.ctx("EC", need_iss=True)
    del c.claims["iss"]
    g.add("missing-issuer", c, c.pyjwt_encode(), "missing-claim",
          note="token has no iss while an issuer is configured")

    # wrong audience
    for i in range(6):
        c = g.ctx("RSA" if i % 2 == 0 else "EC", need_aud=True)
        if i < 2:
            c.claims["aud"] = rand_aud_one(rng)
        elif i < 4:
            c.claims["aud"] = [rand_aud_one(rng) for _ in range(rng.randint(2, 3))]
        toks = c.claims["aud"] if isinstance(c.claims["aud"], list) else [c.claims["aud"]]
        if i == 4:  # configured = token aud with different case / trailing slash
            cfg = [t.upper() for t in toks] + [t + "/" for t in toks]
        elif i == 5:  # configured aud is a prefix of the token aud
            cfg = [t[:-1] for t in toks]
        else:
            cfg = [rand_aud_one(rng) for _ in range(rng.randint(1, 3))]
        assert not set(cfg) & set(toks)
        g.add("wrong-audience", c, c.pyjwt_encode(), "wrong-audience", audiences=cfg)
    c = g.ctx("RSA", need_aud=True)
    c.claims["aud"] = []
    g.add("wrong-audience", c, c.pyjwt_encode(), "wrong-audience",
          note="token aud is an empty array while audiences are configured")
    c = g.ctx("RSA", need_aud=True)
    g.add("unexpected-audience", c, c.pyjwt_encode(), "wrong-audience", audiences=None,
          note="token has aud while no audience is configured (RFC 7519 section 4.1.3)")
    c = g.ctx("EC", need_aud=True)
    del c.claims["aud"]
    g.add("missing-audience", c, c.pyjwt_encode(), "missing-claim",
          note="token has no aud while audiences are configured")


def make_claim_negatives(g: Gen) -> None:
    for want in ("RSA", "EC", "RSA"):
        c = g.ctx(want)
        del c.claims["exp"]
        g.add("missing-exp", c, c.pyjwt_encode(), "missing-claim")

    def bad(label: str, want: str, mutate, **cfg: Any) -> None:
        c = g.ctx(want, need_iss=cfg.pop("need_iss", False), need_aud=cfg.pop("need_aud", False))
        mutate(c)
        tok = c.hand()
        assert_sig_ok(tok, c.key)
        g.add(f"invalid-claim-{label}", c, tok, "invalid-claim", **cfg)

    def exp_str(c: Ctx) -> None:
        c.claims["exp"] = str(c.claims["exp"])

    def exp_float(c: Ctx) -> None:
        c.claims["exp"] = c.claims["exp"] + 0.5

    def exp_null(c: Ctx) -> None:
        c.claims["exp"] = None

    def nbf_bool(c: Ctx) -> None:
        c.claims["nbf"] = True

    def iss_num(c: Ctx) -> None:
        c.claims["iss"] = g.rng.randint(1, 10**9)

    def aud_num(c: Ctx) -> None:
        c.claims["aud"] = g.rng.randint(1, 10**9)

    def aud_arr_num(c: Ctx) -> None:
        toks = c.claims["aud"] if isinstance(c.claims["aud"], list) else [c.claims["aud"]]
        c.claims["aud"] = toks + [g.rng.randint(1, 10**6)]

    for want in ("RSA", "EC"):
        bad("exp-string", want, exp_str)
        bad("exp-float", want, exp_float)
    bad("exp-null", "RSA", exp_null)
    bad("exp-null", "EC", exp_null)
    bad("nbf-bool", "EC", nbf_bool)
    bad("iss-number", "RSA", iss_num, need_iss=True, issuer="https://generativelanguage.googleapis.com")
    # aud a number: audiences configured (so the claim is checked)
    bad("aud-number", "EC", aud_num, need_aud=True)
    # aud array with a matching string plus a number
    bad("aud-array-number", "RSA", aud_arr_num, need_aud=True)


def flip_bit(rng: random.Random, sig: bytes) -> bytes:
    i = rng.randrange(len(sig) * 8)
    b = bytearray(sig)
    b[i // 8] ^= 1 << (i % 8)
    return bytes(b)


def make_signature_negatives(g: Gen) -> None:
    rng = g.rng
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        t1 = c.pyjwt_encode()
        c2 = g.ctx(set_name=c.set_name)
        c2.key = c.key
        t2 = c2.pyjwt_encode()
        h, p, _ = split3(t1)
        g.add("sig-other-token", c, f"{h}.{p}.{split3(t2)[2]}", "invalid-signature",
              note="signature of another token by the same key")
    for want in ("RSA", "EC", "RSA4096", "EC", "RSA3072"):
        c = g.ctx(want)
        h, p, s = split3(c.pyjwt_encode())
        s2 = b64u(flip_bit(rng, b64u_decode_strict(s)))
        g.add("sig-bitflip", c, f"{h}.{p}.{s2}", "invalid-signature")
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        h, _p, s = split3(c.pyjwt_encode())
        changed = dict(c.claims)
        changed["sub"] = changed["sub"] + "x"
        g.add("sig-payload-changed", c, f"{h}.{b64u(jdump(changed, c.style))}.{s}",
              "invalid-signature", note="sub changed after signing")
    for _ in range(2):
        c = g.ctx("EC")
        h, p, s = split3(c.pyjwt_encode())
        raw = b64u_decode_strict(s)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        g.add("sig-es256-der", c, f"{h}.{p}.{b64u(der)}", "invalid-signature",
              note=f"ES256 signature as DER ({len(der)} bytes) instead of r||s")
    # RSA signature one byte short: leading byte 0x00 stripped (same integer), and non-zero
    c = g.ctx("RSA2048")
    for _ in range(20000):
        c.claims["jti"] = rand_jti(rng)
        tok = c.pyjwt_encode()
        h, p, s = split3(tok)
        raw = b64u_decode_strict(s)
        if raw[0] == 0:
            break
    else:
        raise SystemExit("no RSA signature with a leading zero byte found")
    g.add("sig-rsa-short", c, f"{h}.{p}.{b64u(raw[1:])}", "invalid-signature",
          note="RSA signature with its leading 0x00 byte stripped (same integer, modulus-1 bytes)")
    longer = b64u(b"\x00" + raw)
    g.add("sig-rsa-long", c, f"{h}.{p}.{longer}", "invalid-signature",
          note="RSA signature with an extra leading 0x00 byte (same integer, modulus+1 bytes)")
    c = g.ctx("RSA4096")
    h, p, s = split3(c.pyjwt_encode())
    raw = b64u_decode_strict(s)
    g.add("sig-rsa-short", c, f"{h}.{p}.{b64u(raw[1:])}", "invalid-signature",
          note=f"RSA signature with its leading byte 0x{raw[0]:02x} stripped")


def make_key_negatives(g: Gen) -> None:
    rng = g.rng
    # kid not in set (random kid); key set's own key signs
    for want in ("RSA", "EC", "RSA"):
        c = g.ctx(want)
        kid = make_kid(rng, set(g.used_kids))
        tok = c.hand(c.header(kid=False) | {"kid": kid})
        g.add("unknown-kid", c, tok, "unknown-key")
    # kid of another set, signed by that other set's key
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        other_name, other = g.pick(want, None)
        while other_name == c.set_name or any(k.kid == other.kid for k in g.sets[c.set_name]):
            other_name, other = g.pick(want, None)
        c2 = Ctx(c.set_name, other, c.claims, c.now, c.issuer, c.audiences, c.style)
        g.add("unknown-kid", c, c2.pyjwt_encode(), "unknown-key",
              note=f"kid and signature of a key of {other_name}")
    # kid differing only in case
    name, key = g.pick()
    while key.kid.upper() == key.kid:
        name, key = g.pick()
    c = g.ctx(set_name=name)
    c.key = key
    tok = c.hand(c.header() | {"kid": key.kid.upper()})
    g.add("unknown-kid", c, tok, "unknown-key", note="kid differs from the JWK's only in case")
    # no kid against a multi-key set (signature valid for one of its keys)
    for want in ("RSA", "EC", "EC"):
        c = g.ctx(want, multi=True)
        tok = c.pyjwt_encode(kid=False)
        assert_sig_ok(tok, c.key)
        g.add("no-kid-multi", c, tok, "unknown-key",
              note="no kid, several keys in the set (signature valid for one of them)")


def make_alg_negatives(g: Gen) -> None:
    # alg none, empty signature
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        h = b64u(jdump(c.header() | {"alg": "none"}))
        p = b64u(jdump(c.claims, c.style))
        g.add("alg-none", c, f"{h}.{p}.", "unsupported-algorithm", alg_label="none")
    # HS256 keyed with the RSA public key's PEM (alg confusion)
    for _ in range(2):
        c = g.ctx("RSA")
        hdr = c.header() | {"alg": "HS256"}
        tok = c.hand(hdr, alg="HS256", key=c.key.public_pem())
        g.add("alg-hs256-confusion", c, tok, "unsupported-algorithm", alg_label="HS256",
              note="HMAC-SHA256 keyed with the SubjectPublicKeyInfo PEM of the RSA key the kid selects")
    for alg, want in (("PS256", "RSA"), ("RS512", "RSA"), ("RS384", "RSA"), ("ES384", "EC")):
        c = g.ctx(want)
        tok = c.hand(c.header() | {"alg": alg}, alg=alg)
        g.add(f"alg-{alg.lower()}", c, tok, "unsupported-algorithm", alg_label=alg,
              note=f"{alg} signature made with the key the kid selects")
    c = g.ctx("RSA")
    tok = c.hand(c.header() | {"alg": "rs256"})
    g.add("alg-lowercase", c, tok, "unsupported-algorithm", alg_label="rs256",
          note="alg 'rs256' (lower case); the signature is a valid RS256 one")
    # alg / key type mismatch: ES256 with an RSA key, RS256 with an EC key
    for key_has_alg in (True, False):
        cands = [(n, k) for n, ks in g.sets.items() for k in ks
                 if k.is_rsa and (("alg" in k.jwk) == key_has_alg)]
        if not cands:
            continue
        name, key = g.rng.choice(cands)
        c = g.ctx(set_name=name)
        c.key = key
        tok = c.hand(c.header() | {"alg": "ES256"}, alg="ES256", key=g.attacker_ec)
        g.add("alg-key-mismatch", c, tok, "unsupported-algorithm", alg_label="ES256",
              note="alg ES256, kid selects an RSA key" + (" with alg RS256" if key_has_alg else " without alg"))
    for key_has_alg in (True, False):
        cands = [(n, k) for n, ks in g.sets.items() for k in ks
                 if not k.is_rsa and (("alg" in k.jwk) == key_has_alg)]
        if not cands:
            continue
        name, key = g.rng.choice(cands)
        c = g.ctx(set_name=name)
        c.key = key
        tok = c.hand(c.header() | {"alg": "RS256"}, alg="RS256", key=g.attacker_rsa)
        g.add("alg-key-mismatch", c, tok, "unsupported-algorithm", alg_label="RS256",
              note="alg RS256, kid selects an EC key" + (" with alg ES256" if key_has_alg else " without alg"))


def self_signed_cert_der(key: Key) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hookverify interop")])
    t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public).serial_number(1).not_valid_before(t)
            .not_valid_after(datetime(2036, 1, 1, tzinfo=timezone.utc))
            .sign(key.private, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def make_header_negatives(g: Gen) -> None:
    def add(label: str, c: Ctx, extra: dict[str, Any], note: str | None = None) -> None:
        tok = c.hand(c.header(**extra))
        assert_sig_ok(tok, c.key)
        g.add(f"hdr-{label}", c, tok, "forbidden-header", note=note)

    add("crit", g.ctx("RSA"), {"crit": ["urn:example:ext"], "urn:example:ext": True})
    add("crit", g.ctx("EC"), {"crit": ["exp"], "exp": 2_000_000_000})
    add("jku", g.ctx("RSA"), {"jku": "https://attacker.example/.well-known/jwks.json"})
    add("jku", g.ctx("EC"), {"jku": "https://attacker.example/jwks"})
    add("x5u", g.ctx("EC"), {"x5u": "https://attacker.example/cert.pem"})
    add("x5u", g.ctx("RSA"), {"x5u": "https://attacker.example/chain.pem"})
    for want in ("RSA", "EC"):
        c = g.ctx(want)
        add("x5c", c, {"x5c": [base64.b64encode(self_signed_cert_der(c.key)).decode()]},
            note="x5c holds a self-signed certificate of the key the kid selects")
    # embedded jwk = attacker key, token signed by the attacker key
    for want, attacker in (("RSA", g.attacker_rsa), ("EC", g.attacker_ec)):
        c = g.ctx(want)
        ajwk = to_public_jwk(attacker.public_key())
        ajwk.pop("key_ops", None)
        tok = c.hand(c.header(jwk=ajwk), key=attacker)
        g.add("hdr-jwk-attacker", c, tok, "forbidden-header",
              note="embedded jwk is an attacker key and the token is signed by it "
                   "(invalid for the kid's key): the header rule must be checked before the signature")
    c = g.ctx("EC")
    add("jwk-own", c, {"jwk": dict(c.key.jwk)}, note="embedded jwk is the kid's own public key")
    add("b64-false", g.ctx("RSA"), {"b64": False, "crit": ["b64"]},
        note="b64:false listed in crit; payload and signature are ordinary (base64url) ones")
    add("b64-false", g.ctx("EC"), {"b64": False},
        note="b64:false without crit; payload and signature are ordinary (base64url) ones")


def std_b64(seg: str) -> str:
    return seg.replace("-", "+").replace("_", "/")


def noncanonical_last(seg: str) -> str:
    """Change the last char so unused low bits are non-zero (same bytes when lenient)."""
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    rem = len(seg) % 4
    unused = {2: 4, 3: 2}[rem]
    v = alphabet.index(seg[-1])
    assert v & ((1 << unused) - 1) == 0
    out = seg[:-1] + alphabet[v | 1]
    assert base64.urlsafe_b64decode(out + "=" * (-len(out) % 4)) == base64.urlsafe_b64decode(
        seg + "=" * (-len(seg) % 4))
    return out


def make_token_negatives(g: Gen) -> None:
    rng = g.rng

    def add(label: str, c: Ctx, tok: str, note: str) -> None:
        g.add(f"tok-{label}", c, tok, "invalid-token", note=note)

    c = g.ctx("RSA")
    h, p, s = split3(c.pyjwt_encode())
    add("parts", c, f"{h}.{p}", "two segments")
    c = g.ctx("EC")
    h, p, s = split3(c.pyjwt_encode())
    add("parts", c, f"{h}.{p}.{s}.{s}", "four segments")
    c = g.ctx("RSA")
    h, p, s = split3(c.pyjwt_encode())
    add("parts", c, f"{h}.{p}.{s}.", "trailing dot (four segments, last empty)")
    c = g.ctx("EC")
    h, p, s = split3(c.pyjwt_encode())
    add("parts", c, f"{h}{p}{s}", "one segment")
    c = g.ctx("RSA")
    h, p, s = split3(c.pyjwt_encode())
    add("parts", c, f"{h}.{b64u(rng.randbytes(40))}.{b64u(rng.randbytes(12))}.{p}.{b64u(rng.randbytes(16))}",
        "five segments (JWE shape)")

    # '=' padding, signature computed over the padded text
    for seg_name in ("header", "payload", "signature"):
        for _ in range(200):
            c = g.ctx("EC" if seg_name == "signature" else None)
            h = b64u(jdump(c.header(), c.style))
            p = b64u(jdump(c.claims, c.style))
            target = {"header": h, "payload": p, "signature": "x" * 86}[seg_name]
            if len(target) % 4:
                break
        else:
            raise SystemExit("could not find a segment that needs padding")
        pad = "=" * (-len(target) % 4)
        if seg_name == "header":
            tok = assemble(h + pad, p, c.key.alg, c.key.private)
        elif seg_name == "payload":
            tok = assemble(h, p + pad, c.key.alg, c.key.private)
        else:
            tok = assemble(h, p, c.key.alg, c.key.private) + pad
        add("padding", c, tok, f"'=' padding on the {seg_name} segment"
            + ("" if seg_name == "signature" else " (signature computed over the padded text)"))

    # '+' and '/' instead of '-' and '_'
    for seg_name in ("signature", "payload"):
        for _ in range(200):
            c = g.ctx("RSA")
            tok = c.hand()
            h, p, s = split3(tok)
            seg = s if seg_name == "signature" else p
            if "-" in seg or "_" in seg:
                break
        else:
            raise SystemExit("no segment with '-' or '_'")
        if seg_name == "signature":
            tok = f"{h}.{p}.{std_b64(s)}"
        else:
            tok = assemble(h, std_b64(p), c.key.alg, c.key.private)
        add("alphabet", c, tok, f"standard base64 alphabet ('+', '/') in the {seg_name} segment"
            + ("" if seg_name == "signature" else " (signature computed over that text)"))

    def sign_raw(c: Ctx, h_bytes: bytes, p_bytes: bytes) -> str:
        return assemble(b64u(h_bytes), b64u(p_bytes), c.key.alg, c.key.private)

    c = g.ctx("RSA")
    add("header-not-json", c, sign_raw(c, jdump(c.header())[:-1], jdump(c.claims)),
        "header is truncated JSON (no closing brace)")
    c = g.ctx("EC")
    add("header-array", c, sign_raw(c, jdump([c.header()]), jdump(c.claims)),
        "header is a JSON array holding the header object")
    c = g.ctx("RSA")
    add("payload-not-json", c, sign_raw(c, jdump(c.header()), b"sub=" + c.claims["sub"].encode()),
        "payload is not JSON")
    c = g.ctx("EC")
    add("payload-array", c, sign_raw(c, jdump(c.header()), jdump([c.claims])),
        "payload is a JSON array holding the claims object")
    c = g.ctx("RSA")
    add("header-bom", c, sign_raw(c, b"\xef\xbb\xbf" + jdump(c.header()), jdump(c.claims)),
        "header JSON preceded by a UTF-8 byte order mark")
    # empty segments
    c = g.ctx("EC")
    p = b64u(jdump(c.claims))
    add("empty-header", c, assemble("", p, c.key.alg, c.key.private), "empty header segment")
    c = g.ctx("RSA")
    h = b64u(jdump(c.header()))
    add("empty-payload", c, assemble(h, "", c.key.alg, c.key.private),
        "empty payload segment (signature valid over 'header.')")
    c = g.ctx("RSA")
    h, p, _ = split3(c.pyjwt_encode())
    # The compact form is well formed (RFC 7515 section 7.1 allows an empty signature
    # segment, as alg "none" uses): the empty signature is refused by the length check.
    g.add("tok-empty-signature", c, f"{h}.{p}.", "invalid-signature",
          note="empty signature segment with alg RS256")
    c = g.ctx("EC")
    add("empty-all", c, "..", "three empty segments")
    # non-canonical trailing bits
    for want in ("RSA2048", "EC", "RSA4096"):
        c = g.ctx(want)
        h, p, s = split3(c.pyjwt_encode())
        add("noncanonical", c, f"{h}.{p}.{noncanonical_last(s)}",
            "last signature char has non-zero unused bits (same bytes under a lenient decoder)")
    for _ in range(200):
        c = g.ctx()
        h = b64u(jdump(c.header(), c.style))
        p = b64u(jdump(c.claims, c.style))
        if len(p) % 4 in (2, 3):
            break
    add("noncanonical", c, assemble(h, noncanonical_last(p), c.key.alg, c.key.private),
        "last payload char has non-zero unused bits (signature computed over that text)")


# ---------------------------------------------------------------------------
# output


def render(seed: int, g: Gen) -> str:
    about = (
        "JWT (RS256, ES256) against JWK sets, interop cases. Keys: cryptography; public JWKs: "
        "PyJWT RSAAlgorithm/ECAlgorithm.to_jwk (key_ops dropped) plus kid and, on some keys, "
        "use and alg. Valid tokens are signed by PyJWT jwt.encode and verified by jwt.decode at "
        "a frozen clock ('now') with the case's issuer (null: not checked), audiences (null: not "
        "checked; else at least one token aud must be listed) and leeway, exp required. "
        "Verifier rules assumed by 'expect': expired iff now >= exp + leeway; not-yet-valid iff "
        "nbf > now + leeway or iat > now + leeway; exp/nbf/iat must be JSON integers. Negative "
        "cases are hand-built with one defect each (signature valid for the kid's key unless the "
        "defect is the signature or the key). 'pyjwt' is what PyJWT 'jwt.decode' (key looked up "
        "by kid like PyJWKClient, algorithms RS256/ES256) said: informative only. 'body', when "
        "present, is UTF-8 text whose SHA-256 (base64url, no padding) is the 'body_claim' claim. "
        f"Generated by {SCRIPT_PATH} --seed {seed} (pip install -r "
        "tests/interop/requirements-jwt.txt); keys and ECDSA signatures are random, so re-runs "
        "differ.")
    packages = {"PyJWT": dist_version("PyJWT"), "cryptography": dist_version("cryptography"),
                "python": platform.python_version()}

    def dump(o: Any) -> str:
        return json.dumps(o, ensure_ascii=False)

    out = ["{" + f'"about": {dump(about)},', f' "packages": {dump(packages)},',
           f' "seed": {seed},', ' "key_sets": {']
    names = list(g.jwks)
    for i, name in enumerate(names):
        keys = g.jwks[name]["keys"]
        out.append(f"  {dump(name)}: {{\"keys\": [")
        for j, k in enumerate(keys):
            out.append("   " + dump(k) + ("," if j + 1 < len(keys) else ""))
        out.append("  ]}" + ("," if i + 1 < len(names) else ""))
    out.append(" },")
    out.append(' "cases": [')
    for i, case in enumerate(g.cases):
        out.append("  " + dump(case) + ("," if i + 1 < len(g.cases) else ""))
    out.append(" ]}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", help="write here instead of standard output")
    args = parser.parse_args()

    g = Gen(args.seed)
    make_valid(g)
    make_time_negatives(g)
    make_iss_aud_negatives(g)
    make_claim_negatives(g)
    make_signature_negatives(g)
    make_key_negatives(g)
    make_alg_negatives(g)
    make_header_negatives(g)
    make_token_negatives(g)

    names = [c["name"] for c in g.cases]
    assert len(names) == len(set(names)), "duplicate case names"
    text = render(args.seed, g)
    assert json.loads(text)["cases"] == g.cases

    data = text.encode("utf-8")
    if args.out:
        with open(args.out, "wb") as out:
            out.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    by_expect = Counter(c["expect"] for c in g.cases)
    by_alg: Counter[str] = Counter()
    for c in g.cases:
        try:
            by_alg[json.loads(b64u_decode_strict(c["token"].split(".")[0])).get("alg", "?")] += 1
        except Exception:  # noqa: BLE001
            by_alg["(unparsable)"] += 1
    print(f"{len(g.cases)} cases, {len(data)} bytes", file=sys.stderr)
    print(f"by expect: {dict(sorted(by_expect.items()))}", file=sys.stderr)
    print(f"by header alg: {dict(sorted(by_alg.items()))}", file=sys.stderr)
    valid_by_alg = Counter(json.loads(b64u_decode_strict(c["token"].split(".")[0]))["alg"]
                           for c in g.cases if c["expect"] == "valid")
    print(f"valid by alg: {dict(valid_by_alg)}", file=sys.stderr)
    print("PyJWT verdicts on negative cases (expect -> pyjwt: count):", file=sys.stderr)
    pairs = Counter((c["expect"], c["pyjwt"]) for c in g.cases if c["expect"] != "valid")
    for (e, v), n in sorted(pairs.items()):
        print(f"  {e} -> {v}: {n}", file=sys.stderr)
    print("negative cases PyJWT accepts:", file=sys.stderr)
    for c in g.cases:
        if c["expect"] != "valid" and c["pyjwt"] == "accepted":
            print(f"  {c['name']}: {c.get('note', '')}", file=sys.stderr)


if __name__ == "__main__":
    main()
