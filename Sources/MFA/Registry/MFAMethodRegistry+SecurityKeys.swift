internal import OneTimeCodes
internal import WebAuthn

extension MFAMethodRegistry {
    // MARK: - Security-key registration

    /// Starts registering a security key (WebAuthn L3 §7.1 step 1). The ceremony state is kept in the
    /// store until ``finishSecurityKeyRegistration(accountID:ceremonyID:response:name:)`` consumes it, once.
    ///
    /// - Parameter accountID: The account; its user handle becomes the credential's `user.id`.
    /// - Returns: The creation options for the browser, the ceremony identifier and its expiry. The
    ///   account's existing keys are excluded.
    /// - Throws: ``MFAError/Code/notFound``.
    public func startSecurityKeyRegistration(accountID: String) throws(MFAError) -> SecurityKeyRegistrationCeremony {
        let now = now()
        let ceremonyID = newIdentifier()
        return try store.write { (tx) throws(MFAError) -> SecurityKeyRegistrationCeremony in
            let account = try Self.requireAccount(tx, accountID)
            let existing = try tx.methods(accountID: accountID).compactMap { method -> PublicKeyCredentialDescriptor? in
                guard method.state != .removed, case .securityKey(let record) = method.details else { return nil }
                return record.descriptor
            }
            let (options, state) = relyingParty.startRegistration(
                user: PublicKeyCredentialUserEntity(id: account.userHandle, name: account.id, displayName: account.id),
                excludeCredentials: existing)
            try tx.deleteCeremonyStates(expiredAt: now)
            try tx.insertCeremonyState(
                StoredCeremonyState(id: ceremonyID, accountID: accountID, state: .registration(state), createdAt: now))
            try Self.audit(tx, now, accountID, "security-key-registration-started", "ceremony \(ceremonyID)")
            return SecurityKeyCeremony(ceremonyID: ceremonyID, options: options, expiresAt: state.expiresAt)
        }
    }

    /// Verifies the browser's registration response (every check of WebAuthn L3 §7.1) and adds the key as
    /// an active method.
    ///
    /// The ceremony state is consumed first, whatever the outcome, so a response can be tried once.
    ///
    /// - Parameters:
    ///   - accountID: The account that started the ceremony.
    ///   - ceremonyID: From ``startSecurityKeyRegistration(accountID:)``.
    ///   - response: The `RegistrationResponseJSON` bytes the browser sent.
    ///   - name: The user's name for the key.
    /// - Returns: The active method, whether MFA just got turned on, and the backup nudge.
    /// - Throws: ``MFAError/Code/securityKeyRejected`` (the reason names the failed WebAuthn check; an
    ///   unknown, used or expired ceremony too), ``MFAError/Code/alreadyExists`` (the credential is
    ///   registered already), ``MFAError/Code/notFound``.
    public func finishSecurityKeyRegistration(
        accountID: String, ceremonyID: String, response: [UInt8], name: String = "Security key"
    ) async throws(MFAError) -> EnrollmentResult {
        let now = now()
        let stored = try store.write { (tx) throws(MFAError) -> StoredCeremonyState? in
            try tx.consumeCeremonyState(id: ceremonyID)
        }
        guard let stored, stored.accountID == accountID, case .registration(let state) = stored.state else {
            throw MFAError(.securityKeyRejected, "no registration ceremony \(ceremonyID) for \(accountID)")
        }
        let record: CredentialRecord
        do throws(WebAuthnError) {
            record = try relyingParty.finishRegistration(try RegistrationResponseJSON(jsonBytes: response), state: state)
        } catch {
            _ = try? store.write { (tx) throws(MFAError) in
                try Self.audit(tx, now, accountID, "security-key-registration-failed", "\(error.code): \(error.reason)")
            }
            throw MFAError(.securityKeyRejected, "registration failed (\(error.code)): \(error.reason)")
        }
        let methodID = newIdentifier()
        let (account, activation) = try store.write { (tx) throws(MFAError) -> (MFAAccount, Activation) in
            let account = try Self.requireAccount(tx, accountID)
            // WebAuthn L3 §7.1 step 26: the credential ID is not registered to any user.
            guard try tx.method(credentialID: record.id) == nil else {
                throw MFAError(.alreadyExists, "the credential is already registered")
            }
            let method = MFAMethodRecord(
                id: methodID, accountID: accountID, name: name, details: .securityKey(record), createdAt: now)
            try tx.insertMethod(method)
            return (account, try activate(tx, method: method, account: account, at: now))
        }
        return await finishEnrollment(account: account, activation: activation, at: now)
    }

    // MARK: - Security-key sign-in

    /// Starts a sign-in with one of the account's active security keys (WebAuthn L3 §7.2 step 1); answer
    /// with ``SecondFactorProof/securityKey(ceremonyID:response:)``.
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The request options for the browser (its active keys in `allowCredentials`), the ceremony
    ///   identifier and its expiry.
    /// - Throws: ``MFAError/Code/notFound`` (no active security key), ``MFAError/Code/enrollmentRequired`` (no
    ///   active method at all), ``MFAError/Code/locked``.
    public func startSecurityKeySignIn(accountID: String) throws(MFAError) -> SecurityKeySignInCeremony {
        let now = now()
        let ceremonyID = newIdentifier()
        return try store.write { (tx) throws(MFAError) -> SecurityKeySignInCeremony in
            _ = try Self.requireAccount(tx, accountID)
            if case .locked = try tx.throttleState(accountID: accountID).decision(policy: configuration.throttle, at: now) {
                throw MFAError(.locked, "account \(accountID) is locked")
            }
            let keys = try tx.methods(accountID: accountID).compactMap { method -> PublicKeyCredentialDescriptor? in
                guard method.state == .active, case .securityKey(let record) = method.details else { return nil }
                return record.descriptor
            }
            guard !keys.isEmpty else { throw try Self.missingMethod(tx, accountID: accountID, "active security key") }
            let (options, state) = relyingParty.startAuthentication(allowCredentials: keys)
            try tx.deleteCeremonyStates(expiredAt: now)
            try tx.insertCeremonyState(
                StoredCeremonyState(id: ceremonyID, accountID: accountID, state: .authentication(state), createdAt: now))
            return SecurityKeyCeremony(ceremonyID: ceremonyID, options: options, expiresAt: state.expiresAt)
        }
    }

    /// What a verified assertion needs stored: the method, its new record and the count it was verified
    /// against.
    struct VerifiedAssertion: Sendable {
        let method: MFAMethodRecord
        let result: AuthenticationResult
        let expectedSignCount: UInt32
    }

    /// Consumes the ceremony state and reads the credential in one transaction, then verifies the assertion
    /// outside it (signature checks hold no lock). A failure is counted against the account.
    func verifyAssertion(accountID: String, ceremonyID: String, response: [UInt8], at now: Int64) throws(MFAError)
        -> VerifiedAssertion
    {
        let parsed: AuthenticationResponseJSON?
        do throws(WebAuthnError) {
            parsed = try AuthenticationResponseJSON(jsonBytes: response)
        } catch {
            parsed = nil
        }
        let prepared = try store.write {
            (tx) throws(MFAError) -> Result<(AuthenticationState, MFAMethodRecord, CredentialRecord), MFAError> in
            _ = try Self.requireAccount(tx, accountID)
            try checkThrottle(tx, accountID: accountID, at: now)
            let fail = { (reason: String) throws(MFAError) -> Result<(AuthenticationState, MFAMethodRecord, CredentialRecord), MFAError> in
                .failure(
                    try recordFailure(
                        tx, accountID: accountID, kind: .securityKey, at: now, MFAError(.securityKeyRejected, reason)))
            }
            guard let stored = try tx.consumeCeremonyState(id: ceremonyID), stored.accountID == accountID,
                case .authentication(let state) = stored.state
            else { return try fail("no sign-in ceremony \(ceremonyID) for \(accountID)") }
            guard let parsed else { return try fail("the response is not an AuthenticationResponseJSON document") }
            guard let method = try tx.method(credentialID: parsed.rawID), method.accountID == accountID,
                method.state == .active, case .securityKey(let record) = method.details
            else { return try fail("the credential is not an active security key of \(accountID)") }
            return .success((state, method, record))
        }
        let (state, method, record) = try prepared.get()
        do throws(WebAuthnError) {
            guard let parsed else { throw WebAuthnError(.malformedInput, "unparsed response") }
            let result = try relyingParty.finishAuthentication(parsed, state: state, credential: record)
            return VerifiedAssertion(method: method, result: result, expectedSignCount: record.signCount)
        } catch {
            // WebAuthn L3 §6.1.1: a counter that did not increase signals a possibly cloned authenticator.
            let cloned = error.code == .counterRegression
            let failure = MFAError(
                cloned ? .securityKeyCloneSuspected : .securityKeyRejected,
                "assertion failed (\(error.code)): \(error.reason)")
            throw try store.write { (tx) throws(MFAError) -> MFAError in
                if cloned {
                    try Self.audit(
                        tx, now, accountID, "security-key-clone-suspected",
                        "security key \(method.id) (\(method.name)): \(error.reason); the sign-in was refused")
                }
                return try recordFailure(tx, accountID: accountID, kind: .securityKey, at: now, failure)
            }
        }
    }

    /// Stores a verified assertion's new counter (compare-and-set); returns nil, or the error when another
    /// sign-in stored its count first.
    func storeAssertion(_ tx: any MFAStoreTransaction, _ verified: VerifiedAssertion, at now: Int64) throws(MFAError)
        -> MFAError?
    {
        guard let current = try tx.method(id: verified.method.id), current.state == .active else {
            return MFAError(.securityKeyRejected, "the security key was removed during the sign-in")
        }
        guard verified.result.needsUpdate else { return nil }
        guard try tx.updateCredential(verified.result.record, expectedSignCount: verified.expectedSignCount, at: now)
        else {
            return MFAError(
                .signCountConflict,
                "another sign-in with security key \(verified.method.id) stored its counter first; this one is refused")
        }
        return nil
    }
}
