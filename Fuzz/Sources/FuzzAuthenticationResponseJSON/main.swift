@_spi(ExpertsOnly) @_spi(Fuzzing) import WebAuthn

/// libFuzzer entry point for the `AuthenticationResponseJSON` parser, and the authentication ceremony behind it.
///
/// Every input must give an `AuthenticationResponseJSON` or a `WebAuthnError` (typed throws), never a trap. A
/// parsed response then runs through `RelyingParty.finishAuthentication` with a fresh expert state for the seeds'
/// challenge ("KeyBridge fuzz challenge 32 byte"), RP ID example.org, origin https://example.org (cross-origin
/// allowed from https://top.example), against the record of the seeds' credential with that `rawId` (ES256, RS256
/// or EdDSA test keys of _TestSupport, sign count 0) or, for any other `rawId`, the ES256 key under that ID.
/// Invariants, whose violation is reported through `fatalError`:
/// - accepted text is valid UTF-8, the module's strict tree JSON parser accepts it too, and
///   `init(jsonString:)` gives the same response;
/// - a state is single-use: finishing again with it fails with ceremony-already-used, whatever the first outcome;
/// - an accepted assertion updates the record's counter to the authenticator data's, reports its UV flag, and
///   says it needs storing exactly when the record changed;
/// - the same assertion against the updated record, with a new state, is refused as a counter regression unless
///   both counts are zero.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []

    enum Fixed {
        /// COSE_Keys of TestCredentialKey.es256, .rs256 and .eddsa, with the credential IDs the seeds use.
        static let records: [[UInt8]: COSEKey] = [
            Array(0..<32): key(
                "a5010203262001215820909102c766dd962d7efde3bf13a43e37d93079b0c81e34da4b90b13ce79606782258"
                    + "20e0d6137302ba38237be5f32a46c3837972078aaa1b194108f8ef08843887f58d"),
            Array(32..<64): key(
                "a401030339010020590100a02766aac6a8d525600743d7d6cd92a6f9f35b0e2ed5f40d97559efbb20666f962"
                    + "ec9ddaf65a0c92f9292a2f0c3cb4492095c270f7a5d6478ca9f09f70d203ccb1603bbdc65e71200189fc1426"
                    + "085381722a48e5ed27b03d08a07c670f94f650f3f48f98092b01885f29ac9be253c7a3ce81cf460a18966c46"
                    + "9e895fdf84389f25ad761bf7291523491aedbbb0793d47a65da360ec90a4333e9fc0e05cc93d22f26a81ad78"
                    + "eaa708f8d37c187646ea4e98cc982fab9f664f6a62fa35b9b184792ff7a4882e7676f7811336cd2467096f54"
                    + "5ddee90795f18938e9200bdd25da0dc41939d7feae7c0fa777902066f6dceb25d5b6bae0425682a587f50d5e"
                    + "f814bf2143010001"),
            Array(64..<96): key(
                "a4010103272006215820901ae38c170564ef68a05630880bce329cca3ab8369a12a8ab8b97de5d503a75"),
        ]

        static func key(_ hex: String) -> COSEKey {
            let digits = Array(hex.utf8)
            let bytes = stride(from: 0, to: digits.count - 1, by: 2).map {
                UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) ?? 0
            }
            do {
                return try COSEKey(encoded: bytes)
            } catch {
                fatalError("a fixed COSE key does not parse: \(error)")
            }
        }

        static let party = RelyingParty(
            configuration: .init(rpID: "example.org", rpName: "KeyBridge fuzz", allowedOrigins: ["https://example.org"]))

        static func state() -> AuthenticationState {
            AuthenticationState(
                challenge: Array("KeyBridge fuzz challenge 32 byte".utf8), rpID: "example.org",
                allowedOrigins: ["https://example.org"], requireUserVerification: false, allowCrossOrigin: true,
                allowedTopOrigins: ["https://top.example"], expiresAt: Int64.max)
        }
    }

    let parsed = Result { () throws(WebAuthnError) in try AuthenticationResponseJSON(jsonBytes: input) }
    guard case .success(let response) = parsed else { return 0 }

    guard let text = String(validating: input, as: UTF8.self) else { fatalError("accepted input is not UTF-8") }
    do {
        try FuzzingEntryPoints.parseJSON(input)
    } catch {
        fatalError("the response parser accepts what the tree JSON parser rejects: \(error)")
    }
    guard (try? AuthenticationResponseJSON(jsonString: text)) == response else {
        fatalError("init(jsonString:) and init(jsonBytes:) disagree")
    }

    guard let es256 = Fixed.records[Array(0..<32)] else { fatalError("the fixed ES256 record is missing") }
    let credential = CredentialRecord(
        uncheckedID: response.rawID, publicKey: Fixed.records[response.rawID] ?? es256, signCount: 0)
    // A relying party per input, so its single-use ledger does not grow over the run.
    let party = RelyingParty(configuration: Fixed.party.configuration)
    let state = Fixed.state()
    let outcome = Result { () throws(WebAuthnError) in
        try party.finishAuthentication(response, state: state, credential: credential)
    }
    let replay = Result { () throws(WebAuthnError) in
        try party.finishAuthentication(response, state: state, credential: credential)
    }
    guard case .failure(let replayError) = replay, replayError.code == .ceremonyAlreadyUsed else {
        fatalError("an authentication state was accepted twice")
    }
    guard case .success(let result) = outcome else { return 0 }

    guard let authData = try? AuthenticatorData(bytes: response.authenticatorData) else {
        fatalError("an assertion was accepted with unparsable authenticator data")
    }
    guard result.record.id == credential.id, result.record.signCount == authData.signCount,
        result.userVerified == authData.flags.contains(.UV), authData.flags.contains(.UP),
        result.needsUpdate == (result.record != credential)
    else { fatalError("the result does not reflect the assertion") }

    let again = Result { () throws(WebAuthnError) in
        try party.finishAuthentication(response, state: Fixed.state(), credential: result.record)
    }
    switch again {
    case .success:
        guard authData.signCount == 0 else { fatalError("a replayed assertion with a counter was accepted") }
    case .failure(let error):
        guard error.code == .counterRegression, authData.signCount != 0 else {
            fatalError("a replayed assertion was refused with \(error.code), not counter-regression")
        }
    }
    return 0
}
