#!/usr/bin/env python3
"""Independent inputs for `keybridge verify`: responses made by headless Chromium's WebDriver virtual authenticator.

For each configuration (ES256, RS256, EdDSA over CTAP2 with packed attestation; ES256 over U2F with fido-u2f
attestation) it registers a credential in the browser, pipes `PublicKeyCredential.toJSON()` into
`keybridge verify registration`, then signs in twice and pipes each assertion into `keybridge verify authentication`,
checking that the counter advances, that a replayed assertion is refused as `counter-regression`, and that a
response for another challenge is refused as `challenge-mismatch`.

Usage: chromium_virtual_authenticator.py PATH_TO_KEYBRIDGE [--screenshots DIR]
Prints one line per check and a closing line 'browser: N passed, N failed'.
"""
import base64
import http.server
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>KeyBridge browser check</title></head>
<body><h1>KeyBridge</h1><p id="status">ready</p></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


CREATE_JS = """
const [optionsJSON, done] = arguments;
const options = PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(optionsJSON));
navigator.credentials.create({publicKey: options})
  .then(c => done(JSON.stringify(c.toJSON())))
  .catch(e => done(JSON.stringify({error: String(e)})));
"""

GET_JS = """
const [optionsJSON, done] = arguments;
const options = PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(optionsJSON));
navigator.credentials.get({publicKey: options})
  .then(c => done(JSON.stringify(c.toJSON())))
  .catch(e => done(JSON.stringify({error: String(e)})));
"""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed += 1
            print(f"FAIL  {name}: {detail}")


def run_keybridge(binary, args, stdin_text):
    p = subprocess.run([binary] + args, input=stdin_text.encode(), capture_output=True, timeout=60)
    out = p.stdout.decode()
    try:
        body = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        body = None
    return p.returncode, body, out + p.stderr.decode()


def main():
    binary = sys.argv[1]
    shots = None
    if "--screenshots" in sys.argv:
        shots = sys.argv[sys.argv.index("--screenshots") + 1]
        os.makedirs(shots, exist_ok=True)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://localhost:{port}"

    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            opts.binary_location = candidate
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    driver.set_script_timeout(30)
    checks = Checks()
    configs = [
        ("ES256 packed", Protocol.CTAP2, -7, "packed"),
        ("RS256 packed", Protocol.CTAP2, -257, "packed"),
        ("EdDSA packed", Protocol.CTAP2, -8, "packed"),
        ("ES256 U2F", Protocol.U2F, -7, "fido-u2f"),
    ]
    try:
        driver.get(origin + "/")
        for label, protocol, alg, expected_fmt in configs:
            va = VirtualAuthenticatorOptions()
            va.protocol = protocol
            va.transport = Transport.USB
            va.has_resident_key = protocol == Protocol.CTAP2
            va.has_user_verification = protocol == Protocol.CTAP2
            va.is_user_verified = protocol == Protocol.CTAP2
            va.is_user_consenting = True
            driver.add_virtual_authenticator(va)
            try:
                challenge = b64url(secrets.token_bytes(32))
                options = {
                    "rp": {"id": "localhost", "name": "KeyBridge check"},
                    "user": {"id": b64url(secrets.token_bytes(16)), "name": "alice", "displayName": "Alice"},
                    "challenge": challenge,
                    "pubKeyCredParams": [{"type": "public-key", "alg": alg}],
                    "attestation": "direct",
                    "authenticatorSelection": {"userVerification": "discouraged", "residentKey": "discouraged"},
                    "timeout": 30000,
                }
                raw = driver.execute_async_script(CREATE_JS, json.dumps(options))
                response = json.loads(raw)
                if "error" in response:
                    checks.check(f"{label}: browser creates a credential", False, response["error"])
                    continue
                code, record, text = run_keybridge(
                    binary, ["verify", "registration", "--rp-id", "localhost", "--origin", origin, "--challenge", challenge], raw)
                checks.check(f"{label}: registration verifies", code == 0 and record is not None, text)
                if code != 0 or record is None:
                    continue
                checks.check(f"{label}: algorithm is {alg}", record.get("algorithm") == alg, text)
                checks.check(f"{label}: attestation format is {expected_fmt}",
                             record.get("attestationFormat") == expected_fmt, text)

                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                    json.dump(record, f)
                    record_path = f.name
                counts = []
                assertion = None
                for attempt in range(2):
                    challenge = b64url(secrets.token_bytes(32))
                    req = {"challenge": challenge, "rpId": "localhost", "timeout": 30000, "userVerification": "discouraged",
                           "allowCredentials": [{"type": "public-key", "id": record["id"]}]}
                    assertion = driver.execute_async_script(GET_JS, json.dumps(req))
                    code, updated, text = run_keybridge(
                        binary, ["verify", "authentication", "--rp-id", "localhost", "--origin", origin,
                                 "--challenge", challenge, "--credential", record_path], assertion)
                    checks.check(f"{label}: assertion {attempt + 1} verifies", code == 0 and updated is not None, text)
                    if code != 0 or updated is None:
                        break
                    counts.append(updated["signCount"])
                    with open(record_path, "w") as f:
                        json.dump(updated, f)
                if len(counts) == 2:
                    checks.check(f"{label}: counter advances", counts[1] > counts[0] or counts == [0, 0], str(counts))
                    code, body, text = run_keybridge(
                        binary, ["verify", "authentication", "--rp-id", "localhost", "--origin", origin,
                                 "--challenge", challenge, "--credential", record_path], assertion)
                    expected = "counter-regression" if counts[1] > 0 else None
                    if expected:
                        checks.check(f"{label}: replayed assertion is refused as counter-regression",
                                     code == 1 and body is not None and body.get("error") == expected, text)
                    code, body, text = run_keybridge(
                        binary, ["verify", "authentication", "--rp-id", "localhost", "--origin", origin,
                                 "--challenge", b64url(secrets.token_bytes(32)), "--credential", record_path], assertion)
                    checks.check(f"{label}: assertion for another challenge is refused",
                                 code == 1 and body is not None and body.get("error") == "challenge-mismatch", text)
                os.unlink(record_path)
                if shots:
                    driver.save_screenshot(os.path.join(shots, label.replace(" ", "-").lower() + ".png"))
            finally:
                driver.remove_virtual_authenticator()
    finally:
        driver.quit()
        server.shutdown()
    print(f"browser: {checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 and checks.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
