internal import OneTimeCodes

extension MFAMethodRegistry {
    // MARK: - TOTP enrollment

    /// Starts adding an authenticator app: a fresh secret from the CSPRNG, sealed with the server key and
    /// stored in a new pending method.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - name: The user's name for the app.
    /// - Returns: The `otpauth://` URI, its QR code and the secret for manual entry.
    /// - Throws: ``MFAError/Code/notFound``; ``MFAError/Code/invalidArgument`` when the account identifier
    ///   cannot be a Key URI label (it contains a colon).
    public func beginTOTPEnrollment(accountID: String, name: String = "Authenticator app") throws(MFAError)
        -> TOTPEnrollment
    {
        let now = now()
        let configuration = self.configuration.totp
        let secret = OTPSecret.generate(for: configuration.algorithm)
        let methodID = newIdentifier()
        let uri: OTPAuthURI
        let qrCode: QRCode
        let sealed: [UInt8]
        do throws(OneTimeCodeError) {
            uri = try OTPAuthURI(
                totpSecret: secret, configuration: configuration, issuer: self.configuration.issuer,
                accountName: accountID)
            qrCode = try QRCode(encoding: uri.uriString)
            sealed = try keys.secretEncryptionKey.seal(
                secret, associatedData: SecretEncryptionKey.associatedData(accountID: accountID, methodID: methodID))
        } catch {
            throw Self.mapped(error)
        }
        try store.write { (tx) throws(MFAError) in
            _ = try Self.requireAccount(tx, accountID)
            try tx.insertMethod(
                MFAMethodRecord(
                    id: methodID, accountID: accountID, name: name,
                    details: .totp(TOTPMethodData(sealedSecret: sealed, configuration: configuration)), createdAt: now))
            try Self.audit(tx, now, accountID, "totp-enrollment-started", "pending TOTP method \(methodID) (\(name))")
        }
        return TOTPEnrollment(
            methodID: methodID, uri: uri, qrCode: qrCode, manualEntrySecret: secret.groupedBase32,
            configuration: configuration)
    }

    /// Finishes adding an authenticator app with a valid current code from it, which activates the method.
    ///
    /// The code's time step is recorded, so the same code cannot be used again to sign in. A wrong code
    /// counts as a failed attempt.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: The pending method from ``beginTOTPEnrollment(accountID:name:)``.
    ///   - code: The code the app shows.
    /// - Returns: The active method, whether MFA just got turned on, and the backup nudge.
    /// - Throws: ``MFAError/Code/codeNotValid``, ``MFAError/Code/throttled``, ``MFAError/Code/locked``,
    ///   ``MFAError/Code/notFound``, ``MFAError/Code/invalidTransition`` (not pending).
    public func confirmTOTPEnrollment(accountID: String, methodID: String, code: String) async throws(MFAError)
        -> EnrollmentResult
    {
        let now = now()
        let outcome = try store.write { (tx) throws(MFAError) -> Result<(MFAAccount, Activation), MFAError> in
            let account = try Self.requireAccount(tx, accountID)
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            guard case .totp = method.details else {
                throw MFAError(.invalidArgument, "method \(methodID) is \(method.kind), not TOTP")
            }
            guard method.state == .pending || method.state == .confirmed else {
                throw MFAError(.invalidTransition, "method \(methodID) is \(method.state), not pending")
            }
            try checkThrottle(tx, accountID: accountID, at: now)
            if let failure = try verifyTOTP(tx, method: method, code: code, at: now) {
                return .failure(try recordFailure(tx, accountID: accountID, kind: .totp, at: now, failure))
            }
            try Self.resetThrottle(tx, accountID: accountID)
            return .success((account, try activate(tx, method: method, account: account, at: now)))
        }
        let (account, activation) = try outcome.get()
        return await finishEnrollment(account: account, activation: activation, at: now)
    }

    /// Sends the "MFA enabled" or "method added" notification for an activation.
    func finishEnrollment(account: MFAAccount, activation: Activation, at now: Int64) async -> EnrollmentResult {
        let detail = "\(activation.summary.name) (\(activation.summary.kind))"
        let failure = await notify(activation.enabledMFA ? .mfaEnabled : .methodAdded, account: account, detail: detail, at: now)
        return EnrollmentResult(
            method: activation.summary, enabledMFA: activation.enabledMFA, recommendsBackup: activation.recommendsBackup,
            notificationFailure: failure)
    }

    // MARK: - TOTP verification

    /// Checks `code` against a TOTP method and, when it matches a step after the last accepted one, records
    /// that step (compare-and-set). Returns nil on success, or the error to report.
    func verifyTOTP(_ tx: any MFAStoreTransaction, method: MFAMethodRecord, code: String, at now: Int64)
        throws(MFAError) -> MFAError?
    {
        guard case .totp(let data) = method.details else {
            return MFAError(.invalidArgument, "method \(method.id) is not TOTP")
        }
        let match: TOTPMatch
        do throws(OneTimeCodeError) {
            let secret = try keys.secretEncryptionKey.openSecret(
                data.sealedSecret,
                associatedData: SecretEncryptionKey.associatedData(accountID: method.accountID, methodID: method.id))
            let totp = try TOTP(secret: secret, configuration: data.configuration)
            match = try totp.verify(
                code, at: now, window: configuration.totpWindow, lastAcceptedTimeStep: data.lastAcceptedTimeStep)
        } catch {
            let mappedError = Self.mapped(error)
            // A sealed secret that does not open, or a bad window, is the server's problem, not a wrong code.
            guard mappedError.code == .codeNotValid else { throw mappedError }
            return MFAError(.codeNotValid, "TOTP method \(method.id): \(error.reason)")
        }
        // The store moves the step forward only: of two concurrent uses of one code, one loses here.
        guard try tx.advanceTOTPTimeStep(methodID: method.id, to: match.timeStep, at: now) else {
            return MFAError(.codeNotValid, "TOTP method \(method.id): the code's time step was accepted before")
        }
        return nil
    }
}
