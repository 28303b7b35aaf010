import CBOR

/// Attested credential data (WebAuthn L3 §6.5.2): the new credential's AAGUID, ID and public key.
public struct AttestedCredentialData: Sendable, Hashable {
    /// The authenticator model.
    public let aaguid: AAGUID
    /// The credential ID (at most 1023 bytes).
    public let credentialID: [UInt8]
    /// The credential public key: a COSE_Key, exactly as encoded in the authenticator data.
    public let credentialPublicKey: [UInt8]

    /// Parses attested credential data that starts at `offset`; returns it and the offset after the COSE key.
    static func parse(_ bytes: [UInt8], at offset: Int) throws(WebAuthnError) -> (AttestedCredentialData, Int) {
        guard bytes.count - offset >= 18 else {
            throw WebAuthnError(.malformedAuthenticatorData, "the AT flag is set but the attested credential data is truncated")
        }
        let aaguid = AAGUID(uncheckedBytes: bytes[offset..<offset + 16])
        let idLength = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
        var position = offset + 18
        // WebAuthn L3 §7.1 step 25: credential IDs longer than 1023 bytes are refused.
        guard idLength <= 1023 else {
            throw WebAuthnError(.credentialIDTooLong, "credential ID of \(idLength) bytes exceeds 1023")
        }
        guard bytes.count - position >= idLength else {
            throw WebAuthnError(.malformedAuthenticatorData, "the credential ID is truncated")
        }
        let credentialID = Array(bytes[position..<position + idLength])
        position += idLength
        guard position < bytes.count else {
            throw WebAuthnError(.malformedAuthenticatorData, "the credential public key is missing")
        }
        let keyLength: Int
        do {
            keyLength = try CBORDecoder().decodePrefix(bytes[position...]).length
        } catch {
            throw WebAuthnError(.invalidCBOR, "credential public key: \(error)")
        }
        let key = Array(bytes[position..<position + keyLength])
        return (
            AttestedCredentialData(aaguid: aaguid, credentialID: credentialID, credentialPublicKey: key),
            position + keyLength
        )
    }
}
