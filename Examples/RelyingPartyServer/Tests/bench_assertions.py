#!/usr/bin/env python3
"""Prepares the load benchmark: an account with a software ES256 security key, and N signed assertions.

Signs up through the JSON API, registers a software P-256 credential ("none" attestation, counter 0 as passkeys
use), then asks for N sign-in ceremonies (POST /api/mfa/security-key/options) and signs each one. Writes one
request body per line to OUT, and the session cookie and CSRF token to OUT.session, for bench_signin.lua.

Usage: bench_assertions.py BASE_URL COUNT OUT
"""
import base64
import hashlib
import http.cookiejar
import json
import secrets
import sys
import time
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# MARK: - A little CBOR (RFC 8949), enough for an attestation object and a COSE key.

def cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("too large")


def cbor(value) -> bytes:
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return cbor_head(0, value) if value >= 0 else cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        return cbor_head(3, len(data)) + data
    if isinstance(value, dict):
        return cbor_head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(type(value))


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", self.base)
        if self.csrf:
            request.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(request, timeout=30) as response:
                result = json.load(response)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{method} {path}: {error.code} {error.read().decode()}")
        self.csrf = result.get("csrfToken", self.csrf)
        return result

    def cookie(self):
        return next(c.value for c in self.jar if c.name == "kb_session")


def main():
    base, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    origin = base.rstrip("/")
    rp_id_hash = hashlib.sha256(urllib.parse.urlparse(origin).hostname.encode()).digest()
    client = Client(base)
    client.call("GET", "/api/session")
    username = f"bench-{secrets.token_hex(4)}@example.com"
    client.call("POST", "/api/signup", {"username": username,
                                        "password": "benchmark password " + secrets.token_hex(4)})

    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    credential_id = secrets.token_bytes(32)
    cose_key = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
    ceremony = client.call("POST", "/api/account/methods/security-key/options", {})
    client_data = json.dumps({"type": "webauthn.create", "challenge": ceremony["publicKey"]["challenge"],
                              "origin": origin, "crossOrigin": False}).encode()
    auth_data = (rp_id_hash + bytes([0x45]) + (0).to_bytes(4, "big") + bytes(16)
                 + len(credential_id).to_bytes(2, "big") + credential_id + cbor(cose_key))
    attestation = cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
    registration = {
        "id": b64url(credential_id), "rawId": b64url(credential_id), "type": "public-key",
        "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                     "transports": ["usb"]},
        "clientExtensionResults": {}, "authenticatorAttachment": "cross-platform",
    }
    client.call("POST", "/api/account/methods/security-key",
                {"ceremonyID": ceremony["ceremonyID"], "name": "Benchmark key", "credential": registration})

    started = time.time()
    assertion_data = rp_id_hash + bytes([0x05]) + (0).to_bytes(4, "big")
    with open(out, "w") as bodies:
        for _ in range(count):
            ceremony = client.call("POST", "/api/mfa/security-key/options", {})
            client_data = json.dumps({"type": "webauthn.get", "challenge": ceremony["publicKey"]["challenge"],
                                      "origin": origin, "crossOrigin": False}).encode()
            signature = key.sign(assertion_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
            credential = {
                "id": b64url(credential_id), "rawId": b64url(credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(assertion_data),
                             "signature": b64url(signature)},
                "clientExtensionResults": {},
            }
            bodies.write(json.dumps({"ceremonyID": ceremony["ceremonyID"], "credential": credential},
                                    separators=(",", ":")) + "\n")
    elapsed = time.time() - started
    with open(out + ".session", "w") as session:
        session.write(client.cookie() + "\n" + client.csrf + "\n" + origin + "\n" + username + "\n")
    print(f"prepared {count} assertions in {elapsed:.1f} s ({count / elapsed:.0f} ceremonies/s, one client)")


if __name__ == "__main__":
    main()
