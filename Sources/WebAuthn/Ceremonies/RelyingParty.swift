/// A WebAuthn Relying Party: it starts registration and authentication ceremonies and verifies their responses
/// with every check of WebAuthn Level 3 §7.1 and §7.2.
///
/// ```swift
/// let rp = RelyingParty(configuration: .init(rpID: "example.org", rpName: "Example",
///                                           allowedOrigins: ["https://example.org"]))
/// let (options, state) = rp.startRegistration(user: user)
/// // send options.jsonString() to the page; keep state on the server
/// let record = try rp.finishRegistration(try RegistrationResponseJSON(jsonBytes: body), state: state)
/// ```
///
/// States are single-use: the relying party remembers which it has finished (success or not) until they expire,
/// and refuses them again with ``WebAuthnError/Code/ceremonyAlreadyUsed``. Copies of a `RelyingParty` share
/// that memory; separate instances (or processes) do not.
public struct RelyingParty: Sendable {
    /// The configuration.
    public let configuration: Configuration
    let ledger: CeremonyLedger

    /// A relying party with `configuration`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.ledger = CeremonyLedger()
    }

    /// The algorithms a new state accepts: the configured list, with RS1 present exactly when allowed.
    var effectiveAlgorithms: [COSEAlgorithm] {
        var algorithms = configuration.allowedAlgorithms.filter { $0 != .rs1 }
        if configuration.allowRS1 { algorithms.append(.rs1) }
        return algorithms
    }

    private func newExpectations() -> CeremonyExpectations {
        CeremonyExpectations(
            id: CeremonyExpectations.newID(), challenge: configuration.challengeGenerator.next(), rpID: configuration.rpID,
            allowedOrigins: configuration.allowedOrigins, allowCrossOrigin: configuration.allowCrossOrigin,
            allowedTopOrigins: configuration.allowedTopOrigins,
            userVerificationRequired: configuration.userVerification == .required,
            allowedAlgorithms: effectiveAlgorithms,
            expiresAt: Self.saturatingSum(configuration.clock.now(), configuration.timeoutSeconds))
    }

    private static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// The timeout sent to the browser, in milliseconds.
    private var timeoutMilliseconds: Int {
        let (ms, overflow) = configuration.timeoutSeconds.multipliedReportingOverflow(by: 1000)
        return overflow ? Int.max : Int(max(0, ms))
    }

    // MARK: - Registration

    /// Starts a registration ceremony (WebAuthn L3 §7.1 step 1).
    ///
    /// - Parameters:
    ///   - user: The account the credential is for. Its `id` becomes the record's user handle.
    ///   - excludeCredentials: Credentials the user already has; an authenticator holding one of them refuses,
    ///     and ``finishRegistration(_:state:)`` rejects a response that creates one of them.
    /// - Returns: The options for the browser and the state to keep on the server until the response arrives.
    public func startRegistration(
        user: PublicKeyCredentialUserEntity, excludeCredentials: [PublicKeyCredentialDescriptor] = []
    ) -> (options: PublicKeyCredentialCreationOptionsJSON, state: RegistrationState) {
        let expected = newExpectations()
        let options = PublicKeyCredentialCreationOptionsJSON(
            rpID: configuration.rpID, rpName: configuration.rpName, user: user, challenge: expected.challenge,
            algorithms: expected.allowedAlgorithms, timeoutMilliseconds: timeoutMilliseconds,
            excludeCredentials: excludeCredentials, residentKey: configuration.residentKey,
            userVerification: configuration.userVerification,
            authenticatorAttachment: configuration.authenticatorAttachment, attestation: configuration.attestation)
        let state = RegistrationState(
            expectations: expected, excludeCredentialIDs: excludeCredentials.map(\.id), userHandle: user.id)
        return (options, state)
    }

    // MARK: - Authentication

    /// Starts an authentication ceremony (WebAuthn L3 §7.2 step 1).
    ///
    /// - Parameters:
    ///   - allowCredentials: The credentials of the user being signed in, when the user is already identified
    ///     (then a `userHandle` in the response is optional); empty for a discoverable-credential sign-in (then the
    ///     response must carry a `userHandle`).
    ///   - appID: The FIDO AppID under which U2F credentials in `allowCredentials` were registered, if any: it
    ///     is sent as the `appid` extension and accepted as the scope of an assertion that used it.
    /// - Returns: The options for the browser and the state to keep on the server until the response arrives.
    public func startAuthentication(
        allowCredentials: [PublicKeyCredentialDescriptor] = [], appID: String? = nil
    ) -> (options: PublicKeyCredentialRequestOptionsJSON, state: AuthenticationState) {
        let expected = newExpectations()
        let options = PublicKeyCredentialRequestOptionsJSON(
            challenge: expected.challenge, timeoutMilliseconds: timeoutMilliseconds,
            rpID: configuration.rpID, allowCredentials: allowCredentials,
            userVerification: configuration.userVerification, appID: appID)
        let state = AuthenticationState(
            expectations: expected, allowCredentialIDs: allowCredentials.map(\.id),
            userIdentified: !allowCredentials.isEmpty, appID: appID)
        return (options, state)
    }
}
