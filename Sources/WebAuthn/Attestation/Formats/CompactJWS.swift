/// A JWS in compact serialization (RFC 7515 §7.1) with JSON header and payload.
struct CompactJWS {
    /// `ASCII(BASE64URL(header) || '.' || BASE64URL(payload))`, the signed bytes.
    let signingInput: [UInt8]
    let header: JSONObject
    let payload: JSONObject
    let signature: [UInt8]

    /// Splits and decodes a compact JWS.
    ///
    /// - Throws: ``WebAuthnError/Code/attestationInvalid`` unless it has three base64url parts whose first two
    ///   are JSON objects.
    init(_ bytes: [UInt8]) throws(WebAuthnError) {
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw WebAuthnError(.attestationInvalid, "android-safetynet response is not a compact JWS (\(parts.count) parts)")
        }
        func decode(_ part: ArraySlice<UInt8>, _ name: String) throws(WebAuthnError) -> [UInt8] {
            do {
                return try Base64URL.decode(Array(part))
            } catch {
                throw WebAuthnError(.attestationInvalid, "android-safetynet JWS \(name) is not base64url")
            }
        }
        func object(_ bytes: [UInt8], _ name: String) throws(WebAuthnError) -> JSONObject {
            let value: JSONValue
            do {
                value = try JSONParser().parse(bytes)
            } catch {
                throw WebAuthnError(.attestationInvalid, "android-safetynet JWS \(name) is not JSON: \(error)")
            }
            guard let object = value.objectValue else {
                throw WebAuthnError(.attestationInvalid, "android-safetynet JWS \(name) is not a JSON object")
            }
            return object
        }
        header = try object(try decode(parts[0], "header"), "header")
        payload = try object(try decode(parts[1], "payload"), "payload")
        signature = try decode(parts[2], "signature")
        signingInput = Array(bytes[parts[0].startIndex..<parts[1].endIndex])
    }
}
