import CBOR
import OpenSSLWrapper

/// The `packed` attestation statement format (WebAuthn L3 §8.2): self attestation, or full attestation with an
/// `x5c` chain whose leaf meets §8.2.1.
enum PackedAttestation {
    static let format = "packed"

    /// Runs the verification procedure of WebAuthn L3 §8.2.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> AttestationStatementResult {
        let statement = context.statement
        // WebAuthn L3 §8.2 step 1: attStmt is {alg, sig, x5c?}. ECDAA (ecdaaKeyId) is gone from Level 3.
        if statement[text: "ecdaaKeyId"] != nil {
            throw WebAuthnError(.attestationInvalid, "packed ECDAA attestation (ecdaaKeyId) is not supported")
        }
        let algorithm = try AttestationStatementFields.algorithm(in: statement, format: format)
        let signature = try AttestationStatementFields.bytes("sig", in: statement, format: format)
        let signed = AttestationStatementFields.signedData(context)

        guard let chain = try AttestationStatementFields.certificates(in: statement, format: format),
            let leaf = chain.first
        else {
            // WebAuthn L3 §8.2 step 3: no x5c, self attestation. alg must be the credential key's algorithm, and
            // sig must verify with the credential key.
            guard algorithm == context.credentialPublicKey.algorithm else {
                throw WebAuthnError(
                    .attestationInvalid,
                    "packed self attestation alg \(algorithm) differs from the credential key's \(context.credentialPublicKey.algorithm)")
            }
            guard context.credentialPublicKey.verifySignature(signature, over: signed) else {
                throw WebAuthnError(.signatureInvalid, "packed self attestation signature does not verify with the credential key")
            }
            return AttestationStatementResult(type: .self, trustPath: [], signatureAlgorithm: algorithm)
        }

        // WebAuthn L3 §8.2 step 2: x5c present. sig verifies over authenticatorData || clientDataHash with the
        // attestnCert key and alg.
        let scheme = try AttestationStatementFields.signatureScheme(
            for: algorithm, allowRS1: context.allowRS1, format: format)
        let key = try AttestationStatementFields.publicKey(of: leaf, name: "packed attestnCert")
        try AttestationStatementFields.verifySignature(
            signature, over: signed, key: key, scheme: scheme, algorithm: algorithm, format: format)
        // attestnCert meets §8.2.1, and its AAGUID extension (if any) matches authenticatorData.
        try checkCertificateRequirements(leaf)
        if let aaguid = context.authenticatorData.attestedCredentialData?.aaguid {
            try AttestationStatementFields.checkAAGUIDExtension(of: leaf, matches: aaguid, format: format)
        }
        // Without external knowledge Basic and AttCA cannot be told apart; report Basic with the x5c path.
        return AttestationStatementResult(type: .basic, trustPath: chain, signatureAlgorithm: algorithm)
    }

    /// WebAuthn L3 §8.2.1: packed attestation statement certificate requirements.
    static func checkCertificateRequirements(_ certificate: X509Certificate) throws(WebAuthnError) {
        let name = "packed attestnCert"
        try AttestationStatementFields.checkNoRepeatedExtensions(certificate, name: name)
        // Version MUST be set to 3.
        guard certificate.version == 3 else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) is X.509 version \(certificate.version), not 3")
        }
        // Subject: C (ISO 3166 code), O (vendor), OU "Authenticator Attestation", CN (vendor's choosing).
        let subject = certificate.subject
        for (oid, label) in [("2.5.4.6", "C"), ("2.5.4.10", "O"), ("2.5.4.3", "CN")] {
            let values = subject.values(for: oid)
            guard values.count == 1, let value = values.first, !value.isEmpty else {
                throw WebAuthnError(.attestationCertificateInvalid, "\(name) subject needs exactly one non-empty \(label)")
            }
        }
        let country = Array(subject.values(for: "2.5.4.6")[0].utf8)
        let letters = (UInt8(ascii: "A")...UInt8(ascii: "Z"))
        guard country.count == 2, country.allSatisfy({ letters.contains($0 & 0xDF) }) else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) subject C is not a two-letter ISO 3166 code")
        }
        guard subject.values(for: "2.5.4.11") == ["Authenticator Attestation"] else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) subject OU is not \"Authenticator Attestation\"")
        }
        // The Basic Constraints extension MUST have the CA component set to false.
        if let constraints = certificate.basicConstraints {
            guard !constraints.isCA else {
                throw WebAuthnError(.attestationCertificateInvalid, "\(name) is a CA certificate")
            }
        } else if certificate.extension(oid: "2.5.29.19") != nil {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) has an unreadable basic constraints extension")
        } else {
            throw WebAuthnError(.attestationCertificateInvalid, "\(name) has no basic constraints extension")
        }
    }
}
