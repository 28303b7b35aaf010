import CBOR

/// The `none` attestation statement format (WebAuthn L3 §8.7).
enum NoneAttestation {
    /// Runs the verification procedure: `attStmt` must be the empty map.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationInvalid`` when the statement has members.
    static func verify(_ context: AttestationContext) throws(WebAuthnError) -> AttestationStatementResult {
        // WebAuthn L3 §8.7: attStmt is an empty CBOR map; return attestation type None.
        guard context.statement.count == 0 else {
            throw WebAuthnError(.attestationInvalid, "none attestation statement must be empty, has \(context.statement.count) members")
        }
        return AttestationStatementResult(type: .none, trustPath: [], signatureAlgorithm: nil)
    }
}
