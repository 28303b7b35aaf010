import CBOR
@_spi(Fuzzing) import WebAuthn

/// libFuzzer entry point for the attestation object parser and the attestation statement verifiers.
///
/// Every input must give an `AttestationObject` or a `WebAuthnError` (typed throws: no other error type can
/// escape), never a trap. An object that parses then runs through the verification procedure of its format
/// (WebAuthn L3 §7.1 steps 20 to 24, via the `@_spi(Fuzzing)` entry point) with a fixed client data hash,
/// verification time and one trust anchor, the root the seeds in Corpus/FuzzAttestationObject chain to. Invariants,
/// whose violation is reported through `fatalError`:
/// - the authenticator data keeps the layout checks of FuzzAuthenticatorData (raw bytes, flags, offsets);
/// - the object re-encoded canonically parses again to the same format, authenticator data and statement;
/// - verification is deterministic: a second run (warm certificate, path and COSE key caches) gives the same
///   result or the same error code, and so does a run without trust anchors, except that nothing is trusted then;
/// - an accepted statement has the attestation type its format allows; its trust path is empty for none and self,
///   and otherwise the statement's `x5c` (the JWS header's for android-safetynet); only a non-empty path is trusted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []

    enum Fixed {
        /// SHA-256 of the seeds' clientDataJSON (TestAuthenticator, webauthn.create, challenge
        /// "KeyBridge fuzz challenge 32 byte"): the statements in the corpus sign authenticatorData || this.
        static let clientDataHash = bytes("b73426ebbd7c48f57f7c879e2d390e3822bb58a720be4d9128e78044c5ee2547")
        /// 2026-01-01T00:00:00Z, inside the seed certificates' validity and the SafetyNet seed's timestamp.
        static let verificationTime: Int64 = 1_767_225_600
        /// The root certificate (DER) of the seeds' attestation chains.
        static let root = bytes(
            "308201543081fca003020102020901b9a2e565599db60c300a06082a8648ce3d040302301e311c301a06035504030c13",
            "4b65794272696467652046757a7a20526f6f74301e170d3234313233313030303030305a170d34363031313630303030",
            "30305a301e311c301a06035504030c134b65794272696467652046757a7a20526f6f743059301306072a8648ce3d0201",
            "06082a8648ce3d03010703420004c644f823ca84018db8eb3ceac2c281b208e278f3ce14efa93fd58689c9194179b0a9",
            "696351ecf5f80d2bcbb0de48f37d4b676818837f3816af819ff3edcef4aca3233021300f0603551d130101ff04053003",
            "0101ff300e0603551d0f0101ff040403020106300a06082a8648ce3d040302034700304402202295227c8d65aad27d1d",
            "b4d654ea5d4e251d5df6bce13b4f990dea5e105dce6e022065795d1ec28f37b0ccfc9a86c6c7ff5412bc20272b05780c",
            "8efc3baac53b44eb")
        static let anchored: AttestationVerifier = {
            var anchors = TrustAnchorStore()
            do {
                try anchors.add(der: root)
            } catch {
                fatalError("the fixed trust anchor does not parse: \(error)")
            }
            return AttestationVerifier(trustAnchors: anchors)
        }()
        static let unanchored = AttestationVerifier()

        static func bytes(_ hex: String...) -> [UInt8] {
            let digits = Array(hex.joined().utf8)
            return stride(from: 0, to: digits.count - 1, by: 2).map {
                UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) ?? 0
            }
        }
    }

    let parsed = Result { () throws(WebAuthnError) in try AttestationObject(bytes: input) }
    guard case .success(let object) = parsed else { return 0 }
    let authData = object.authenticatorData
    checkLayout(authData)

    // Canonical re-encoding round trip.
    let statementBytes = CBOREncoder.encode(.map(object.statement))
    let reencoded = CBOREncoder.encode(
        .map(CBORMap([("fmt", .text(object.format)), ("attStmt", .map(object.statement)), ("authData", .bytes(authData.rawValue))])))
    guard let again = try? AttestationObject(bytes: reencoded) else {
        fatalError("the canonical re-encoding of an accepted attestation object is rejected")
    }
    // Authenticator data compared by bytes: `==` would compare extension floats as Swift does, NaN != NaN.
    guard again.format == object.format, again.authenticatorData.rawValue == authData.rawValue,
        CBOREncoder.encode(.map(again.statement)) == statementBytes
    else { fatalError("the canonical re-encoding parses to a different attestation object") }

    // Verification, three times.
    func verify(_ verifier: AttestationVerifier) -> Result<ValidatedAttestation, WebAuthnError> {
        Result { () throws(WebAuthnError) in
            try FuzzingEntryPoints.verifyAttestationStatement(
                object, clientDataHash: Fixed.clientDataHash, verificationTime: Fixed.verificationTime, verifier: verifier)
        }
    }
    let first = verify(Fixed.anchored)
    let second = verify(Fixed.anchored)
    let unanchored = verify(Fixed.unanchored)
    switch (first, second, unanchored) {
    case (.success(let a), .success(let b), .success(let c)):
        guard same(a, b) else { fatalError("a second verification gives a different result") }
        guard c.format == a.format, c.type == a.type, c.trustPath == a.trustPath, !c.isTrusted else {
            fatalError("verification without trust anchors differs in more than trust")
        }
        checkAccepted(a, object)
    case (.failure(let a), .failure(let b), .failure(let c)):
        guard a.code == b.code, a.code == c.code else {
            fatalError("verifications fail with different codes: \(a.code), \(b.code), \(c.code)")
        }
    default:
        fatalError("verification outcomes differ: \(first), \(second), \(unanchored)")
    }
    return 0

    func same(_ a: ValidatedAttestation, _ b: ValidatedAttestation) -> Bool {
        a.format == b.format && a.type == b.type && a.trustPath == b.trustPath && a.isTrusted == b.isTrusted
    }

    /// The attestation types each format may report (WebAuthn L3 §8).
    func checkAccepted(_ result: ValidatedAttestation, _ object: AttestationObject) {
        guard result.format == object.format else { fatalError("the result names another format") }
        let allowed: [AttestationType]
        switch object.format {
        case "none": allowed = [.none]
        case "packed": allowed = [.self, .basic]
        case "fido-u2f", "android-key", "android-safetynet": allowed = [.basic]
        case "tpm": allowed = [.attca]
        case "apple": allowed = [.anonca]
        default: fatalError("an unknown format \"\(object.format)\" was accepted")
        }
        guard allowed.contains(result.type) else { fatalError("\(object.format) reported type \(result.type)") }
        if result.type == .none || result.type == .self {
            guard result.trustPath.isEmpty, !result.isTrusted else { fatalError("\(result.type) attestation has a trust path") }
        } else if object.format != "android-safetynet" {
            let x5c = object.statement[text: "x5c"]?.arrayValue?.compactMap(\.bytesValue)
            guard let x5c, x5c == result.trustPath else { fatalError("the trust path is not x5c") }
        }
        if result.isTrusted, result.trustPath.isEmpty { fatalError("an empty trust path is trusted") }
        if object.format == "none", object.statement.count != 0 { fatalError("none accepted a non-empty statement") }
        guard object.authenticatorData.attestedCredentialData != nil else {
            fatalError("an attestation without attested credential data was accepted")
        }
    }

    /// The layout invariants of an accepted authenticator data (see FuzzAuthenticatorData).
    func checkLayout(_ data: AuthenticatorData) {
        let raw = data.rawValue
        guard raw.count >= 37, data.rpIDHash == Array(raw[0..<32]), data.flags.rawValue == raw[32] else {
            fatalError("rpIdHash or flags do not come from their bytes")
        }
        let count = UInt32(raw[33]) << 24 | UInt32(raw[34]) << 16 | UInt32(raw[35]) << 8 | UInt32(raw[36])
        guard data.signCount == count else { fatalError("signCount is not big-endian bytes 33 to 36") }
        guard (data.attestedCredentialData != nil) == data.flags.contains(.AT),
            (data.extensions != nil) == data.flags.contains(.ED)
        else { fatalError("AT or ED disagrees with the parsed content") }
    }
}
