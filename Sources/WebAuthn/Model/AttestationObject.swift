public import CBOR

/// An attestation object (WebAuthn L3 §6.5.4): the attestation statement format, the statement and the
/// authenticator data.
public struct AttestationObject: Sendable, Hashable {
    /// The attestation statement format identifier (`fmt`).
    public let format: String
    /// The attestation statement (`attStmt`).
    public let statement: CBORMap
    /// The authenticator data (`authData`).
    public let authenticatorData: AuthenticatorData

    /// Decodes an attestation object strictly (one CBOR map, no trailing bytes).
    ///
    /// Members other than `fmt`, `attStmt` and `authData` are ignored.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidCBOR`` for bytes the CBOR decoder rejects,
    ///   ``WebAuthnError/Code/malformedInput`` when a member is missing or has the wrong type, and the errors of
    ///   ``AuthenticatorData/init(bytes:)``.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        let value: CBORValue
        do {
            value = try CBORDecoder().decode(bytes)
        } catch {
            throw WebAuthnError(.invalidCBOR, "attestation object: \(error)")
        }
        guard let map = value.mapValue else {
            throw WebAuthnError(.malformedInput, "the attestation object is not a CBOR map")
        }
        guard let format = map[text: "fmt"]?.textValue else {
            throw WebAuthnError(.malformedInput, "the attestation object has no text fmt")
        }
        guard let statement = map[text: "attStmt"]?.mapValue else {
            throw WebAuthnError(.malformedInput, "the attestation object has no attStmt map")
        }
        guard let authData = map[text: "authData"]?.bytesValue else {
            throw WebAuthnError(.malformedInput, "the attestation object has no authData byte string")
        }
        self.format = format
        self.statement = statement
        self.authenticatorData = try AuthenticatorData(bytes: authData)
    }
}
