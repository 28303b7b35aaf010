import CBOR
import OpenSSLWrapper

/// The `android-safetynet` attestation statement format (WebAuthn L3 §8.5).
///
/// The response is a JWS in compact serialization (RFC 7515 §7.1) whose header carries the signing chain in `x5c`
/// and whose payload carries the SafetyNet verdict. The signature must be RS256 or ES256 by the leaf, which must be
/// issued to `attest.android.com`; `ctsProfileMatch` must be true and `timestampMs` within the verifier's
/// ``SafetyNetTimestampWindow`` of the verification time.
enum AndroidSafetyNetAttestation {
    static let format = "android-safetynet"
    static let hostname = "attest.android.com"

    /// Runs the verification procedure of WebAuthn L3 §8.5.
    static func verify(
        _ context: AttestationContext, window: SafetyNetTimestampWindow
    ) throws(WebAuthnError) -> AttestationStatementResult {
        // WebAuthn L3 §8.5 step 1: attStmt is {ver: text, response: bytes}.
        guard let version = context.statement[text: "ver"]?.textValue, !version.isEmpty else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet attestation statement has no ver")
        }
        let response = try AttestationStatementFields.bytes("response", in: context.statement, format: format)

        // Step 2: response is a SafetyNet response (a compact JWS) of version ver.
        let jws = try CompactJWS(response)
        let scheme: SignatureScheme
        let algorithm: COSEAlgorithm
        var signature = jws.signature
        switch jws.header["alg"]?.stringValue {
        case "RS256":
            scheme = .rsaPKCS1v15(.sha256)
            algorithm = .rs256
        case "ES256":
            // JWS ECDSA signatures are r || s (RFC 7518 §3.4); OpenSSL verifies the DER form.
            guard signature.count == 64, let der = DERWriter.ecdsaSignature(fromRaw: signature) else {
                throw WebAuthnError(.signatureInvalid, "android-safetynet ES256 signature is not 64 bytes")
            }
            signature = der
            scheme = .ecdsa(.sha256)
            algorithm = .es256
        case let other:
            throw WebAuthnError(.unsupportedAlgorithm, "android-safetynet JWS alg \(other ?? "(absent)") is not RS256 or ES256")
        }
        guard let encodedChain = jws.header["x5c"]?.arrayValue, !encodedChain.isEmpty else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet JWS header has no x5c")
        }
        guard encodedChain.count <= AttestationStatementFields.maximumChainLength else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet x5c has \(encodedChain.count) certificates")
        }
        var chain: [X509Certificate] = []
        for (index, entry) in encodedChain.enumerated() {
            guard let text = entry.stringValue, let der = StandardBase64.decode(text) else {
                throw WebAuthnError(.attestationInvalid, "android-safetynet x5c[\(index)] is not base64")
            }
            chain.append(try AttestationStatementFields.certificate(der, name: "android-safetynet x5c[\(index)]"))
        }
        let leaf = chain[0]

        // Step 3: nonce is the base64 of SHA-256(authenticatorData || clientDataHash).
        let expectedNonce = StandardBase64.encode(Digest.sha256(AttestationStatementFields.signedData(context)))
        guard let nonce = jws.payload["nonce"]?.stringValue else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet payload has no nonce")
        }
        guard constantTimeEquals(Array(nonce.utf8), Array(expectedNonce.utf8)) else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet nonce does not match authenticatorData and clientDataHash")
        }

        // Step 4: the response came from the SafetyNet service: the JWS signature verifies with the leaf key, and the
        // leaf is issued to attest.android.com.
        let key = try AttestationStatementFields.publicKey(of: leaf, name: "android-safetynet leaf")
        try AttestationStatementFields.verifySignature(
            signature, over: jws.signingInput, key: key, scheme: scheme, algorithm: algorithm, format: format)
        try checkHostname(leaf)

        // The verdict: ctsProfileMatch is true, and timestampMs is fresh.
        guard jws.payload["ctsProfileMatch"]?.boolValue == true else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet ctsProfileMatch is not true")
        }
        guard let timestamp = jws.payload["timestampMs"]?.intValue else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet payload has no integer timestampMs")
        }
        guard window.accepts(timestampMs: Int64(timestamp), at: context.verificationTime) else {
            throw WebAuthnError(
                .attestationInvalid,
                "android-safetynet timestampMs \(timestamp) is outside the accepted window around \(context.verificationTime)")
        }
        // Step 5: attestation type Basic, trust path x5c.
        return AttestationStatementResult(type: .basic, trustPath: chain, signatureAlgorithm: algorithm)
    }

    /// The leaf must name attest.android.com: in a subject alternative name dNSName when it has any, else in the
    /// subject common name (RFC 6125 §6.4.4).
    static func checkHostname(_ leaf: X509Certificate) throws(WebAuthnError) {
        var names: [String] = []
        if let san = leaf.extension(oid: "2.5.29.17") {
            do {
                for name in try DERElement.parse(exactly: san.value).sequenceElements()
                where name.isContextSpecific(2) && !name.isConstructed {
                    names.append(String(decoding: name.contents, as: UTF8.self))
                }
            } catch {
                throw WebAuthnError(.attestationCertificateInvalid, "android-safetynet leaf subject alternative name: \(error)")
            }
        }
        if names.isEmpty { names = leaf.subject.values(for: "2.5.4.3") }
        guard names.contains(where: { $0.lowercased() == hostname }) else {
            throw WebAuthnError(.attestationCertificateInvalid, "android-safetynet leaf is not issued to \(hostname)")
        }
    }
}
