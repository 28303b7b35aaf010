import CBOR
import OpenSSLWrapper

/// The parts of authenticator data (WebAuthn L3 §6.1) the client side needs: enough to report what the key
/// made, never to trust it (the relying party's verifier does that).
struct AuthenticatorDataReader {
    /// The flags byte.
    let flags: UInt8
    /// The signature counter.
    let signCount: UInt32
    /// The AAGUID, when attested credential data is present.
    let aaguid: [UInt8]?
    /// The credential ID, when attested credential data is present.
    let credentialID: [UInt8]?
    /// The credential public key as COSE_Key bytes, when attested credential data is present.
    let credentialPublicKey: [UInt8]?
    /// The extension outputs, when present.
    let extensions: CBORMap?

    /// Parses `bytes`.
    ///
    /// - Throws: ``FIDOError/Code/invalidResponse`` for truncated or inconsistent data.
    init(_ bytes: [UInt8]) throws(FIDOError) {
        guard bytes.count >= 37 else {
            throw FIDOError(.invalidResponse, "authenticator data is \(bytes.count) bytes, at least 37 expected")
        }
        flags = bytes[32]
        signCount = UInt32(bytes[33]) << 24 | UInt32(bytes[34]) << 16 | UInt32(bytes[35]) << 8 | UInt32(bytes[36])
        var offset = 37
        let decoder = CBORDecoder()
        if flags & 0x40 != 0 {
            guard bytes.count >= offset + 18 else {
                throw FIDOError(.invalidResponse, "attested credential data is truncated")
            }
            aaguid = Array(bytes[offset..<(offset + 16)])
            let idLength = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
            offset += 18
            guard bytes.count >= offset + idLength else {
                throw FIDOError(.invalidResponse, "the credential ID is truncated")
            }
            credentialID = Array(bytes[offset..<(offset + idLength)])
            offset += idLength
            do {
                let (_, length) = try decoder.decodePrefix(bytes[offset...])
                credentialPublicKey = Array(bytes[offset..<(offset + length)])
                offset += length
            } catch {
                throw FIDOError(.invalidResponse, "the credential public key is not CBOR: \(error.reason)")
            }
        } else {
            aaguid = nil
            credentialID = nil
            credentialPublicKey = nil
        }
        if flags & 0x80 != 0 {
            let decoded: (value: CBORValue, length: Int)
            do {
                decoded = try decoder.decodePrefix(bytes[offset...])
            } catch {
                throw FIDOError(.invalidResponse, "the authenticator data extensions are not CBOR: \(error.reason)")
            }
            guard let map = decoded.value.mapValue else {
                throw FIDOError(.invalidResponse, "the authenticator data extensions are not a CBOR map")
            }
            extensions = map
            offset += decoded.length
        } else {
            extensions = nil
        }
        guard offset == bytes.count else {
            throw FIDOError(.invalidResponse, "authenticator data has \(bytes.count - offset) trailing bytes")
        }
    }
}

/// A credential public key read from its COSE_Key (RFC 9052 §7), in the forms the client side needs.
struct CredentialPublicKey {
    /// The COSE algorithm.
    let algorithm: CredentialAlgorithm
    /// The key in the raw form libfido2's `*_pk_from_ptr` reads: `x || y` (ES256), `x` (EdDSA), or the
    /// 256-byte modulus and 3-byte exponent (RS256).
    let libfido2Raw: [UInt8]
    /// The DER SubjectPublicKeyInfo, for `response.publicKey` of the registration response.
    let subjectPublicKeyInfo: [UInt8]

    /// Reads `cose`.
    ///
    /// - Throws: ``FIDOError/Code/invalidResponse`` when the key is not an ES256, EdDSA or RS256 COSE key.
    init(cose: [UInt8]) throws(FIDOError) {
        let decoded: CBORValue
        do {
            decoded = try CBORDecoder().decode(cose)
        } catch {
            throw FIDOError(.invalidResponse, "the COSE key is not CBOR: \(error.reason)")
        }
        guard let map = decoded.mapValue else { throw FIDOError(.invalidResponse, "the COSE key is not a CBOR map") }
        guard let algorithmValue = map[int: 3]?.intValue, let identifier = Int32(exactly: algorithmValue),
            let algorithm = CredentialAlgorithm(rawValue: identifier)
        else {
            throw FIDOError(.invalidResponse, "the COSE key's algorithm is missing or not ES256, EdDSA or RS256")
        }
        self.algorithm = algorithm
        let keyType = map[int: 1]?.intValue
        switch algorithm {
        case .es256:
            guard keyType == 2, map[int: -1]?.intValue == 1, let x = map[int: -2]?.bytesValue,
                let y = map[int: -3]?.bytesValue, x.count == 32, y.count == 32
            else { throw FIDOError(.invalidResponse, "the ES256 COSE key is not an EC2 P-256 key") }
            libfido2Raw = x + y
            subjectPublicKeyInfo = try Self.spki { () throws(OpenSSLError) in
                try EVPKey(ecPublicKeyX: x, y: y, curve: .p256)
            }
        case .eddsa:
            guard keyType == 1, map[int: -1]?.intValue == 6, let x = map[int: -2]?.bytesValue, x.count == 32
            else { throw FIDOError(.invalidResponse, "the EdDSA COSE key is not an OKP Ed25519 key") }
            libfido2Raw = x
            subjectPublicKeyInfo = try Self.spki { () throws(OpenSSLError) in try EVPKey(ed25519PublicKey: x) }
        case .rs256:
            guard keyType == 3, let n = map[int: -1]?.bytesValue, let e = map[int: -2]?.bytesValue else {
                throw FIDOError(.invalidResponse, "the RS256 COSE key is not an RSA key")
            }
            let modulus = Array(n.drop { $0 == 0 })
            let exponent = Array(e.drop { $0 == 0 })
            guard modulus.count == 256, !exponent.isEmpty, exponent.count <= 3 else {
                throw FIDOError(.invalidResponse, "an RS256 key must have a 2048-bit modulus and a short exponent")
            }
            libfido2Raw = modulus + [UInt8](repeating: 0, count: 3 - exponent.count) + exponent
            subjectPublicKeyInfo = try Self.spki { () throws(OpenSSLError) in
                try EVPKey(rsaModulus: modulus, exponent: exponent)
            }
        }
    }

    /// The SubjectPublicKeyInfo of the key `make` builds, with OpenSSL's failure mapped.
    private static func spki(_ make: () throws(OpenSSLError) -> EVPKey) throws(FIDOError) -> [UInt8] {
        do {
            return try make().subjectPublicKeyInfoDER()
        } catch {
            throw FIDOError(.invalidResponse, "the credential public key is not valid: \(error.description)")
        }
    }
}
