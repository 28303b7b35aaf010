@_spi(ExpertsOnly) @_spi(Fuzzing) import WebAuthn

/// libFuzzer entry point for the `RegistrationResponseJSON` parser, and the registration ceremony behind it.
///
/// Every input must give a `RegistrationResponseJSON` or a `WebAuthnError` (typed throws), never a trap. A
/// parsed response then runs through `RelyingParty.finishRegistration` with a fresh expert state for the seeds'
/// challenge ("KeyBridge fuzz challenge 32 byte"), RP ID example.org, origin https://example.org (cross-origin
/// allowed from https://top.example) and the default attestation verifier. Invariants, whose violation is reported
/// through `fatalError`:
/// - accepted text is valid UTF-8, the module's strict tree JSON parser accepts it too, and
///   `init(jsonString:)` gives the same response;
/// - a state is single-use: finishing again with it fails with ceremony-already-used, whatever the first outcome;
/// - an accepted registration's record holds the response's credential ID and transports and the attestation
///   object's format, COSE key, counter and UV/BE/BS flags, and survives its own JSON storage form unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
    let parsed = Result { () throws(WebAuthnError) in try RegistrationResponseJSON(jsonBytes: input) }
    guard case .success(let response) = parsed else { return 0 }

    guard let text = String(validating: input, as: UTF8.self) else { fatalError("accepted input is not UTF-8") }
    do {
        try FuzzingEntryPoints.parseJSON(input)
    } catch {
        fatalError("the response parser accepts what the tree JSON parser rejects: \(error)")
    }
    guard (try? RegistrationResponseJSON(jsonString: text)) == response else {
        fatalError("init(jsonString:) and init(jsonBytes:) disagree")
    }

    let party = RelyingParty(
        configuration: .init(rpID: "example.org", rpName: "KeyBridge fuzz", allowedOrigins: ["https://example.org"]))
    let state = RegistrationState(
        challenge: Array("KeyBridge fuzz challenge 32 byte".utf8), rpID: "example.org",
        allowedOrigins: ["https://example.org"], requireUserVerification: false, allowCrossOrigin: true,
        allowedTopOrigins: ["https://top.example"], userHandle: Array("user-1".utf8), expiresAt: Int64.max)
    let outcome = Result { () throws(WebAuthnError) in try party.finishRegistration(response, state: state) }
    let replay = Result { () throws(WebAuthnError) in try party.finishRegistration(response, state: state) }
    guard case .failure(let replayError) = replay, replayError.code == .ceremonyAlreadyUsed else {
        fatalError("a registration state was accepted twice")
    }
    guard case .success(let record) = outcome else { return 0 }

    guard let object = try? AttestationObject(bytes: response.attestationObject),
        let attested = object.authenticatorData.attestedCredentialData
    else { fatalError("a registration was accepted without a parsable attestation object") }
    let flags = object.authenticatorData.flags
    guard record.id == response.rawID, record.id == attested.credentialID, record.transports == response.transports,
        record.attestationFormat == object.format, record.publicKeyBytes == attested.credentialPublicKey,
        record.signCount == object.authenticatorData.signCount, record.aaguid == attested.aaguid,
        record.userVerified == flags.contains(.UV), record.backupEligible == flags.contains(.BE),
        record.backupState == flags.contains(.BS), flags.contains(.UP)
    else { fatalError("the record does not hold what the response says") }
    guard (try? CredentialRecord(jsonBytes: record.jsonBytes())) == record else {
        fatalError("the record does not survive its JSON form")
    }
    return 0
}
