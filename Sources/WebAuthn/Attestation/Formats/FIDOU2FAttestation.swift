import CBOR
import OpenSSLWrapper

/// The `fido-u2f` attestation statement format (WebAuthn L3 §8.6).
enum FIDOU2FAttestation {
    static let format = "fido-u2f"

    /// Runs the verification procedure of WebAuthn L3 §8.6.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> AttestationStatementResult {
        let statement = context.statement
        // WebAuthn L3 §8.6 step 1: attStmt is {x5c, sig}.
        let signature = try AttestationStatementFields.bytes("sig", in: statement, format: format)
        guard let chain = try AttestationStatementFields.certificates(in: statement, format: format) else {
            throw WebAuthnError(.attestationInvalid, "fido-u2f attestation statement has no x5c")
        }
        // Step 2: x5c has exactly one element, attCert, whose public key is an EC key on P-256.
        guard chain.count == 1, let certificate = chain.first else {
            throw WebAuthnError(.attestationInvalid, "fido-u2f x5c must hold exactly one certificate, has \(chain.count)")
        }
        let key = try AttestationStatementFields.publicKey(of: certificate, name: "fido-u2f attCert")
        guard key.kind == .ec(.p256) else {
            throw WebAuthnError(.attestationCertificateInvalid, "fido-u2f attCert key is not an EC P-256 key")
        }
        // Steps 3 and 4: rpIdHash, credentialId and the credential public key as an uncompressed P-256 point.
        guard let attested = context.authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "fido-u2f attestation needs attested credential data")
        }
        let credentialKey = context.credentialPublicKey
        guard credentialKey.keyType == .ec2, credentialKey.curve == .p256, let point = credentialKey.evpKey.ecPublicPoint
        else {
            throw WebAuthnError(.attestationInvalid, "fido-u2f needs an EC2 P-256 credential public key")
        }
        // Step 5: verificationData = 0x00 || rpIdHash || clientDataHash || credentialId || 0x04 || x || y.
        var verificationData: [UInt8] = [0x00]
        verificationData += context.authenticatorData.rpIDHash
        verificationData += context.clientDataHash
        verificationData += attested.credentialID
        verificationData += [0x04] + point.x + point.y
        // Step 6: sig is an ECDSA P-256 / SHA-256 signature (SEC 1) over verificationData.
        try AttestationStatementFields.verifySignature(
            signature, over: verificationData, key: key, scheme: .ecdsa(.sha256), algorithm: .es256, format: format)
        // Steps 7 and 8: Basic or AttCA cannot be told apart without external knowledge; report Basic with x5c.
        return AttestationStatementResult(type: .basic, trustPath: chain, signatureAlgorithm: .es256)
    }
}
