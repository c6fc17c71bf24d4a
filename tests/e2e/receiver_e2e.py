#!/usr/bin/env python3
"""End-to-end test of the example receiver (examples/receiver), run as users run it.

Two receiver instances share one Redis (the replay store) and one sender JWKS served over
loopback HTTP. Independent Python peers sign the deliveries (never hookverify):

* v1 (Standard Webhooks HMAC): ``standardwebhooks`` and ``svix`` (1.83.0, the last release
  with signing code of its own), alternating;
* v1a (Ed25519): ``cryptography``'s ``Ed25519PrivateKey``;
* JWT: ``PyJWT``, RS256, the body bound by a ``body_sha256`` claim.

The checks, in order (each a named step; the script stops at the first failure):

0. (setup) /healthz is 503 while the JWKS endpoint fails, 200 once it serves;
1. authentic deliveries of every scheme are processed once (204);
2. forgeries are refused (401 and the exact error code), a forged id cannot inject log
   fields, 64 KiB and 1 MiB (the limit) are accepted, 1 MiB + 1 and 2 MiB are 413;
3. a delivery re-sent to either instance is a duplicate (200) and not processed again;
4. Redis outage: 503 for authentic deliveries, 401 for forged ones; the retry after Redis is
   back is processed once;
5. key rotation: a new key is picked up with one JWKS refetch; a burst of deliveries by an
   unpublished key refetches at most once per instance per interval; a slow refetch does
   not hold up other deliveries;
6. load: thousands of deliveries (a tenth duplicates) at concurrency 32 over both instances,
   each processed exactly once;
7. graceful shutdown: SIGTERM while a request body is being sent (and a keep-alive
   connection is idle); the request is answered 204 and the instance exits 0;
8. outputs: one well-formed log line per delivery, no secret in any output.

Usage (see README.md beside this file)::

    python3 -m venv /tmp/e2e-venv && /tmp/e2e-venv/bin/pip install -r tests/e2e/requirements.txt
    cargo build --release --manifest-path examples/receiver/Cargo.toml
    /tmp/e2e-venv/bin/python tests/e2e/receiver_e2e.py \\
        --receiver examples/receiver/target/release/hookverify-receiver

Exit status 0 only when every check passes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import http.server
import json
import random
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import jwt
import standardwebhooks.webhooks as std_webhooks
import svix.webhooks as svix_webhooks
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# A fixed test secret (32 bytes). Check 8 makes sure it never shows up in any output.
SECRET_BYTES = b"hookverify-e2e fixed test secret"
SECRET = "whsec_" + base64.b64encode(SECRET_BYTES).decode()

ISSUER = "https://generativelanguage.googleapis.com"
AUDIENCE = "https://hooks.example.test/gemini"
BODY_HASH_CLAIM = "body_sha256"
MIN_REFRESH = 2  # --jwks-min-refresh, seconds
MAX_BODY = 1 << 20  # the receiver's default --max-body
HTTP_TIMEOUT = 10.0

LOG_LINE = re.compile(
    r"delivery id=(?P<id>\S+) scheme=(?P<scheme>v1|v1a|jwt|-) outcome=(?P<outcome>\S+) "
    r"status=(?P<status>\d{3}) latency_us=(?P<latency>\d+)"
)


class CheckFailed(Exception):
    """A check's expectation did not hold."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def say(message: str) -> None:
    print(message, flush=True)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Processes


class Service:
    """A subprocess with its stdout and stderr in files; stopped by its own pid."""

    def __init__(self, name: str, argv: list[str], logdir: Path) -> None:
        self.name = name
        self.argv = argv
        self.stdout_path = logdir / f"{name}.stdout"
        self.stderr_path = logdir / f"{name}.stderr"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout`; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def tails(self, lines: int = 15) -> str:
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            text = path.read_text(errors="replace").splitlines() if path.exists() else []
            parts.append(f"--- {path.name} (last {lines} of {len(text)} lines)")
            parts.extend(text[-lines:])
        return "\n".join(parts)


class Redis(Service):
    """redis-server on a fixed loopback port, without persistence: restarting it empties it."""

    def __init__(self, binary: str, port: int, logdir: Path) -> None:
        argv = [binary, "--port", str(port), "--save", "", "--appendonly", "no",
                "--bind", "127.0.0.1"]
        super().__init__("redis", argv, logdir)
        self.port = port

    def start(self) -> None:
        super().start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            expect(self.running(), f"redis-server exited: {self.proc and self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise CheckFailed("redis-server did not answer PING within 10 s")


@dataclass
class Instance:
    """One receiver instance."""

    name: str
    port: int
    processed: Path
    service: Service


class JwksServer:
    """The sender's JWKS over loopback HTTP, from a thread: swappable, GETs counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._body = b'{"keys":[]}'
        self._gets = 0
        self.failing = False  # answer 503 (the sender's endpoint is down)
        self.delay = 0.0  # seconds before answering (a slow endpoint)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path != "/jwks.json":
                    self.send_error(404)
                    return
                with server._lock:
                    server._gets += 1
                    body = server._body
                time.sleep(server.delay)
                if server.failing:
                    self.send_error(503)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    def publish(self, jwks: dict) -> None:
        body = json.dumps(jwks).encode()
        with self._lock:
            self._body = body

    @property
    def gets(self) -> int:
        with self._lock:
            return self._gets


# --------------------------------------------------------------------------------------------
# Keys and signers (independent peers, never hookverify)


@dataclass
class EdKey:
    kid: str
    private: Ed25519PrivateKey

    def jwk(self) -> dict:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": self.kid, "use": "sig"}


@dataclass
class RsaKey:
    kid: str
    private: rsa.RSAPrivateKey

    def jwk(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}


def random_kid() -> str:
    return secrets.token_hex(20)


def jwks_of(ed_keys: list[EdKey], rsa_key: RsaKey) -> dict:
    return {"keys": [key.jwk() for key in ed_keys] + [rsa_key.jwk()]}


@dataclass
class Delivery:
    """One signed delivery, as a sender puts it on the wire."""

    msg_id: str
    timestamp: int
    body: bytes
    signature: str
    scheme: str  # "v1", "v1a" or "jwt"
    event_type: str | None
    processed_id: str  # what the receiver deduplicates on: webhook-id, or the JWT's jti

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "webhook-id": self.msg_id,
            "webhook-timestamp": str(self.timestamp),
            "webhook-signature": self.signature,
        }

    def with_body(self, body: bytes) -> Delivery:
        """The same headers over another body (a tampered delivery)."""
        return Delivery(self.msg_id, self.timestamp, body, self.signature, self.scheme,
                        self.event_type, self.processed_id)

    def with_signature(self, signature: str) -> Delivery:
        return Delivery(self.msg_id, self.timestamp, self.body, signature, self.scheme,
                        self.event_type, self.processed_id)


def flip_bit(entry: str) -> str:
    """A `v1,...`/`v1a,...` entry with one bit of its signature flipped."""
    version, sig = entry.split(",", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[len(raw) // 2] ^= 0x01
    return f"{version},{b64(bytes(raw))}"


def gemini_body(rng: random.Random, event_type: str = "batch.succeeded",
                size: int | None = None) -> bytes:
    """A Gemini API event; padded with a `note` in `data` to exactly `size` bytes if given."""
    batch = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=16))
    event = {
        "type": event_type,
        "version": "v1",
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {"id": f"batches/{batch}", "output_file_uri": f"files/{batch}-output"},
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    if size is not None:
        event["data"]["note"] = ""
        base = len(json.dumps(event, separators=(",", ":")).encode())
        expect(size >= base, f"cannot pad a body to {size} bytes")
        event["data"]["note"] = "x" * (size - base)
        body = json.dumps(event, separators=(",", ":")).encode()
        assert len(body) == size
    return body


EVENT_TYPES = ["batch.succeeded", "batch.failed", "batch.cancelled", "batch.expired",
               "interaction.completed", "video.generated"]


class Signers:
    def __init__(self) -> None:
        self.std = std_webhooks.Webhook(SECRET)
        self.svix = svix_webhooks.Webhook(SECRET)
        self._turn = 0

    def v1(self, body: bytes, *, signer: str | None = None, age: int = 0,
           event_type: str | None = "batch.succeeded") -> Delivery:
        """Standard Webhooks v1 by `signer` ("standardwebhooks" or "svix"; alternating)."""
        if signer is None:
            signer = "standardwebhooks" if self._turn % 2 == 0 else "svix"
            self._turn += 1
        webhook = self.std if signer == "standardwebhooks" else self.svix
        msg_id = f"msg_{uuid.uuid4()}"
        when = datetime.fromtimestamp(int(time.time()) - age, tz=timezone.utc)
        signature = webhook.sign(msg_id, when, body.decode())
        return Delivery(msg_id, int(when.timestamp()), body, signature, "v1", event_type, msg_id)

    @staticmethod
    def v1a(key: EdKey, body: bytes, *, age: int = 0,
            event_type: str | None = "batch.succeeded") -> Delivery:
        msg_id = f"msg_{uuid.uuid4()}"
        timestamp = int(time.time()) - age
        signature = key.private.sign(f"{msg_id}.{timestamp}.".encode() + body)
        return Delivery(msg_id, timestamp, body, f"v1a,{b64(signature)}", "v1a", event_type,
                        msg_id)

    @staticmethod
    def jwt(key: RsaKey, body: bytes, *, signing_key: rsa.RSAPrivateKey | None = None,
            hashed_body: bytes | None = None,
            event_type: str | None = "batch.succeeded") -> Delivery:
        """An RS256 token binding `hashed_body` (default: `body`), with `key`'s kid."""
        now = int(time.time())
        jti = f"jti-{uuid.uuid4()}"
        digest = hashlib.sha256(body if hashed_body is None else hashed_body).digest()
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 300,
            "jti": jti,
            BODY_HASH_CLAIM: b64url(digest),
            "type": event_type,
        }
        token = jwt.encode(claims, signing_key or key.private, algorithm="RS256",
                           headers={"kid": key.kid})
        return Delivery(f"msg_{uuid.uuid4()}", now, body, token, "jwt", event_type, jti)


# --------------------------------------------------------------------------------------------
# HTTP client


@dataclass
class Answer:
    status: int
    body: bytes
    latency: float  # seconds, client-measured


def read_answer(sock: socket.socket, started: float) -> Answer:
    response = http.client.HTTPResponse(sock, method="POST")
    response.begin()
    body = response.read()
    return Answer(response.status, body, time.perf_counter() - started)


def request_head(port: int, headers: dict[str, str], length: int | None) -> bytes:
    """A POST's head with Content-Length `length`, or chunked when `length` is None."""
    lines = ["POST /webhooks HTTP/1.1", f"Host: 127.0.0.1:{port}",
             "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Client:
    """Posts deliveries; counts the statuses each instance answered (check 8 compares them
    with the instance's log lines)."""

    def __init__(self) -> None:
        self.statuses: dict[str, Counter[int]] = {}
        self._lock = threading.Lock()

    def _count(self, instance: Instance, status: int) -> None:
        with self._lock:
            self.statuses.setdefault(instance.name, Counter())[status] += 1

    def post(self, instance: Instance, delivery: Delivery,
             conn: http.client.HTTPConnection | None = None) -> Answer:
        own = conn is None
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=HTTP_TIMEOUT)
        try:
            started = time.perf_counter()
            conn.request("POST", "/webhooks", body=delivery.body, headers=delivery.headers())
            response = conn.getresponse()
            body = response.read()
            answer = Answer(response.status, body, time.perf_counter() - started)
        finally:
            if own:
                conn.close()
        self._count(instance, answer.status)
        return answer

    def post_oversized(self, instance: Instance, delivery: Delivery,
                       chunked: bool = False) -> Answer:
        """Sends the body in pieces and stops as soon as the server answers (a 413 may come
        before the body is read, and the server then closes the connection); with `chunked`,
        in chunked transfer coding (no length announced)."""
        with socket.create_connection(("127.0.0.1", instance.port), timeout=HTTP_TIMEOUT) as sock:
            started = time.perf_counter()
            body = delivery.body
            if chunked:
                pieces = [body[i:i + 65536] for i in range(0, len(body), 65536)] + [b""]
                body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
            sock.sendall(request_head(instance.port, delivery.headers(),
                                      None if chunked else len(body)))
            view = memoryview(body)
            sent = 0
            while sent < len(view):
                readable, writable, _ = select.select([sock], [sock], [], HTTP_TIMEOUT)
                if readable:
                    break
                if writable:
                    try:
                        sent += sock.send(view[sent:sent + 65536])
                    except (BrokenPipeError, ConnectionResetError):
                        break
            answer = read_answer(sock, started)
        self._count(instance, answer.status)
        return answer

    def post_slowly(self, instance: Instance, delivery: Delivery,
                    midway: Callable[[], None], pause: float) -> Answer:
        """Sends the headers and half the body, sleeps `pause`, calls `midway`, sleeps
        `pause` again, then sends the rest."""
        half = len(delivery.body) // 2
        with socket.create_connection(("127.0.0.1", instance.port), timeout=HTTP_TIMEOUT) as sock:
            started = time.perf_counter()
            sock.sendall(request_head(instance.port, delivery.headers(), len(delivery.body)))
            sock.sendall(delivery.body[:half])
            time.sleep(pause)
            midway()
            time.sleep(pause)
            sock.sendall(delivery.body[half:])
            answer = read_answer(sock, started)
        self._count(instance, answer.status)
        return answer


def get_status(port: int, path: str) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


# --------------------------------------------------------------------------------------------
# The test


@dataclass
class LoadFigures:
    requests: int
    unique: int
    duplicates: int
    wall: float
    p50_ms: float
    p99_ms: float

    @property
    def throughput(self) -> float:
        return self.requests / self.wall


class E2E:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.rng = random.Random(args.seed)
        self.client = Client()
        self.signers = Signers()
        self.jwks = JwksServer()
        self.redis = Redis(args.redis_server, free_port(), workdir)
        self.services: list[Service] = [self.redis]
        self.instances: list[Instance] = []
        # id -> (instance name, scheme, type) of every delivery that must be processed once.
        self.expected: dict[str, tuple[str, str, str | None]] = {}
        self.load: LoadFigures | None = None
        # Keys: three Ed25519 keys and one RSA key published, as a Gemini JWKS.
        self.ed_keys = [EdKey(random_kid(), Ed25519PrivateKey.generate()) for _ in range(3)]
        self.rsa_key = RsaKey(random_kid(), rsa.generate_private_key(65537, 2048))

    # -- setup and teardown ------------------------------------------------------------------

    def start(self) -> None:
        """Redis, the JWKS and both instances; the JWKS endpoint fails at first, so each
        instance must answer /healthz 503 until its startup fetch succeeds."""
        self.jwks.publish(jwks_of(self.ed_keys, self.rsa_key))
        self.jwks.failing = True
        self.jwks.start()
        self.redis.start()
        for name in ("a", "b"):
            port = free_port()
            processed = self.workdir / f"{name}.processed.jsonl"
            argv = [
                self.args.receiver,
                "--listen", f"127.0.0.1:{port}",
                "--secret", SECRET,
                "--jwks-url", self.jwks.url,
                "--issuer", ISSUER,
                "--audience", AUDIENCE,
                "--body-hash-claim", BODY_HASH_CLAIM,
                "--redis", f"redis://127.0.0.1:{self.redis.port}/",
                "--jwks-min-refresh", str(MIN_REFRESH),
                "--processed", str(processed),
            ]
            service = Service(f"receiver-{name}", argv, self.workdir)
            service.start()
            self.services.append(service)
            self.instances.append(Instance(name, port, processed, service))
        say(f"setup: redis on :{self.redis.port}, JWKS on :{self.jwks.port}, instances "
            + ", ".join(f"{i.name} on :{i.port} (pid {i.service.pid})" for i in self.instances))
        self.wait_for(lambda i: "answered 503" in i.service.stderr(), "a failed JWKS fetch")
        for instance in self.instances:
            status = get_status(instance.port, "/healthz")
            expect(status == 503, f"instance {instance.name}: /healthz {status} before the "
                                  "startup JWKS fetch succeeded, not 503")
        say("  ok  /healthz 503 on both instances while the JWKS endpoint fails")
        self.jwks.failing = False
        self.wait_for(lambda i: get_status(i.port, "/healthz") == 200, "/healthz 200")
        say("  ok  /healthz 200 on both instances once the JWKS is served")

    def wait_for(self, ready: Callable[[Instance], bool], what: str, limit: float = 20) -> None:
        deadline = time.monotonic() + limit
        for instance in self.instances:
            while not ready(instance):
                expect(instance.service.running(),
                       f"instance {instance.name} exited with {instance.service.proc.returncode}")
                expect(time.monotonic() < deadline,
                       f"instance {instance.name}: no {what} within {limit:.0f} s")
                time.sleep(0.05)

    def stop(self) -> None:
        for service in reversed(self.services):
            try:
                service.stop()
            except Exception as error:  # keep stopping the others
                say(f"warning: stopping {service.name}: {error}")
        self.jwks.stop()

    def print_tails(self) -> None:
        for service in self.services:
            say(f"=== {service.name} (pid {service.proc.pid if service.proc else '-'})")
            say(service.tails())

    @property
    def a(self) -> Instance:
        return self.instances[0]

    @property
    def b(self) -> Instance:
        return self.instances[1]

    # -- helpers -----------------------------------------------------------------------------

    def accepted(self, instance: Instance, delivery: Delivery, what: str) -> None:
        """Posts an authentic new delivery: 204, and it must be processed once by `instance`."""
        answer = self.client.post(instance, delivery)
        expect(answer.status == 204,
               f"{what}: expected 204, got {answer.status} {answer.body[:80]!r}")
        self.expected[delivery.processed_id] = (instance.name, delivery.scheme,
                                                delivery.event_type)
        say(f"  ok  {what} -> {instance.name}: 204")

    def refused(self, instance: Instance, delivery: Delivery, code: str, what: str) -> None:
        answer = self.client.post(instance, delivery)
        expect(answer.status == 401 and answer.body == code.encode(),
               f"{what}: expected 401 {code!r}, got {answer.status} {answer.body[:80]!r}")
        say(f"  ok  {what} -> {instance.name}: 401 {code}")

    def duplicate(self, instance: Instance, delivery: Delivery, what: str) -> None:
        answer = self.client.post(instance, delivery)
        expect(answer.status == 200 and answer.body == b"duplicate",
               f"{what}: expected 200 'duplicate', got {answer.status} {answer.body[:80]!r}")
        say(f"  ok  {what} -> {instance.name}: 200 duplicate")

    def processed_lines(self) -> list[tuple[str, dict]]:
        lines = []
        for instance in self.instances:
            if not instance.processed.exists():
                continue
            for line in instance.processed.read_text().splitlines():
                try:
                    lines.append((instance.name, json.loads(line)))
                except json.JSONDecodeError as error:
                    raise CheckFailed(f"{instance.processed.name}: not JSON: {line!r}") from error
        return lines

    def verify_processed(self) -> None:
        """The union of both processed files holds exactly the expected deliveries, each once,
        in the file of the instance that answered 204, with the right scheme and type."""
        lines = self.processed_lines()
        counts = Counter(entry.get("id") for _, entry in lines)
        twice = [id_ for id_, n in counts.items() if n > 1]
        expect(not twice, f"processed more than once: {twice[:5]} ({len(twice)} ids)")
        unexpected = [id_ for id_ in counts if id_ not in self.expected]
        expect(not unexpected, f"processed but not expected: {unexpected[:5]}")
        missing = [id_ for id_ in self.expected if id_ not in counts]
        expect(not missing, f"answered 204 but not processed: {missing[:5]} ({len(missing)})")
        for name, entry in lines:
            want = self.expected[entry["id"]]
            got = (name, entry.get("scheme"), entry.get("type"))
            expect(got == want, f"processed {entry['id']}: expected {want}, got {got}")
        say(f"  ok  processed files: {len(lines)} deliveries, each exactly once, "
            "with the right instance, scheme and type")

    def fetches(self, instance: Instance) -> int:
        """Successful JWKS fetches the instance logged."""
        return instance.service.stderr().count(" usable key(s)")

    # -- the checks --------------------------------------------------------------------------

    def check_authentic(self) -> None:
        a, b = self.a, self.b
        body = lambda: gemini_body(self.rng, self.rng.choice(EVENT_TYPES))  # noqa: E731
        raw = body()
        d = self.signers.v1(raw, signer="standardwebhooks", event_type=json.loads(raw)["type"])
        self.accepted(a, d, "v1 by standardwebhooks")
        self.v1_std = d
        raw = body()
        d = self.signers.v1(raw, signer="svix", event_type=json.loads(raw)["type"])
        self.accepted(b, d, "v1 by svix")
        self.v1_svix = d
        self.v1a_sent = []
        for index, key in enumerate(self.ed_keys):
            raw = body()
            d = self.signers.v1a(key, raw, event_type=json.loads(raw)["type"])
            self.accepted([a, b][index % 2], d, f"v1a by JWKS key {index + 1} (kid {key.kid[:8]}…)")
            self.v1a_sent.append(d)
        raw = body()
        d = self.signers.jwt(self.rsa_key, raw, event_type=json.loads(raw)["type"])
        self.accepted(b, d, "RS256 JWT (PyJWT)")
        self.jwt_sent = d
        self.verify_processed()

    def check_refusals(self) -> None:
        a, b = self.a, self.b
        body = gemini_body(self.rng)
        other = gemini_body(self.rng, "batch.failed")
        key = self.ed_keys[0]
        for scheme, sign in (("v1", lambda raw, age=0: self.signers.v1(raw, age=age)),
                             ("v1a", lambda raw, age=0: self.signers.v1a(key, raw, age=age))):
            self.refused(a, sign(body).with_body(other), "no-matching-signature",
                         f"{scheme} tampered body")
            d = sign(body)
            self.refused(b, d.with_signature(flip_bit(d.signature)), "no-matching-signature",
                         f"{scheme} tampered signature")
            self.refused(a, sign(body, age=600), "too-old", f"{scheme} timestamp 600 s old")
        stranger = EdKey(random_kid(), Ed25519PrivateKey.generate())
        self.refused(b, self.signers.v1a(stranger, body), "no-matching-signature",
                     "v1a by a key not in the JWKS")
        self.refused(a, self.signers.jwt(self.rsa_key, other, hashed_body=body), "body-mismatch",
                     "JWT over another body")
        impostor = rsa.generate_private_key(65537, 2048)
        self.refused(b, self.signers.jwt(self.rsa_key, body, signing_key=impostor),
                     "invalid-signature", "JWT by another RSA key under the same kid")
        unknown_kid = RsaKey(random_kid(), self.rsa_key.private)
        self.refused(a, self.signers.jwt(unknown_kid, body), "unknown-key",
                     "JWT naming a kid not in the JWKS")
        garbage = self.signers.jwt(self.rsa_key, body)
        garbage.signature = "not-a.jwt"
        self.refused(b, garbage, "invalid-token", "malformed JWT")
        # A forger chooses the id it sends: it must not be able to forge log fields.
        forged = self.signers.v1(body)
        forged.msg_id = "msg_x scheme=v1 outcome=processed status=204 latency_us=1"
        self.refused(a, forged, "invalid-header", "webhook-id with spaces (log injection)")
        line = a.service.stdout().splitlines()[-1]
        match = LOG_LINE.fullmatch(line)
        expect(match is not None and match["status"] == "401"
               and match["outcome"] == "rejected:invalid-header",
               f"the log line of a refused delivery holds forged fields: {line!r}")
        say(f"  ok  its log line keeps one field per name: {line[:60]!r}…")
        # Size limits: 64 KiB is accepted, 2 MiB refused before verification.
        big = gemini_body(self.rng, size=64 * 1024)
        self.accepted(a, self.signers.v1(big), "64 KiB body (v1)")
        self.accepted(b, self.signers.v1(gemini_body(self.rng, size=MAX_BODY)),
                      "1 MiB body, the limit (v1)")
        for size, what, chunked in ((2 * MAX_BODY, "2 MiB body", False),
                                    (MAX_BODY + 1, "1 MiB + 1 byte body", False),
                                    (2 * MAX_BODY, "2 MiB body, chunked", True)):
            huge = self.signers.v1(gemini_body(self.rng, size=size))
            answer = self.client.post_oversized(b, huge, chunked=chunked)
            expect(answer.status == 413, f"{what}: expected 413, got {answer.status}")
            say(f"  ok  {what} -> b: 413 (in {answer.latency * 1000:.1f} ms)")
        self.verify_processed()

    def check_duplicates(self) -> None:
        a, b = self.a, self.b
        self.duplicate(b, self.v1_std, "v1 delivery processed by a, re-sent")
        self.duplicate(a, self.v1_std, "the same, re-sent to a")
        self.duplicate(a, self.v1_svix, "v1 delivery processed by b, re-sent")
        self.duplicate(a, self.v1a_sent[1], "v1a delivery processed by b, re-sent")
        self.duplicate(b, self.v1a_sent[0], "v1a delivery processed by a, re-sent")
        self.duplicate(a, self.jwt_sent, "JWT delivery processed by b, re-sent")
        self.duplicate(b, self.jwt_sent, "the same, re-sent to b")
        self.verify_processed()

    def check_redis_outage(self) -> None:
        code = self.redis.stop()
        say(f"  ok  redis-server (pid {self.redis.pid}) stopped: exit status {code}")
        pending = []
        for instance in self.instances:
            d = self.signers.v1a(self.ed_keys[2], gemini_body(self.rng))
            answer = self.client.post(instance, d)
            expect(answer.status == 503,
                   f"authentic during the outage: expected 503, got {answer.status} "
                   f"{answer.body[:80]!r}")
            say(f"  ok  authentic v1a during the outage -> {instance.name}: 503 "
                f"{answer.body.decode(errors='replace')} (in {answer.latency * 1000:.0f} ms)")
            forged = self.signers.v1(gemini_body(self.rng))
            self.refused(instance, forged.with_signature(flip_bit(forged.signature)),
                         "no-matching-signature", "forged v1 during the outage")
            pending.append((instance, d))
        self.redis.start()
        say(f"  ok  redis-server restarted on :{self.redis.port} (pid {self.redis.pid}), empty")
        for instance, d in pending:
            started = time.monotonic()
            tries = 0
            while True:
                tries += 1
                answer = self.client.post(instance, d)
                if answer.status == 204:
                    break
                expect(answer.status == 503,
                       f"retry after the outage: expected 503 or 204, got {answer.status} "
                       f"{answer.body[:80]!r}")
                expect(time.monotonic() - started < 10,
                       f"instance {instance.name} still answers 503 10 s after Redis is back")
                time.sleep(0.25)
            self.expected[d.processed_id] = (instance.name, d.scheme, d.event_type)
            say(f"  ok  the sender's retry -> {instance.name}: 204 after "
                f"{time.monotonic() - started:.2f} s ({tries} tries)")
        self.verify_processed()

    def check_rotation(self) -> None:
        a, b = self.a, self.b
        new_key = EdKey(random_kid(), Ed25519PrivateKey.generate())
        self.ed_keys.append(new_key)
        self.jwks.publish(jwks_of(self.ed_keys, self.rsa_key))
        # Nothing that could refetch is sent for longer than the least interval.
        time.sleep(MIN_REFRESH + 0.5)
        gets, fetched_a, fetched_b = self.jwks.gets, self.fetches(a), self.fetches(b)
        self.accepted(a, self.signers.v1a(new_key, gemini_body(self.rng)),
                      f"v1a by a newly published key (kid {new_key.kid[:8]}…)")
        expect(self.jwks.gets == gets + 1,
               f"the JWKS was fetched {self.jwks.gets - gets} times for the new key, not once")
        expect((self.fetches(a), self.fetches(b)) == (fetched_a + 1, fetched_b),
               "the refetch was not done by the instance that got the delivery")
        say("  ok  exactly one JWKS refetch, by instance a")
        # A burst of deliveries by an unpublished key, over both instances at once.
        stranger = EdKey(random_kid(), Ed25519PrivateKey.generate())
        burst = [(self.instances[i % 2], self.signers.v1a(stranger, gemini_body(self.rng)))
                 for i in range(20)]
        gets, fetched_a, fetched_b = self.jwks.gets, self.fetches(a), self.fetches(b)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(burst)) as pool:
            answers = list(pool.map(lambda job: self.client.post(*job), burst))
        elapsed = time.monotonic() - started
        bad = [(x.status, x.body) for x in answers
               if (x.status, x.body) != (401, b"no-matching-signature")]
        expect(not bad, f"burst by an unpublished key: not all 401 no-matching-signature: {bad}")
        rise = self.jwks.gets - gets
        per_instance = (self.fetches(a) - fetched_a, self.fetches(b) - fetched_b)
        say(f"  ok  20 deliveries by an unpublished key in {elapsed * 1000:.0f} ms: all 401 "
            f"no-matching-signature; JWKS GETs +{rise} (a +{per_instance[0]}, "
            f"b +{per_instance[1]})")
        expect(elapsed < 1.0, f"the burst took {elapsed:.2f} s, not within 1 s")
        expect(rise <= 2 and max(per_instance) <= 1,
               f"the burst refetched the JWKS {rise} times (a {per_instance[0]}, "
               f"b {per_instance[1]}): more than once per instance per {MIN_REFRESH} s")
        # A refetch (here one a forgery triggers, from a slow JWKS endpoint) must not hold up
        # the deliveries that do not need it.
        time.sleep(MIN_REFRESH + 0.5)
        self.jwks.delay = 1.5
        gets = self.jwks.gets
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:
                forged = pool.submit(self.client.post, a,
                                     self.signers.v1a(stranger, gemini_body(self.rng)))
                deadline = time.monotonic() + 5
                while self.jwks.gets == gets:  # until the refetch has started
                    expect(time.monotonic() < deadline, "a forged v1a did not refetch the JWKS")
                    time.sleep(0.01)
                d = self.signers.v1(gemini_body(self.rng))
                answer = self.client.post(a, d)
                expect(answer.status == 204, f"v1 during a refetch: {answer.status}")
                self.expected[d.processed_id] = (a.name, d.scheme, d.event_type)
                expect(answer.latency < 0.75,
                       f"a v1 delivery waited {answer.latency:.2f} s for a JWKS refetch it "
                       "does not need")
                refused = forged.result()
        finally:
            self.jwks.delay = 0.0
        expect((refused.status, refused.body) == (401, b"no-matching-signature"),
               f"forged v1a during the refetch: {refused.status} {refused.body!r}")
        say(f"  ok  a v1 delivery during a 1.5 s refetch (triggered by a forged v1a) -> a: 204 "
            f"in {answer.latency * 1000:.0f} ms, not held up")
        self.verify_processed()

    def check_load(self) -> None:
        total = self.args.requests
        duplicates = total // 10
        unique = total - duplicates
        say(f"  ..  signing {unique} deliveries ({duplicates} to be re-sent)")
        plan: list[tuple[float, Instance, Delivery]] = []
        originals = []
        for n in range(unique):
            roll = self.rng.random()
            raw = gemini_body(self.rng, self.rng.choice(EVENT_TYPES))
            kind = json.loads(raw)["type"]
            if roll < 0.05:
                d = self.signers.jwt(self.rsa_key, raw, event_type=kind)
            elif roll < 0.50:
                d = self.signers.v1(raw, event_type=kind)
            else:
                d = self.signers.v1a(self.rng.choice(self.ed_keys), raw, event_type=kind)
            order = self.rng.random()
            instance = self.instances[n % 2]
            plan.append((order, instance, d))
            originals.append((order, instance, d))
        for order, instance, d in self.rng.sample(originals, duplicates):
            # Re-sent after the original was queued, often while it is still in flight; to
            # the other instance half of the time.
            later = order + self.rng.random() * (1 - order) * 0.05
            other = self.instances[1 - self.instances.index(instance)] \
                if self.rng.random() < 0.5 else instance
            plan.append((later, other, d))
        plan.sort(key=lambda job: job[0])
        jobs = [(instance, d) for _, instance, d in plan]

        local = threading.local()
        connections: list[http.client.HTTPConnection] = []
        connections_lock = threading.Lock()

        def send(job: tuple[Instance, Delivery]) -> tuple[Instance, Delivery, Answer | str]:
            instance, d = job
            conns = getattr(local, "conns", None)
            if conns is None:
                conns = local.conns = {}
            conn = conns.get(instance.port)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", instance.port,
                                                  timeout=HTTP_TIMEOUT)
                conns[instance.port] = conn
                with connections_lock:
                    connections.append(conn)
            try:
                return instance, d, self.client.post(instance, d, conn)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                return instance, d, f"{type(error).__name__}: {error}"

        say(f"  ..  sending {len(jobs)} requests at concurrency {self.args.concurrency}")
        pool = ThreadPoolExecutor(max_workers=self.args.concurrency)
        try:
            started = time.perf_counter()
            results = list(pool.map(send, jobs))
            wall = time.perf_counter() - started
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for conn in connections:
                conn.close()

        errors = [(i.name, d.msg_id, r) for i, d, r in results if isinstance(r, str)]
        expect(not errors, f"{len(errors)} requests failed, e.g. {errors[:3]}")
        by_id: dict[str, list[tuple[Instance, Answer]]] = {}
        for instance, d, answer in results:
            by_id.setdefault(d.processed_id, []).append((instance, answer))
        delivery_of = {d.processed_id: d for _, _, d in plan}
        for id_, sends in by_id.items():
            statuses = sorted(answer.status for _, answer in sends)
            expect(statuses == [200] * (len(sends) - 1) + [204],
                   f"{id_}: sent {len(sends)} times, answered {statuses} (want one 204, "
                   "the rest 200)")
            bodies = {answer.body for _, answer in sends if answer.status == 200}
            expect(bodies <= {b"duplicate"}, f"{id_}: 200 with body {bodies}")
            winner = next(instance for instance, answer in sends if answer.status == 204)
            d = delivery_of[id_]
            self.expected[id_] = (winner.name, d.scheme, d.event_type)
        latencies = sorted(answer.latency for _, _, answer in results)
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
        self.load = LoadFigures(len(jobs), unique, duplicates, wall, pick(0.50) * 1000,
                                pick(0.99) * 1000)
        schemes = Counter(d.scheme for d in delivery_of.values())
        say(f"  ok  {len(jobs)} requests ({unique} unique deliveries: v1 {schemes['v1']}, "
            f"v1a {schemes['v1a']}, jwt {schemes['jwt']}; {duplicates} re-sent): each answered "
            "204 once and 200 'duplicate' otherwise")
        say(f"  ok  {self.load.throughput:.0f} req/s over {wall:.2f} s; latency p50 "
            f"{self.load.p50_ms:.2f} ms, p99 {self.load.p99_ms:.2f} ms")
        self.verify_processed()

    def check_graceful_shutdown(self) -> None:
        b = self.b
        # A sender's keep-alive connection, idle during the shutdown: it must not hold it up.
        idle = http.client.HTTPConnection("127.0.0.1", b.port, timeout=HTTP_TIMEOUT)
        d = self.signers.v1(gemini_body(self.rng))
        answer = self.client.post(b, d, idle)
        expect(answer.status == 204, f"delivery on the idle connection: {answer.status}")
        self.expected[d.processed_id] = (b.name, d.scheme, d.event_type)
        raw = gemini_body(self.rng, size=8 * 1024)
        d = self.signers.v1a(self.ed_keys[0], raw)

        def terminate() -> None:
            b.service.proc.send_signal(signal.SIGTERM)
            say(f"  ..  SIGTERM sent to instance b (pid {b.service.pid}) with half the body sent")

        answer = self.client.post_slowly(b, d, terminate, pause=0.5)
        expect(answer.status == 204,
               f"request in flight during shutdown: expected 204, got {answer.status} "
               f"{answer.body[:80]!r}")
        self.expected[d.processed_id] = (b.name, d.scheme, d.event_type)
        say("  ok  the request in flight was answered 204")
        try:
            code = b.service.proc.wait(5)
        except subprocess.TimeoutExpired as error:
            raise CheckFailed("instance b did not exit within 5 s of SIGTERM") from error
        finally:
            idle.close()
        expect(code == 0, f"instance b exited with status {code}, not 0")
        say("  ok  instance b exited with status 0 (an idle keep-alive connection open)")
        expect(get_status(b.port, "/healthz") is None, "instance b still listens")
        self.verify_processed()

    def check_outputs(self) -> None:
        forbidden = {
            "the whsec_ secret": SECRET,
            "the secret's base64": SECRET.removeprefix("whsec_"),
            "the secret's bytes": SECRET_BYTES.decode(),
            "the secret's hex": SECRET_BYTES.hex(),
        }
        for instance in self.instances:
            service = instance.service
            lines = service.stdout().splitlines()
            malformed = [line for line in lines if not LOG_LINE.fullmatch(line)]
            expect(not malformed, f"{service.stdout_path.name}: not delivery lines: "
                                  f"{malformed[:3]}")
            statuses = Counter(int(LOG_LINE.fullmatch(line)["status"]) for line in lines)
            sent = self.client.statuses[instance.name].copy()
            sent.pop(413, None)
            expect(statuses == sent,
                   f"{service.stdout_path.name}: statuses logged {dict(statuses)}, "
                   f"answered {dict(sent)}")
            say(f"  ok  instance {instance.name}: one log line per delivery "
                f"({len(lines)} lines, none for the 413)")
            outputs = [service.stdout_path, service.stderr_path, instance.processed]
            for path in outputs:
                text = path.read_text(errors="replace") if path.exists() else ""
                for what, needle in forbidden.items():
                    expect(needle not in text, f"{path.name} holds {what}")
        say("  ok  no secret in any stdout, stderr or processed file")

    CHECKS = [
        ("1. authentic deliveries of every scheme", check_authentic),
        ("2. forgeries, stale and oversized deliveries", check_refusals),
        ("3. duplicates across instances", check_duplicates),
        ("4. Redis outage", check_redis_outage),
        ("5. key rotation and refetch policy", check_rotation),
        ("6. load", check_load),
        ("7. graceful shutdown", check_graceful_shutdown),
        ("8. log lines and secrets", check_outputs),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--receiver", required=True, help="the hookverify-receiver binary")
    parser.add_argument("--redis-server", default="redis-server", help="redis-server binary")
    parser.add_argument("--requests", type=int, default=5000, help="load: requests (>= 5000)")
    parser.add_argument("--concurrency", type=int, default=32, help="load: client threads")
    parser.add_argument("--seed", type=int, default=None, help="seed of the load plan")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    args.receiver = str(Path(args.receiver).resolve())
    if args.seed is None:
        args.seed = random.randrange(1 << 32)
    redis_path = shutil.which(args.redis_server)
    if redis_path is None:
        say(f"error: {args.redis_server} not found (apt-get install redis-server)")
        return 2
    args.redis_server = redis_path
    if not Path(args.receiver).is_file():
        say(f"error: {args.receiver} not found (cargo build --release --manifest-path "
            "examples/receiver/Cargo.toml)")
        return 2

    # SIGINT and SIGTERM end the run (the finally below stops every process started), even
    # when SIGINT was ignored when this process started (a background job of a script).
    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    workdir = Path(tempfile.mkdtemp(prefix="hookverify-e2e-"))
    started = time.monotonic()
    say(f"hookverify receiver end-to-end test (seed {args.seed}, work dir {workdir})")
    test: E2E | None = None
    passed: list[str] = []
    failure: str | None = None
    try:
        test = E2E(args, workdir)
        test.start()
        for name, check in E2E.CHECKS:
            say(f"[{time.monotonic() - started:5.1f}s] {name}")
            check(test)
            passed.append(name)
    except CheckFailed as error:
        failure = str(error)
    except KeyboardInterrupt:
        failure = "interrupted"
    except Exception as error:  # an unexpected error is a failure too, with its traceback
        import traceback

        traceback.print_exc()
        failure = f"{type(error).__name__}: {error}"
    finally:
        # The cleanup itself is not interrupted: every process started is stopped.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if test is not None:
            if failure is not None:
                say(f"FAIL: {failure}")
                test.print_tails()
            test.stop()
    elapsed = time.monotonic() - started
    say("")
    say(f"summary: {len(passed)} of {len(E2E.CHECKS)} checks passed in {elapsed:.1f} s")
    if test is not None and test.load is not None:
        load = test.load
        say(f"load: {load.requests} requests ({load.unique} unique, {load.duplicates} re-sent) "
            f"at concurrency {args.concurrency} over 2 instances in {load.wall:.2f} s: "
            f"{load.throughput:.0f} req/s, latency p50 {load.p50_ms:.2f} ms, "
            f"p99 {load.p99_ms:.2f} ms")
    if failure is None and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        say(f"work dir kept: {workdir}")
    failed = 0 if failure is None else 1
    skipped = len(E2E.CHECKS) - len(passed) - failed
    say(f"{len(passed)} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
