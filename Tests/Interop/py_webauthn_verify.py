#!/usr/bin/env python3
"""An independent relying-party verifier for KeyBridge's tests: Duo Labs' py_webauthn (PyPI `webauthn`).

    py_webauthn_verify.py registration --rp-id RPID --origin ORIGIN --challenge B64URL [--root PEMFILE] < RESPONSE
        prints {"credentialId", "publicKey" (COSE, base64url), "signCount", "fmt"}
    py_webauthn_verify.py authentication --rp-id RPID --origin ORIGIN --challenge B64URL
        --public-key B64URL --sign-count N < RESPONSE
        prints {"newSignCount"}

Exit 0 when py_webauthn accepts the response, 1 with the library's message on stderr when it refuses it.
"""
import argparse
import json
import sys

from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.structs import AttestationFormat


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("ceremony", choices=["registration", "authentication"])
    parser.add_argument("--rp-id", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--challenge", required=True)
    parser.add_argument("--root", help="a PEM attestation root to require for packed attestation")
    parser.add_argument("--public-key")
    parser.add_argument("--sign-count", type=int, default=0)
    args = parser.parse_args()
    response = sys.stdin.read()
    challenge = base64url_to_bytes(args.challenge)
    try:
        if args.ceremony == "registration":
            roots = None
            if args.root:
                with open(args.root, "rb") as handle:
                    roots = {AttestationFormat.PACKED: [handle.read()]}
            verified = verify_registration_response(
                credential=response, expected_challenge=challenge, expected_origin=args.origin,
                expected_rp_id=args.rp_id, pem_root_certs_bytes_by_fmt=roots)
            print(json.dumps({
                "credentialId": bytes_to_base64url(verified.credential_id),
                "publicKey": bytes_to_base64url(verified.credential_public_key),
                "signCount": verified.sign_count,
                "fmt": getattr(verified.fmt, "value", verified.fmt),
            }))
        else:
            verified = verify_authentication_response(
                credential=response, expected_challenge=challenge, expected_origin=args.origin,
                expected_rp_id=args.rp_id, credential_public_key=base64url_to_bytes(args.public_key),
                credential_current_sign_count=args.sign_count)
            print(json.dumps({"newSignCount": verified.new_sign_count}))
    except Exception as error:  # py_webauthn raises its own exception types; report any refusal
        print(f"py_webauthn refused the {args.ceremony}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
