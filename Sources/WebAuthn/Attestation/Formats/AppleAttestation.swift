import CBOR
import OpenSSLWrapper

/// The `apple` anonymous attestation statement format (WebAuthn L3 §8.8).
enum AppleAttestation {
    static let format = "apple"
    /// The extension that carries the nonce in credCert.
    static let nonceExtensionOID = "1.2.840.113635.100.8.2"

    /// Runs the verification procedure of WebAuthn L3 §8.8.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> AttestationStatementResult {
        // WebAuthn L3 §8.8 step 1: attStmt is {x5c}; credCert is its first certificate.
        guard let chain = try AttestationStatementFields.certificates(in: context.statement, format: format),
            let credCert = chain.first
        else {
            throw WebAuthnError(.attestationInvalid, "apple attestation statement has no x5c")
        }
        try AttestationStatementFields.checkNoRepeatedExtensions(credCert, name: "apple credCert")
        // Steps 2 and 3: nonce = SHA-256(authenticatorData || clientDataHash).
        let nonce = Digest.sha256(AttestationStatementFields.signedData(context))
        // Step 4: nonce equals the value of extension 1.2.840.113635.100.8.2 in credCert.
        guard let ext = credCert.extension(oid: nonceExtensionOID) else {
            throw WebAuthnError(.attestationCertificateInvalid, "apple credCert has no nonce extension (\(nonceExtensionOID))")
        }
        let certified: [UInt8]
        do {
            certified = try nonceValue(ext.value)
        } catch {
            throw WebAuthnError(.attestationCertificateInvalid, "apple credCert nonce extension: \(error)")
        }
        guard constantTimeEquals(certified, nonce) else {
            throw WebAuthnError(.attestationInvalid, "apple nonce does not match SHA-256(authenticatorData || clientDataHash)")
        }
        // Step 5: the credential public key equals the subject public key of credCert.
        let key = try AttestationStatementFields.publicKey(of: credCert, name: "apple credCert")
        guard AttestationStatementFields.sameKey(key, context.credentialPublicKey.evpKey) else {
            throw WebAuthnError(.attestationInvalid, "apple credCert key is not the credential public key")
        }
        // Step 6: attestation type Anonymization CA, trust path x5c.
        return AttestationStatementResult(type: .anonca, trustPath: chain, signatureAlgorithm: nil)
    }

    /// The nonce of the extension: `SEQUENCE { [1] EXPLICIT OCTET STRING }`.
    static func nonceValue(_ der: [UInt8]) throws(DERError) -> [UInt8] {
        let fields = try DERElement.parse(exactly: der).sequenceElements()
        guard fields.count == 1, fields[0].isContextSpecific(1) else {
            throw DERError("expected SEQUENCE { [1] nonce }")
        }
        return try fields[0].explicitlyTagged().octetStringValue()
    }
}
