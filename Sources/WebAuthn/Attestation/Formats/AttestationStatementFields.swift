import CBOR
import OpenSSLWrapper

/// Readers and checks that several formats share.
enum AttestationStatementFields {
    /// The most certificates accepted in an `x5c` array (real chains have at most five).
    static let maximumChainLength = 16

    /// The integer `alg` of a statement.
    static func algorithm(in statement: CBORMap, format: String) throws(WebAuthnError) -> COSEAlgorithm {
        guard let value = statement[text: "alg"] else {
            throw WebAuthnError(.attestationInvalid, "\(format) attestation statement has no alg")
        }
        guard let raw = value.intValue else {
            throw WebAuthnError(.attestationInvalid, "\(format) attestation statement alg is not an integer")
        }
        return COSEAlgorithm(rawValue: raw)
    }

    /// A byte string member of a statement.
    static func bytes(_ key: String, in statement: CBORMap, format: String) throws(WebAuthnError) -> [UInt8] {
        guard let value = statement[text: key] else {
            throw WebAuthnError(.attestationInvalid, "\(format) attestation statement has no \(key)")
        }
        guard let bytes = value.bytesValue else {
            throw WebAuthnError(.attestationInvalid, "\(format) attestation statement \(key) is not a byte string")
        }
        return bytes
    }

    /// The certificates of `x5c` (a non-empty array of DER byte strings), parsed; nil when `x5c` is absent.
    static func certificates(in statement: CBORMap, format: String) throws(WebAuthnError) -> [X509Certificate]? {
        guard let value = statement[text: "x5c"] else { return nil }
        guard let array = value.arrayValue else {
            throw WebAuthnError(.attestationInvalid, "\(format) attestation statement x5c is not an array")
        }
        guard !array.isEmpty else {
            throw WebAuthnError(.attestationInvalid, "\(format) attestation statement x5c is empty")
        }
        guard array.count <= maximumChainLength else {
            throw WebAuthnError(.attestationInvalid, "\(format) x5c has \(array.count) certificates, more than \(maximumChainLength)")
        }
        var certificates: [X509Certificate] = []
        for (index, element) in array.enumerated() {
            guard let der = element.bytesValue else {
                throw WebAuthnError(.attestationInvalid, "\(format) x5c[\(index)] is not a byte string")
            }
            certificates.append(try certificate(der, name: "\(format) x5c[\(index)]"))
        }
        return certificates
    }

    /// Parses one DER certificate.
    static func certificate(_ der: [UInt8], name: String) throws(WebAuthnError) -> X509Certificate {
        do {
            return try X509Certificate(derEncoded: der)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) is not an X.509 certificate: \(error)")
        }
    }

    /// The subject public key of an attestation certificate.
    static func publicKey(of certificate: X509Certificate, name: String) throws(WebAuthnError) -> EVPKey {
        do {
            return try certificate.publicKey
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) has an unsupported public key: \(error)")
        }
    }

    /// How an attestation signature with COSE algorithm `algorithm` is computed.
    ///
    /// - Parameter allowRS1: Whether RS1 is acceptable here.
    /// - Throws: ``WebAuthnError/Code/unsupportedAlgorithm`` for an algorithm this verifier does not implement,
    ///   ``WebAuthnError/Code/algorithmNotAllowed`` for RS1 when it is not allowed.
    static func signatureScheme(for algorithm: COSEAlgorithm, allowRS1: Bool, format: String) throws(WebAuthnError)
        -> SignatureScheme
    {
        switch algorithm {
        case .es256: return .ecdsa(.sha256)
        case .es384: return .ecdsa(.sha384)
        case .es512: return .ecdsa(.sha512)
        case .rs256: return .rsaPKCS1v15(.sha256)
        case .rs384: return .rsaPKCS1v15(.sha384)
        case .rs512: return .rsaPKCS1v15(.sha512)
        case .ps256: return .rsaPSS(.sha256)
        case .ps384: return .rsaPSS(.sha384)
        case .ps512: return .rsaPSS(.sha512)
        case .eddsa, .ed25519, .ed448: return .eddsa
        case .rs1:
            guard allowRS1 else {
                throw WebAuthnError(.algorithmNotAllowed, "\(format) attestation signature uses RS1 (SHA-1), which is not allowed")
            }
            return .rsaPKCS1v15(.sha1)
        default:
            throw WebAuthnError(.unsupportedAlgorithm, "\(format) attestation algorithm \(algorithm) is not supported")
        }
    }

    /// Verifies an attestation signature over `message` with `key`.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationInvalid`` when `scheme` cannot apply to `key` (alg and key
    ///   disagree), ``WebAuthnError/Code/signatureInvalid`` when the signature does not verify.
    static func verifySignature(
        _ signature: [UInt8], over message: [UInt8], key: EVPKey, scheme: SignatureScheme, algorithm: COSEAlgorithm,
        format: String
    ) throws(WebAuthnError) {
        if case .eddsa = scheme, algorithm == .ed25519, key.kind != .ed25519 {
            throw WebAuthnError(.attestationInvalid, "\(format) alg Ed25519 does not fit the attestation key")
        }
        if case .eddsa = scheme, algorithm == .ed448, key.kind != .ed448 {
            throw WebAuthnError(.attestationInvalid, "\(format) alg Ed448 does not fit the attestation key")
        }
        guard scheme.fits(key.kind) else {
            throw WebAuthnError(.attestationInvalid, "\(format) alg \(algorithm) does not fit the attestation key")
        }
        guard key.verify(signature: signature, message: message, scheme: scheme) else {
            throw WebAuthnError(.signatureInvalid, "\(format) attestation signature does not verify")
        }
    }

    /// Whether two public keys are the same key (same type, curve and components).
    static func sameKey(_ a: EVPKey, _ b: EVPKey) -> Bool {
        guard a.kind == b.kind else { return false }
        switch a.kind {
        case .ec:
            guard let p = a.ecPublicPoint, let q = b.ecPublicPoint else { return false }
            return p.x == q.x && p.y == q.y
        case .rsa:
            guard let p = a.rsaComponents, let q = b.rsaComponents else { return false }
            return p.modulus == q.modulus && p.exponent == q.exponent
        case .ed25519, .ed448:
            guard let p = a.rawPublicKey, let q = b.rawPublicKey else { return false }
            return p == q
        }
    }

    /// The FIDO AAGUID extension (id-fido-gen-ce-aaguid, 1.3.6.1.4.1.45724.1.1.4): when present it must not be
    /// critical and must hold the authenticator data's AAGUID as a 16-byte OCTET STRING.
    static func checkAAGUIDExtension(
        of certificate: X509Certificate, matches aaguid: AAGUID, format: String
    ) throws(WebAuthnError) {
        guard let ext = certificate.extension(oid: "1.3.6.1.4.1.45724.1.1.4") else { return }
        guard !ext.critical else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) certificate marks the AAGUID extension critical")
        }
        let value: [UInt8]
        do {
            value = try DERElement.parse(exactly: ext.value).octetStringValue()
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "\(format) certificate AAGUID extension: \(error)")
        }
        guard value == aaguid.bytes else {
            throw WebAuthnError(
                .attestationCertificateInvalid, "\(format) certificate AAGUID extension does not match the authenticator data")
        }
    }

    /// `authenticatorData || clientDataHash`, the bytes most formats sign.
    static func signedData(_ context: AttestationContext) -> [UInt8] {
        context.authenticatorData.rawValue + context.clientDataHash
    }

    /// Whether the certificate's extensions appear at most once each (RFC 5280 §4.2).
    static func checkNoRepeatedExtensions(_ certificate: X509Certificate, name: String) throws(WebAuthnError) {
        var seen: Set<String> = []
        for ext in certificate.extensions where !seen.insert(ext.oid).inserted {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) repeats extension \(ext.oid)")
        }
    }
}
