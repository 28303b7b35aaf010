/// DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) for the key types ``EVPKey`` supports, written and read
/// in Swift.
///
/// OpenSSL 3.0 encodes and decodes public keys through its encoder/decoder framework, which costs more
/// than a signature check (about 45 µs to encode and 85 µs to decode a P-256 key here). These are fixed
/// structures, so this module writes them directly and reads the canonical forms back; anything else
/// (compressed points, explicit curve parameters, BER) falls back to `d2i_PUBKEY`.
enum SubjectPublicKeyInfo {
    /// The parameters read from a canonical SPKI.
    enum Components {
        case ec(ECCurve, point: [UInt8])
        case rsa(modulus: [UInt8], exponent: [UInt8])
        case ed25519([UInt8])
        case ed448([UInt8])
    }

    // AlgorithmIdentifier encodings (RFC 5480 §2.1.1, RFC 8410 §3, RFC 3279 §2.3.1).
    private static let ecPublicKeyOID: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    private static let rsaEncryptionAlgorithm: [UInt8] = [
        0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
    ]
    private static let ed25519Algorithm: [UInt8] = [0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70]
    private static let ed448Algorithm: [UInt8] = [0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x71]

    private static func curveOID(_ curve: ECCurve) -> [UInt8] {
        switch curve {
        case .p256: return [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]  // prime256v1
        case .p384: return [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]  // secp384r1
        case .p521: return [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23]  // secp521r1
        }
    }

    /// A BIT STRING with no unused bits around `contents`.
    private static func bitString(_ contents: [UInt8]) -> [UInt8] { DER.encode(tag: 0x03, [0x00] + contents) }

    /// The DER SPKI of `components`.
    static func encode(_ components: Components) -> [UInt8] {
        switch components {
        case .ec(let curve, let point):
            return DER.sequence([DER.encode(tag: 0x30, ecPublicKeyOID + curveOID(curve)), bitString(point)])
        case .rsa(let modulus, let exponent):
            let rsaPublicKey = DER.sequence([DER.integer(unsignedBytes: modulus), DER.integer(unsignedBytes: exponent)])
            return DER.sequence([rsaEncryptionAlgorithm, bitString(rsaPublicKey)])
        case .ed25519(let raw):
            return DER.sequence([ed25519Algorithm, bitString(raw)])
        case .ed448(let raw):
            return DER.sequence([ed448Algorithm, bitString(raw)])
        }
    }

    /// The components of `der` when it is the canonical DER SPKI of a supported key (it must re-encode to
    /// exactly `der`), or nil.
    static func parse(_ der: [UInt8]) -> Components? {
        guard let outer = DER.element(in: der, at: 0), outer.whole == der.indices, outer.tag == 0x30,
            let fields = DER.children(in: der, of: outer), fields.count == 2, fields[0].tag == 0x30,
            fields[1].tag == 0x03, fields[1].contents.count >= 1, der[fields[1].contents.lowerBound] == 0
        else { return nil }
        let algorithm = Array(der[fields[0].whole])
        let key = Array(der[(fields[1].contents.lowerBound + 1)..<fields[1].contents.upperBound])
        let components: Components
        if algorithm == ed25519Algorithm {
            components = .ed25519(key)
        } else if algorithm == ed448Algorithm {
            components = .ed448(key)
        } else if algorithm == rsaEncryptionAlgorithm {
            guard let sequence = DER.element(in: key, at: 0), sequence.whole == key.indices, sequence.tag == 0x30,
                let integers = DER.children(in: key, of: sequence), integers.count == 2,
                integers.allSatisfy({ $0.tag == 0x02 && !$0.contents.isEmpty })
            else { return nil }
            let modulus = Array(key[integers[0].contents].drop { $0 == 0 })
            let exponent = Array(key[integers[1].contents].drop { $0 == 0 })
            components = .rsa(modulus: modulus, exponent: exponent)
        } else if let curve = ECCurve.allCases.first(where: {
            algorithm == DER.encode(tag: 0x30, ecPublicKeyOID + curveOID($0))
        }) {
            // Compressed and hybrid points go to OpenSSL, which can decompress them.
            guard key.count == 1 + 2 * curve.coordinateSize, key.first == 0x04 else { return nil }
            components = .ec(curve, point: key)
        } else {
            return nil
        }
        // Only the canonical encoding takes this path (this also rejects negative or padded RSA integers).
        return encode(components) == der ? components : nil
    }
}
