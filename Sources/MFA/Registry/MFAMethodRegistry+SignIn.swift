internal import OneTimeCodes

extension MFAMethodRegistry {
    /// Sign-in outcomes the risk signals treat as successful (their places and times are "known").
    static let successfulOutcomes: Set<String> = ["allow", "mfa-completed"]

    /// A sign-in context with its time and location filled in.
    struct ResolvedContext: Sendable {
        let time: Int64
        let ipAddress: IPAddress?
        let location: GeoLocation?
        let deviceToken: String?

        var coordinates: StoredSignIn.Coordinates? {
            location?.coordinate.map { StoredSignIn.Coordinates(latitude: $0.latitude, longitude: $0.longitude) }
        }
    }

    /// Fills in the time from the clock and the location from the IP locator (outside any transaction).
    func resolve(_ context: SignInContext) -> ResolvedContext {
        let time = context.time ?? now()
        let attempt = SignInAttempt(
            time: time, ipAddress: context.ipAddress, location: context.location, device: .noToken
        ).located(with: ipLocator)
        return ResolvedContext(
            time: time, ipAddress: context.ipAddress, location: attempt.location, deviceToken: context.deviceToken)
    }

    // MARK: - The decision

    /// Decides what happens after the password (the first factor) was accepted: allow, prompt for a
    /// second factor, or demand enrollment.
    ///
    /// - A service account is allowed (exempt from interactive MFA); its sign-in is recorded.
    /// - An account without an active method must enroll when the enforcement policy requires MFA for it
    ///   (no access until a method is active), and is allowed otherwise.
    /// - An account with MFA is allowed without a prompt only when the device presents a valid
    ///   trusted-device token (right account, current configuration generation, not expired; the secret's
    ///   hash compared in constant time) and no risk signal fires: unknown device, new location,
    ///   impossible travel, or an IP address denied or outside the allow list.
    ///
    /// Every decision is explained, appended to the sign-in history and to the audit log.
    ///
    /// - Parameters:
    ///   - accountID: The account whose password was accepted.
    ///   - context: The device token, IP address, time and location.
    /// - Returns: The decision.
    /// - Throws: ``MFAError/Code/notFound`` for an unknown account.
    public func signIn(accountID: String, context: SignInContext) throws(MFAError) -> SignInDecision {
        let resolved = resolve(context)
        let now = resolved.time
        return try store.write { (tx) throws(MFAError) -> SignInDecision in
            let account = try Self.requireAccount(tx, accountID)
            let decision: SignInDecision
            var recognisedDeviceID: String? = nil
            var deviceNote = ""
            if !account.isInteractive {
                decision = .allow(.serviceAccount)
            } else {
                let methods = try tx.methods(accountID: accountID)
                if Self.activePrimaryMethods(methods).isEmpty {
                    if configuration.enforcement.requiresMFA(for: account) {
                        decision = .enrollmentRequired(
                            configuration.enforcement.description
                                + " This account has no active method; no access until one is active.")
                    } else {
                        decision = .allow(.mfaNotRequired)
                    }
                } else {
                    let device = try recognise(tx, token: resolved.deviceToken, account: account, at: now)
                    if device == .recognised, let token = resolved.deviceToken {
                        recognisedDeviceID = TrustedDeviceToken.parse(token)?.id
                    }
                    deviceNote = " Device: \(device.rawValue)."
                    let history = try tx.signIns(accountID: accountID, limit: configuration.riskHistoryLength)
                        .filter { Self.successfulOutcomes.contains($0.outcome) }
                        .map(Self.signInRecord)
                    let assessment = configuration.risk.assess(
                        SignInAttempt(time: now, ipAddress: resolved.ipAddress, location: resolved.location, device: device),
                        history: history)
                    if device == .recognised && !assessment.isRisky {
                        decision = .allow(.trustedDevice)
                    } else {
                        let offered = Self.ordered(methods, preferred: account.preferredMethodID)
                            .filter { $0.state == .active }
                            .map { MFAMethodSummary($0, preferredMethodID: account.preferredMethodID) }
                        decision = .challenge(SignInChallenge(methods: offered, riskSignals: assessment.signals, device: device))
                    }
                }
            }
            try tx.appendSignIn(
                StoredSignIn(
                    accountID: accountID, time: now, deviceID: recognisedDeviceID,
                    ipAddress: resolved.ipAddress?.description, location: resolved.coordinates, outcome: decision.outcome))
            try Self.audit(
                tx, now, accountID, "sign-in-decision",
                decision.explanation + deviceNote + (resolved.ipAddress.map { " IP \($0)." } ?? ""))
            return decision
        }
    }

    /// What the presented trusted-device token proves.
    func recognise(_ tx: any MFAStoreReading, token: String?, account: MFAAccount, at now: Int64) throws(MFAError)
        -> DeviceRecognition
    {
        guard let token else { return .noToken }
        guard let (id, secret) = TrustedDeviceToken.parse(token), let record = try tx.trustedDevice(id: id) else {
            return .unrecognised
        }
        return TrustedDeviceToken.matches(record, secret: secret, account: account, at: now) ? .recognised : .unrecognised
    }

    static func signInRecord(_ stored: StoredSignIn) -> SignInRecord {
        let location = stored.location.flatMap { coordinates -> GeoLocation? in
            guard let point = try? GeoCoordinate(latitude: coordinates.latitude, longitude: coordinates.longitude) else {
                return nil
            }
            return GeoLocation(coordinate: point)
        }
        return SignInRecord(time: stored.time, ipAddress: stored.ipAddress.flatMap { IPAddress($0) }, location: location)
    }

    // MARK: - Answering the prompt

    /// What a completed second factor produced inside its transaction.
    struct Completed: Sendable {
        let methodID: String
        let kind: MFAMethodKind
        let token: String?
        let expiresAt: Int64?
        let recoveryCodesRemaining: Int?
        let account: MFAAccount
    }

    /// Checks the answer to an MFA prompt and, when it is right, completes the sign-in: the failure count is
    /// cleared, the sign-in is recorded, and a trusted-device token is issued when `rememberDevice`.
    ///
    /// A wrong answer of any kind counts as a failed attempt against the account. A right recovery code also
    /// lifts a hard lock, and the owner is notified that a recovery code was used.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - proof: The code, SMS challenge, security-key assertion or recovery code.
    ///   - context: The device, IP address, time and location (recorded with the sign-in).
    ///   - rememberDevice: Whether to issue a trusted-device token (5 days by default).
    /// - Returns: The method used and the token.
    /// - Throws: ``MFAError/Code/codeNotValid`` (``MFAError/userMessage`` is ``MFAError/wrongCodeMessage``),
    ///   ``MFAError/Code/codeExpired``, ``MFAError/Code/tooManyAttempts``, ``MFAError/Code/securityKeyRejected``,
    ///   ``MFAError/Code/signCountConflict``, ``MFAError/Code/throttled`` (with ``MFAError/retryAfter``),
    ///   ``MFAError/Code/locked``, ``MFAError/Code/notFound`` (no such active method),
    ///   ``MFAError/Code/enrollmentRequired`` (no active method at all).
    public func completeSignIn(
        accountID: String, proof: SecondFactorProof, context: SignInContext, rememberDevice: Bool = true
    ) async throws(MFAError) -> SignInCompletion {
        let resolved = resolve(context)
        let now = resolved.time
        let completed: Completed
        switch proof {
        case .totp(let code, let methodID):
            completed = try store.write { (tx) throws(MFAError) -> Result<Completed, MFAError> in
                let account = try Self.requireAccount(tx, accountID)
                try checkThrottle(tx, accountID: accountID, at: now)
                let candidates = try tx.methods(accountID: accountID).filter {
                    $0.state == .active && $0.kind == .totp && (methodID == nil || $0.id == methodID)
                }
                guard !candidates.isEmpty else {
                    throw try Self.missingMethod(tx, accountID: accountID, "such active authenticator app")
                }
                var failure = MFAError(.codeNotValid, "the code matches no active authenticator app")
                for method in candidates {
                    guard let error = try verifyTOTP(tx, method: method, code: code, at: now) else {
                        return .success(try finishSignIn(tx, account: account, method: method, resolved, rememberDevice))
                    }
                    failure = error
                }
                return .failure(try recordFailure(tx, accountID: accountID, kind: .totp, at: now, failure))
            }.get()
        case .sms(let challengeID, let code):
            completed = try await completeSMSChallenge(
                accountID: accountID, challengeID: challengeID, code: code, purpose: .signIn, at: now
            ) { (tx, account, _, method) throws(MFAError) -> Completed in
                guard method.state == .active else {
                    throw MFAError(.invalidTransition, "method \(method.id) is \(method.state), not active")
                }
                return try finishSignIn(tx, account: account, method: method, resolved, rememberDevice)
            }
        case .securityKey(let ceremonyID, let response):
            let verified: VerifiedAssertion
            do {
                verified = try verifyAssertion(accountID: accountID, ceremonyID: ceremonyID, response: response, at: now)
            } catch where error.code == .securityKeyCloneSuspected {
                // The refusal is already counted and audited; the account's owner is told as well.
                if let account = try? store.read({ (tx) throws(MFAError) in try tx.account(id: accountID) }) ?? nil {
                    _ = await notify(.securityKeyCloneSuspected, account: account, detail: nil, at: now)
                }
                throw error
            }
            completed = try store.write { (tx) throws(MFAError) -> Result<Completed, MFAError> in
                let account = try Self.requireAccount(tx, accountID)
                if let conflict = try storeAssertion(tx, verified, at: now) {
                    return .failure(try recordFailure(tx, accountID: accountID, kind: .securityKey, at: now, conflict))
                }
                return .success(try finishSignIn(tx, account: account, method: verified.method, resolved, rememberDevice))
            }.get()
        case .recoveryCode(let code):
            completed = try store.write { (tx) throws(MFAError) -> Result<Completed, MFAError> in
                let account = try Self.requireAccount(tx, accountID)
                try checkThrottle(tx, accountID: accountID, at: now, forRecovery: true)
                guard let method = try tx.methods(accountID: accountID).first(where: {
                    $0.kind == .recoveryCodes && $0.state == .active
                }), case .recoveryCodes(var set) = method.details else {
                    throw try Self.missingMethod(tx, accountID: accountID, "active recovery codes")
                }
                do throws(OneTimeCodeError) {
                    _ = try set.redeem(code, key: keys.codeHashingKey, at: now)
                } catch {
                    let failure = MFAError(.codeNotValid, "recovery code: \(error.reason)")
                    return .failure(try recordFailure(tx, accountID: accountID, kind: .recoveryCodes, at: now, failure))
                }
                try tx.replaceRecoveryCodeSet(methodID: method.id, with: set, at: now)
                let wasLocked = try tx.throttleState(accountID: accountID).consecutiveFailures >= configuration.throttle.lockThreshold
                try Self.audit(
                    tx, now, accountID, "recovery-code-used",
                    "a recovery code of method \(method.id) was used; \(set.remaining) left"
                        + (wasLocked ? "; the hard lock is lifted" : ""))
                let done = try finishSignIn(tx, account: account, method: method, resolved, rememberDevice)
                return .success(
                    Completed(
                        methodID: done.methodID, kind: done.kind, token: done.token, expiresAt: done.expiresAt,
                        recoveryCodesRemaining: set.remaining, account: account))
            }.get()
        }
        var failure: MFAError? = nil
        if let remaining = completed.recoveryCodesRemaining {
            failure = await notify(
                .recoveryCodeUsed, account: completed.account,
                detail: "\(remaining) recovery code\(remaining == 1 ? " is" : "s are") left.", at: now)
        }
        return SignInCompletion(
            methodID: completed.methodID, methodKind: completed.kind, trustedDeviceToken: completed.token,
            trustedDeviceExpiresAt: completed.expiresAt, recoveryCodesRemaining: completed.recoveryCodesRemaining,
            notificationFailure: failure)
    }

    /// Completes a sign-in inside the transaction that accepted its second factor.
    func finishSignIn(
        _ tx: any MFAStoreTransaction, account: MFAAccount, method: MFAMethodRecord, _ context: ResolvedContext,
        _ rememberDevice: Bool
    ) throws(MFAError) -> Completed {
        let now = context.time
        try Self.resetThrottle(tx, accountID: account.id)
        var token: String? = nil
        var expiresAt: Int64? = nil
        var deviceID: String? = nil
        if rememberDevice {
            try tx.deleteTrustedDevices(expiredAt: now)
            let issued = TrustedDeviceToken.issue()
            let expiry = now + configuration.trustedDeviceLifetime
            try tx.insertTrustedDevice(
                TrustedDeviceRecord(
                    id: issued.id, accountID: account.id, secretHash: issued.secretHash,
                    configurationGeneration: account.configurationGeneration, createdAt: now, expiresAt: expiry))
            token = issued.token
            expiresAt = expiry
            deviceID = issued.id
        }
        try tx.appendSignIn(
            StoredSignIn(
                accountID: account.id, time: now, deviceID: deviceID, ipAddress: context.ipAddress?.description,
                location: context.coordinates, outcome: "mfa-completed", methodKind: method.kind))
        try Self.audit(
            tx, now, account.id, "sign-in-completed",
            "second factor accepted: \(method.kind) method \(method.id)"
                + (deviceID.map { "; trusted device \($0) issued until \(expiresAt ?? now)" } ?? ""))
        return Completed(
            methodID: method.id, kind: method.kind, token: token, expiresAt: expiresAt, recoveryCodesRemaining: nil,
            account: account)
    }
}
