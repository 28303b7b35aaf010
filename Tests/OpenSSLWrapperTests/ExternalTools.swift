import Foundation
import _TestSupport

/// Runs the independent reference tools the tests compare against: the `openssl` command line and
/// Python's `cryptography` package. Nothing here uses the code under test.
enum ExternalTool {
    /// Runs `executable` (looked up on PATH) with `arguments`, feeding `input` on stdin; returns stdout.
    /// Throws when the tool exits non-zero, unless `allowFailure` is set.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], input: Data = Data(), directory: URL? = nil,
        allowFailure: Bool = false
    ) throws -> (status: Int32, output: String) {
        try ExternalProcess.run(
            executable, arguments, input: Array(input), directory: directory, allowFailure: allowFailure)
    }

    /// Runs a Python 3 script with arguments; returns stdout split into whitespace-separated words.
    static func python(_ script: String, _ arguments: [String]) throws -> [String] {
        let output = try run("python3", ["-c", script] + arguments).output
        return output.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-openssl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Hex helpers for vectors written as in their source documents.
extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < digits.count {
            let text = String(decoding: digits[index...index + 1], as: UTF8.self)
            bytes.append(UInt8(text, radix: 16) ?? 0)
            index += 2
        }
        self = bytes
    }

    var hex: String { map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

/// The Python `cryptography` side of the signature cross-checks.
///
/// `verify SCHEME HASH SPKI MSG SIG` prints `valid` or `invalid`;
/// `sign SCHEME HASH KEYSPEC MSG` generates a key and prints its SPKI and a signature (all hex).
/// PSS uses MGF1 with the same hash and a salt as long as the hash, as COSE PS256/384/512 do (RFC 8230 §2).
let pythonSignatureTool = #"""
import sys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, padding, ed25519, ed448
H = {"sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(), "none": None}
def pad(scheme, h):
    if scheme == "pss":
        return padding.PSS(mgf=padding.MGF1(H[h]), salt_length=H[h].digest_size)
    return padding.PKCS1v15()
def verify(key, scheme, h, msg, sig):
    if scheme == "ecdsa": key.verify(sig, msg, ec.ECDSA(H[h]))
    elif scheme in ("pkcs1", "pss"): key.verify(sig, msg, pad(scheme, h), H[h])
    else: key.verify(sig, msg)
def sign(key, scheme, h, msg):
    if scheme == "ecdsa": return key.sign(msg, ec.ECDSA(H[h]))
    if scheme in ("pkcs1", "pss"): return key.sign(msg, pad(scheme, h), H[h])
    return key.sign(msg)
def generate(spec):
    curves = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1()}
    if spec in curves: return ec.generate_private_key(curves[spec])
    if spec.startswith("rsa"): return rsa.generate_private_key(public_exponent=65537, key_size=int(spec[3:]))
    if spec == "ed25519": return ed25519.Ed25519PrivateKey.generate()
    return ed448.Ed448PrivateKey.generate()
mode = sys.argv[1]
if mode == "verify":
    scheme, h, spki, msg, sig = sys.argv[2:7]
    key = serialization.load_der_public_key(bytes.fromhex(spki))
    try:
        verify(key, scheme, h, bytes.fromhex(msg), bytes.fromhex(sig)); print("valid")
    except InvalidSignature:
        print("invalid")
else:
    scheme, h, spec, msg = sys.argv[2:6]
    key = generate(spec)
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    print(spki.hex(), sign(key, scheme, h, bytes.fromhex(msg)).hex())
"""#
