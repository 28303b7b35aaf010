import CBOR
import WebAuthn

/// libFuzzer entry point for the authenticator data parser (WebAuthn L3 §6.1).
///
/// Every input must give an `AuthenticatorData` or a `WebAuthnError` (typed throws), never a trap. Invariants of
/// an accepted input, whose violation is reported through `fatalError`:
/// - every field comes from its bytes: `rawValue` is the input, `rpIdHash` bytes 0 to 31, `flags` byte 32,
///   `signCount` bytes 33 to 36 big-endian; attested credential data is the AAGUID at 37, a 16-bit length at 53
///   (at most 1023) and that many ID bytes, then exactly one CBOR item (the COSE_Key); the extensions are the CBOR
///   map that ends the input (compared item by item, floats by bit pattern);
/// - AT is set exactly when attested credential data was parsed, ED exactly when extensions were;
/// - the parse is strict: the input with one byte more, or one byte less, is rejected;
/// - fewer than 37 bytes are rejected as malformed authenticator data.
/// The credential public key, when there is one, also goes through `COSEKey(encoded:)` (a value or a typed error).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
    let parsed = Result { () throws(WebAuthnError) in try AuthenticatorData(bytes: input) }
    let data: AuthenticatorData
    switch parsed {
    case .failure(let error):
        if n < 37, error.code != .malformedAuthenticatorData {
            fatalError("\(n) bytes are refused with \(error.code), not malformed-authenticator-data")
        }
        return 0
    case .success(let value):
        data = value
    }
    guard n >= 37, data.rawValue == input else { fatalError("rawValue is not the input") }
    guard data.rpIDHash == Array(input[0..<32]), data.flags.rawValue == input[32] else {
        fatalError("rpIdHash or flags do not come from their bytes")
    }
    let count = UInt32(input[33]) << 24 | UInt32(input[34]) << 16 | UInt32(input[35]) << 8 | UInt32(input[36])
    guard data.signCount == count else { fatalError("signCount is not big-endian bytes 33 to 36") }
    guard (data.attestedCredentialData != nil) == data.flags.contains(.AT) else {
        fatalError("the AT flag disagrees with the attested credential data")
    }
    guard (data.extensions != nil) == data.flags.contains(.ED) else {
        fatalError("the ED flag disagrees with the extensions")
    }

    var offset = 37
    if let attested = data.attestedCredentialData {
        guard n >= offset + 18, attested.aaguid.bytes == Array(input[37..<53]) else {
            fatalError("the AAGUID is not bytes 37 to 52")
        }
        let length = Int(input[53]) << 8 | Int(input[54])
        guard length <= 1023, attested.credentialID.count == length, n >= 55 + length,
            attested.credentialID == Array(input[55..<55 + length])
        else { fatalError("the credential ID is not the length-prefixed bytes at 53") }
        offset = 55 + length
        let key = attested.credentialPublicKey
        guard !key.isEmpty, n >= offset + key.count, key == Array(input[offset..<offset + key.count]) else {
            fatalError("the credential public key is not the bytes after the credential ID")
        }
        guard (try? CBORDecoder().decode(key)) != nil else {
            fatalError("the credential public key is not exactly one CBOR item")
        }
        offset += key.count
        _ = Result { () throws(WebAuthnError) in try COSEKey(encoded: key) }
    }
    if let extensions = data.extensions {
        // Compared as encoded items: `==` on CBOR values follows Swift's float semantics, where NaN != NaN
        // (FailCases/FuzzAuthenticatorData/extensions-nan-value.bin).
        guard let decoded = try? CBORDecoder().decode(input[offset...]), decoded.isIdentical(to: .map(extensions)) else {
            fatalError("the extensions are not the CBOR map that ends the input")
        }
    } else {
        guard offset == n else { fatalError("bytes follow the last parsed field") }
    }

    // Strictness: one byte more or less is refused.
    if (try? AuthenticatorData(bytes: input + [0x00])) != nil { fatalError("a trailing byte was accepted") }
    if (try? AuthenticatorData(bytes: Array(input.dropLast()))) != nil { fatalError("a truncated input was accepted") }
    return 0
}
