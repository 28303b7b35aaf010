import CBOR
import WebAuthn

/// libFuzzer entry point for COSE keys: parsing, signature verification and the SubjectPublicKeyInfo round trip.
///
/// The input is a COSE_Key (its first CBOR item) followed by signature bytes (the rest); the seeds carry a valid
/// signature over the fixed message below. Every call must give a value or a `WebAuthnError` (typed throws), never
/// a trap. Invariants, whose violation is reported through `fatalError`:
/// - `COSEKey(encoded:)` of the whole input fails with invalid-cbor when bytes follow the first item or there is
///   no first item;
/// - `COSEKey(encoded:)` (twice: the second hits the key cache), `COSEKey(map:encoded:)` and, but for the RS1
///   verdict, `COSEKey(encoded:allowRS1: true)` agree: the same key, or the same error code;
/// - an accepted key keeps its bytes, and its key type and curve are the ones its algorithm requires;
/// - a signature that verifies over the message does not verify over the message with one byte more;
/// - SPKI round trip: `COSEKey(subjectPublicKeyInfoDER:algorithm:)` of the key's SPKI gives the same SPKI, key type,
///   curve and verification verdict; its canonical COSE encoding parses again under CTAP2 canonical order to the
///   same SPKI; the PEM form gives the same SPKI.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
    let message = Array("KeyBridge fuzz COSE message".utf8)

    func parse(_ bytes: [UInt8], allowRS1: Bool = false) -> Result<COSEKey, WebAuthnError> {
        Result { () throws(WebAuthnError) in try COSEKey(encoded: bytes, allowRS1: allowRS1) }
    }
    func agree(_ a: Result<COSEKey, WebAuthnError>, _ b: Result<COSEKey, WebAuthnError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)):
            return x.algorithm == y.algorithm && x.keyType == y.keyType && x.curve == y.curve && x.encoded == y.encoded
                && x.subjectPublicKeyInfoDER() == y.subjectPublicKeyInfoDER()
        case (.failure(let x), .failure(let y)):
            return x.code == y.code
        default:
            return false
        }
    }

    guard let (value, length) = try? CBORDecoder().decodePrefix(input[...]) else {
        guard case .failure(let error) = parse(input), error.code == .invalidCBOR else {
            fatalError("input without a CBOR item is not refused as invalid-cbor")
        }
        return 0
    }
    let keyBytes = Array(input[..<length])
    let signature = Array(input[length...])
    if !signature.isEmpty {
        guard case .failure(let error) = parse(input), error.code == .invalidCBOR else {
            fatalError("a COSE_Key followed by other bytes is not refused as invalid-cbor")
        }
    }

    let first = parse(keyBytes)
    guard agree(first, parse(keyBytes)) else { fatalError("parsing the same bytes again (cache hit) differs") }
    if case .map(let map) = value {
        let fromMap = Result { () throws(WebAuthnError) in try COSEKey(map: map, encoded: keyBytes) }
        guard agree(first, fromMap) else { fatalError("COSEKey(map:encoded:) and COSEKey(encoded:) disagree") }
    } else {
        guard case .failure(let error) = first, error.code == .invalidPublicKey else {
            fatalError("a CBOR item that is not a map is not refused as invalid-public-key")
        }
    }
    let lenient = parse(keyBytes, allowRS1: true)
    if case .failure(let error) = first, error.code == .algorithmNotAllowed {
        if case .success(let key) = lenient, key.algorithm != .rs1 { fatalError("only RS1 may be refused as not allowed") }
    } else {
        guard agree(first, lenient) else { fatalError("allowRS1 changed a verdict other than RS1's") }
    }

    guard case .success(let key) = lenient else { return 0 }
    guard key.encoded == keyBytes else { fatalError("the key does not keep its bytes") }
    let required: (COSEKeyType, [COSECurve?])
    switch key.algorithm {
    case .es256: required = (.ec2, [.p256])
    case .es384: required = (.ec2, [.p384])
    case .es512: required = (.ec2, [.p521])
    case .eddsa: required = (.okp, [.ed25519, .ed448])
    case .ed25519: required = (.okp, [.ed25519])
    case .ed448: required = (.okp, [.ed448])
    case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .rs1: required = (.rsa, [nil])
    default: fatalError("an unknown algorithm \(key.algorithm) was accepted")
    }
    guard key.keyType == required.0, required.1.contains(key.curve) else {
        fatalError("\(key.algorithm) was accepted with kty \(key.keyType) and crv \(String(describing: key.curve))")
    }

    let verifies = key.verifySignature(signature, over: message)
    if verifies, key.verifySignature(signature, over: message + [0]) {
        fatalError("one signature verifies over two different messages")
    }

    let spki = key.subjectPublicKeyInfoDER()
    let roundTrip: COSEKey
    do {
        roundTrip = try COSEKey(subjectPublicKeyInfoDER: spki, algorithm: key.algorithm)
    } catch {
        fatalError("the key's own SPKI is refused: \(error)")
    }
    guard roundTrip.subjectPublicKeyInfoDER() == spki, roundTrip.algorithm == key.algorithm,
        roundTrip.keyType == key.keyType, roundTrip.curve == key.curve
    else { fatalError("SPKI -> COSEKey -> SPKI does not round-trip") }
    guard roundTrip.verifySignature(signature, over: message) == verifies else {
        fatalError("the round-tripped key gives another verification verdict")
    }
    guard (try? CBORDecoder(requireCanonicalMapOrder: true).decode(roundTrip.encoded)) != nil else {
        fatalError("the COSE_Key made from SPKI is not in CTAP2 canonical order")
    }
    guard case .success(let reparsed) = parse(roundTrip.encoded, allowRS1: true),
        reparsed.subjectPublicKeyInfoDER() == spki, reparsed.encoded == roundTrip.encoded
    else { fatalError("the COSE_Key made from SPKI does not parse back to the same key") }
    guard let fromPEM = try? COSEKey(pem: key.pem(), algorithm: key.algorithm), fromPEM.subjectPublicKeyInfoDER() == spki
    else { fatalError("the key's PEM does not give the same key") }
    return 0
}
