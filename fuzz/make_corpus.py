#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/ from the
repository's test vectors:

  tests/data/interop_standard_webhooks.json   HMAC deliveries (standardwebhooks, svix)
  tests/data/interop_jwt.json                 JWTs (RS256, ES256) and their key sets
  tests/data/interop_v1a.json                 v1a deliveries (cryptography, PyNaCl)
  ../shared/vectors/ed25519/*.json            RFC 8032 and speccheck Ed25519 cases, when present
  ../shared/vectors/standard-webhooks.json    conformance cases, when present
                                              (or $HOOKVERIFY_VECTORS/standard-webhooks.json)

Corpus directories are gitignored: run this before fuzzing (fuzz/run.sh does). Seeds are
named by their SHA-1, like libFuzzer's own, so running it again adds nothing twice and
never removes what the fuzzer found.

Targets taking `arbitrary`-derived inputs get seeds in arbitrary 1.x's byte format (see
`Arb` below); `cargo +nightly fuzz fmt <target> <file>` prints how a seed decodes.
"""

import base64
import hashlib
import json
import os
import struct
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
REPO = FUZZ.parent
CORPUS = FUZZ / "corpus"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def whsec_decode(secret):
    text = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    return base64.b64decode(text + "=" * (-len(text) % 4))


class Arb:
    """Encoder for the `arbitrary` 1.x (1.5) byte format, as the derive macros read it:
    integers little-endian; bool = byte & 1; Option = bool then value; Vec<T> = (0x01, T)*
    then 0x00 (the last field of a struct/variant reads to the end: no terminator needed);
    enum variant i of c = u32 with (u32 * c) >> 32 == i; arrays element by element."""

    def __init__(self):
        self.out = bytearray()

    def u8(self, v):
        self.out += struct.pack("<B", v & 0xFF)
        return self

    def u16(self, v):
        self.out += struct.pack("<H", v & 0xFFFF)
        return self

    def i16(self, v):
        self.out += struct.pack("<h", v)
        return self

    def u64(self, v):
        self.out += struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)
        return self

    def boolean(self, v):
        return self.u8(1 if v else 0)

    def variant(self, index, count):
        value = -(-(index << 32) // count)  # ceil(index * 2^32 / count)
        assert (value * count) >> 32 == index
        self.out += struct.pack("<I", value)
        return self

    def raw(self, data):
        self.out += data
        return self

    def vec(self, items, write, last=False):
        for item in items:
            self.u8(1)
            write(item)
        if not last:
            self.u8(0)
        return self

    def bytes(self, data, last=False):
        return self.vec(data, self.u8, last)

    def option(self, value, write):
        if value is None:
            return self.u8(0)
        self.u8(1)
        write(value)
        return self

    def done(self):
        return bytes(self.out)


class Seeds:
    def __init__(self):
        self.count = {}

    def add(self, target, data):
        directory = CORPUS / target
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            self.count[target] = self.count.get(target, 0) + 1


def hmac_deliveries():
    """(secret bytes, id, timestamp, signature header, body bytes, now) from all sources."""
    out = []
    for d in load(REPO / "tests/data/interop_standard_webhooks.json")["deliveries"]:
        out.append((whsec_decode(d["secret"]), d["id"], d["timestamp"], d["signature"],
                    d["body"].encode(), int(d["timestamp"])))
    shared = Path(os.environ.get("HOOKVERIFY_VECTORS", REPO.parent / "shared/vectors"))
    path = shared / "standard-webhooks.json"
    if path.exists():
        for c in load(path)["cases"]:
            if "secret" not in c:
                continue  # v1a (ed25519) cases: not an HMAC delivery
            body = bytes.fromhex(c["payload_hex"]) if "payload_hex" in c else c["payload"].encode()
            try:
                secret = whsec_decode(c["secret"])
            except ValueError:
                secret = c["secret"].encode()
            out.append((secret, c["id"], c["timestamp"], c["signature"], body, int(c["now"])))
    else:
        print(f"note: {path} absent, conformance cases not seeded", file=sys.stderr)
    return out


# Must match the fixed delivery of fuzz_targets/signature_header.rs.
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def signature_header(seeds, deliveries):
    seeds.add("signature_header", SPEC_SIGNATURE.encode())
    seeds.add("signature_header", ("v1a,AAAA " + SPEC_SIGNATURE + " v2,x").encode())
    seeds.add("signature_header", " ".join(["v1,AAAA"] * 15 + [SPEC_SIGNATURE]).encode())
    for _, _, _, signature, _, _ in deliveries:
        seeds.add("signature_header", signature.encode())


def hmac_delivery(seeds, deliveries):
    for secret, id_, ts, signature, body, now in deliveries:
        for tolerance, entries in [(300, "raw"), (0, "tag")]:
            a = Arb()
            a.vec([secret], lambda s: a.bytes(s))                # secrets
            a.option(True, a.boolean)                            # whsec_padded
            a.bytes(id_.encode())                                # id
            a.variant(0, 2).bytes(ts.encode())                   # Timestamp::Raw
            if entries == "raw":                                 # entries: the real header
                a.vec(signature.split(" "), lambda e: a.variant(0, 2).bytes(e.encode()))
            else:                                                # entries: Entry::Tag
                a.vec([0], lambda _: (a.variant(1, 2).u8(0).variant(0, 4)
                                      .option(None, a.u8).option(None, a.u8)))
            a.bytes(body)                                        # body
            a.u64(now).u16(tolerance)                            # now, tolerance
            a.option(None, a.u64)                                # wide_tolerance
            seeds.add("hmac_delivery", a.done())


def hmac_streaming(seeds, deliveries):
    for i, (_, _, _, _, body, _) in enumerate(deliveries[:60]):
        a = Arb().bytes(body)
        a.bytes([1 + (i * 7 + j * 13) % 40 for j in range(i % 6)])  # chunk sizes
        a.variant(i % 3, 3)                                            # Corrupt
        if i % 3 == 1:
            a.u16(i).u8(1)
        elif i % 3 == 2:
            a.u8(i).u8(0x80)
        seeds.add("hmac_streaming", a.done())


def jwks(seeds, jwt):
    for key_set in jwt["key_sets"].values():
        text = json.dumps(key_set, separators=(",", ":"))
        seeds.add("jwks", b"\x00" + text.encode())
        members = [json.dumps(k, separators=(",", ":"))[1:-1].encode() for k in key_set["keys"]]
        seeds.add("jwks", b"\x01" + b"\xff".join(members))
    for fragment in [b'"kid":"ec"', b'"use":"enc"', b'"alg":"RS256"', b'"key_ops":["sign"]',
                     b'"d":"AAAA"', b'"x":"AAAA"', b'"kty":"oct"', b'"crv":"P-384"',
                     b'"e":"AQAA"', b'"n":"AQAB"', b'"kid":"\\u0065c"']:
        seeds.add("jwks", b"\x02" + fragment)
        seeds.add("jwks", b"\x03" + fragment)


JWT_NOW = 1_800_000_000  # fuzz_targets/jwt.rs


def jwt_target(seeds, jwt):
    for case in jwt["cases"]:
        token = case["token"].encode()
        # Raw mode with the default policy and with exp optional (mode bits: see jwt.rs).
        seeds.add("jwt", b"\x00" + token)
        seeds.add("jwt", b"\x10" + token)
        parts = case["token"].split(".")
        if len(parts) != 3:
            continue
        try:
            header, claims = b64url_decode(parts[0]), b64url_decode(parts[1])
        except ValueError:
            continue
        # Minted mode: the case's own header and claims, re-signed with the fixed EC key.
        seeds.add("jwt", b"\x01" + header + b"\xff" + claims)
    claims = json.dumps({"iss": "https://iss.example", "aud": "aud-1", "iat": JWT_NOW,
                         "exp": JWT_NOW + 300, "jti": "j1"}).encode()
    for mode in range(1, 32, 2):
        seeds.add("jwt", bytes([mode]) + b'{"alg":"ES256","kid":"ec"}\xff' + claims)


def es256(seeds, jwt):
    messages = [c["token"].rsplit(".", 1)[0].encode() for c in jwt["cases"][:40]] + [b""]
    for i, message in enumerate(messages):
        scalar = hashlib.sha256(b"scalar %d" % i).digest()
        a = Arb().raw(scalar).bytes(message)
        kind = i % 9
        a.variant(kind, 9)
        if kind == 1:
            a.u16(i * 37)
        elif kind in (2, 3):
            a.raw(hashlib.sha256(message).digest())
        elif kind in (4, 5):
            a.variant(i % 7, 7)
        elif kind == 7:
            a.raw(hashlib.sha512(message).digest())
        elif kind == 8:
            a.bytes([i % 65, 1, 2, 3], last=True)
        seeds.add("es256_differential", a.done())


def rs256(seeds, jwt):
    key_index = {"set-rsa2048": 1, "set-rsa3072": 2, "set-rsa4096": 3}
    for case in jwt["cases"]:
        if case["key_set"] not in key_index or case["expect"] != "valid":
            continue
        signing_input, _, signature = case["token"].rpartition(".")
        try:
            signature = b64url_decode(signature)
        except ValueError:
            continue
        # Sig::Raw: the interop signature over its own signing input (valid for the set's
        # first key when that key signed it).
        a = Arb().u8(key_index[case["key_set"]]).bytes(signing_input.encode())
        seeds.add("rs256_differential", a.variant(0, 4).bytes(signature, last=True).done())
    for i in range(24):
        message = b"message %d" % i
        a = Arb().u8(0).bytes(message)
        kind = i % 3
        if kind == 0:  # Sig::ModulusLength
            a.variant(1, 4).bytes(hashlib.sha512(message).digest()).boolean(True)
        elif kind == 1:  # Sig::Signed(Edit)
            edit = (i // 3) % 6
            a.variant(2, 4).variant(edit, 6)
            if edit in (1, 2):
                a.u16(i * 61)
            elif edit == 3:
                a.bytes(b"\x00", last=True)
            elif edit == 5:
                a.variant(i % 4, 4)
        else:  # Sig::Encoding(EmEdit)
            edit = (i // 3) % 6
            a.variant(3, 4).variant(edit, 6)
            if edit == 1:
                a.vec([(i, 1)], lambda p: a.u16(p[0]).u8(p[1]), last=True)
            elif edit == 2:
                a.u8(i).u8(0)
            elif edit == 3:
                a.bytes(bytes.fromhex("3031300d060960864801650304020105000420")[: 10 + i], last=True)
            elif edit == 4:
                a.u8(2)
            elif edit == 5:
                a.bytes(message, last=True)
        seeds.add("rs256_differential", a.done())


def montgomery_square(seeds):
    """Seeds for montgomery_square: each length, with the largest modulus (all ones) and
    a = n - 1, and with a modulus whose top word is 1."""
    for selector, words in enumerate([1, 2, 3, 4, 5, 32, 48, 64]):
        size = 8 * words
        seeds.add("montgomery_square", bytes([selector]) + b"\xff" * size + b"\xff" * (size - 1) + b"\xfe")
        seeds.add("montgomery_square", bytes([selector]) + b"\x01" * (size - 8) + b"\x01" + b"\x00" * 7 + b"\x5a" * size)


def p256_field(seeds):
    """Seeds for p256_field: 0, 1, p - 1 and p (refused), and the curve's b and generator x."""
    p = 2**256 - 2**224 + 2**192 + 2**96 - 1
    values = [0, 1, 2, p - 1, p - 2, p, 2**256 - 1,
              0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
              0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296]
    for a in values:
        for b in values[:4]:
            seeds.add("p256_field", a.to_bytes(32, "big") + b.to_bytes(32, "big"))


def f25519(seeds):
    """Seeds for f25519: 0, 1, p - 1, p and 2^255 - 1 (read mod p), d and the basepoint's y."""
    p = 2**255 - 19
    d = (-121665 * pow(121666, -1, p)) % p
    values = [0, 1, 2, p - 1, p, p + 1, 2**255 - 1, 2**256 - 1, d, 4 * pow(5, -1, p) % p]
    for a in values:
        for b in values[:4]:
            seeds.add("f25519", a.to_bytes(32, "little") + b.to_bytes(32, "little"))


def v1a_body(body):
    """A body of tests/data/interop_v1a.json, by the rule the file states."""
    if "text" in body:
        data = body["text"].encode("utf-8")
    elif "hex" in body:
        data = bytes.fromhex(body["hex"])
    else:
        seed, out, counter = bytes.fromhex(body["seed"]), b"", 0
        while len(out) < body["len"]:
            out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
            counter += 1
        data = out[: body["len"]]
    if "flip_bit" in body:
        data = bytearray(data)
        data[body["flip_bit"] // 8] ^= 1 << (body["flip_bit"] % 8)
        data = bytes(data)
    return data


def ed25519(seeds, v1a):
    """`key || signature || message` seeds: interop deliveries with a single v1a entry (the
    key that signed, its signature, id.timestamp.body), and the shared RFC 8032 and speccheck
    cases when present."""
    for delivery in v1a["deliveries"]:
        entries = delivery["signature"].split(" ")
        if len(entries) != 1 or not entries[0].startswith("v1a,") or len(delivery["mutations"]) == 0:
            continue
        key_set = v1a["key_sets"][delivery["key_set"]]
        key = b64url_decode(key_set["jwks"]["keys"][delivery["signing_key"]]["x"])
        message = f"{delivery['id']}.{delivery['timestamp']}.".encode() + v1a_body(delivery["body"])
        if len(message) > 4096:
            continue
        seeds.add("ed25519_differential", key + base64.b64decode(entries[0][4:]) + message)
    shared = Path(os.environ.get("HOOKVERIFY_VECTORS", REPO.parent / "shared" / "vectors"))
    for name, fields in [
        ("rfc8032_ed25519.json", ("public_key", "signature", "message")),
        ("speccheck_ed25519.json", ("pub_key", "signature", "message")),
    ]:
        path = shared / "ed25519" / name
        if not path.exists():
            continue
        for case in load(path)["cases"]:
            seeds.add("ed25519_differential", b"".join(bytes.fromhex(case[f]) for f in fields))


def main():
    seeds = Seeds()
    deliveries = hmac_deliveries()
    jwt = load(REPO / "tests/data/interop_jwt.json")
    signature_header(seeds, deliveries)
    hmac_delivery(seeds, deliveries)
    hmac_streaming(seeds, deliveries)
    jwks(seeds, jwt)
    jwt_target(seeds, jwt)
    es256(seeds, jwt)
    rs256(seeds, jwt)
    ed25519(seeds, load(REPO / "tests/data/interop_v1a.json"))
    montgomery_square(seeds)
    p256_field(seeds)
    f25519(seeds)
    for target in sorted(seeds.count):
        print(f"{target}: {seeds.count[target]} new seeds")


if __name__ == "__main__":
    main()
