package import CBOR

/// The inputs of an attestation statement format's verification procedure (WebAuthn L3 §8: `attStmt`,
/// `authenticatorData`, `clientDataHash`), plus what the ceremony already knows.
///
/// The registration ceremony builds it at WebAuthn L3 §7.1 step 22 and hands it to
/// ``AttestationVerifier/verify(_:)``.
package struct AttestationContext: Sendable {
    /// The attestation statement format identifier (`fmt`), for example `packed`.
    package let format: String
    /// The attestation statement (`attStmt`).
    package let statement: CBORMap
    /// The authenticator data; it must carry attested credential data.
    package let authenticatorData: AuthenticatorData
    /// SHA-256 of `clientDataJSON`.
    package let clientDataHash: [UInt8]
    /// The credential public key from the attested credential data, already parsed and checked.
    package let credentialPublicKey: COSEKey
    /// The time every time check uses (certificate validity, SafetyNet freshness), in seconds since 1970 (UTC).
    package let verificationTime: Int64
    /// Whether RS1 (RSASSA-PKCS1-v1_5 with SHA-1) is acceptable where the format leaves it to the relying party.
    package let allowRS1: Bool

    /// A context from its parts.
    package init(
        format: String, statement: CBORMap, authenticatorData: AuthenticatorData, clientDataHash: [UInt8],
        credentialPublicKey: COSEKey, verificationTime: Int64, allowRS1: Bool
    ) {
        self.format = format
        self.statement = statement
        self.authenticatorData = authenticatorData
        self.clientDataHash = clientDataHash
        self.credentialPublicKey = credentialPublicKey
        self.verificationTime = verificationTime
        self.allowRS1 = allowRS1
    }
}
