internal import OneTimeCodes

extension MFAMethodRegistry {
    // MARK: - SMS enrollment

    /// Starts adding a phone number: validates it (E.164, a supported country), stores a pending SMS
    /// method and sends it a code.
    ///
    /// The code goes out after the store transaction commits. When the gateway fails, the pending method is
    /// removed, the send is taken off the number's ledger and ``MFAError/Code/deliveryFailed`` is thrown.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - phoneNumber: The number as typed, with `+` and the country code.
    ///   - name: The user's name for it.
    /// - Returns: The pending method and the code sent.
    /// - Throws: ``MFAError/Code/invalidPhoneNumber``; ``MFAError/Code/unsupportedCountry`` (its
    ///   ``MFAError/userMessage`` points to the authenticator app); ``MFAError/Code/resendCooldown`` or
    ///   ``MFAError/Code/dailyLimitReached`` with ``MFAError/retryAfter``; ``MFAError/Code/alreadyExists``
    ///   when the number is already an active method of the account; ``MFAError/Code/deliveryFailed``;
    ///   ``MFAError/Code/notFound``.
    public func beginSMSEnrollment(accountID: String, phoneNumber: String, name: String = "Phone") async
        throws(MFAError) -> SMSEnrollment
    {
        let now = now()
        let phone = try supportedPhoneNumber(phoneNumber)
        let methodID = newIdentifier()
        let issued = try store.write { (tx) throws(MFAError) -> IssuedSMS in
            _ = try Self.requireAccount(tx, accountID)
            let duplicate = try tx.methods(accountID: accountID).contains {
                $0.state == .active && $0.details == .sms(phone)
            }
            guard !duplicate else {
                throw MFAError(.alreadyExists, "\(phone.masked) is already an active method of \(accountID)")
            }
            try tx.insertMethod(
                MFAMethodRecord(id: methodID, accountID: accountID, name: name, details: .sms(phone), createdAt: now))
            try Self.audit(tx, now, accountID, "sms-enrollment-started", "pending SMS method \(methodID) (\(phone.masked))")
            return try issueSMSChallenge(
                tx, accountID: accountID, methodID: methodID, phone: phone, purpose: .enrollment, at: now)
        }
        let sent = try await deliver(issued, at: now, removingPendingMethodOnFailure: true)
        return SMSEnrollment(methodID: methodID, codeSent: sent)
    }

    /// Finishes adding a phone number with the code sent to it, which activates the method.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - challengeID: The challenge from ``beginSMSEnrollment(accountID:phoneNumber:name:)`` or a resend.
    ///   - code: The code from the SMS.
    /// - Returns: The active method, whether MFA just got turned on, and the backup nudge.
    /// - Throws: ``MFAError/Code/codeNotValid`` (with ``MFAError/freshSMSChallengeID`` when a fresh code was
    ///   sent), ``MFAError/Code/codeExpired``, ``MFAError/Code/tooManyAttempts``, ``MFAError/Code/throttled``,
    ///   ``MFAError/Code/locked``.
    public func confirmSMSEnrollment(accountID: String, challengeID: String, code: String) async throws(MFAError)
        -> EnrollmentResult
    {
        let now = now()
        let (account, activation) = try await completeSMSChallenge(
            accountID: accountID, challengeID: challengeID, code: code, purpose: .enrollment, at: now
        ) { (tx, account, _, method) throws(MFAError) -> (MFAAccount, Activation) in
            guard method.state == .pending || method.state == .confirmed else {
                throw MFAError(.invalidTransition, "method \(method.id) is \(method.state), not pending")
            }
            return (account, try activate(tx, method: method, account: account, at: now))
        }
        return await finishEnrollment(account: account, activation: activation, at: now)
    }

    // MARK: - Sign-in codes and resends

    /// Sends a sign-in code to one of the account's active SMS methods.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: The SMS method, or nil for the preferred one (else the oldest active one).
    /// - Returns: The code sent; answer with ``SecondFactorProof/sms(challengeID:code:)``.
    /// - Throws: ``MFAError/Code/notFound`` (no such active SMS method), ``MFAError/Code/enrollmentRequired``
    ///   (no active method at all), ``MFAError/Code/locked``,
    ///   ``MFAError/Code/resendCooldown``, ``MFAError/Code/dailyLimitReached``, ``MFAError/Code/deliveryFailed``.
    public func sendSignInSMSCode(accountID: String, methodID: String? = nil) async throws(MFAError) -> SMSCodeSent {
        let now = now()
        let issued = try store.write { (tx) throws(MFAError) -> IssuedSMS in
            let account = try Self.requireAccount(tx, accountID)
            if case .locked = try tx.throttleState(accountID: accountID).decision(policy: configuration.throttle, at: now) {
                throw MFAError(.locked, "account \(accountID) is locked; no code is sent")
            }
            let candidates = try tx.methods(accountID: accountID).filter { $0.state == .active && $0.kind == .sms }
            let chosen: MFAMethodRecord?
            if let methodID {
                chosen = candidates.first { $0.id == methodID }
            } else {
                chosen = candidates.first { $0.id == account.preferredMethodID } ?? candidates.first
            }
            guard let method = chosen, case .sms(let phone) = method.details else {
                throw try Self.missingMethod(tx, accountID: accountID, "such active SMS method")
            }
            return try issueSMSChallenge(
                tx, accountID: accountID, methodID: method.id, phone: phone, purpose: .signIn, at: now)
        }
        return try await deliver(issued, at: now, removingPendingMethodOnFailure: false)
    }

    /// Sends a new code for the same purpose and number as an earlier challenge; the earlier code stops
    /// working. The resend cooldown and the daily cap apply.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - challengeID: The earlier challenge.
    /// - Returns: The new code sent.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/resendCooldown``,
    ///   ``MFAError/Code/dailyLimitReached``, ``MFAError/Code/deliveryFailed``.
    public func resendSMSCode(accountID: String, challengeID: String) async throws(MFAError) -> SMSCodeSent {
        let now = now()
        let issued = try store.write { (tx) throws(MFAError) -> IssuedSMS in
            guard let old = try tx.smsChallenge(id: challengeID), old.accountID == accountID, let methodID = old.methodID
            else { throw MFAError(.notFound, "account \(accountID) has no SMS challenge \(challengeID)") }
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            guard method.state != .removed else { throw MFAError(.invalidTransition, "method \(methodID) is removed") }
            return try issueSMSChallenge(
                tx, accountID: accountID, methodID: methodID, phone: old.challenge.phoneNumber, purpose: old.purpose,
                at: now)
        }
        return try await deliver(issued, at: now, removingPendingMethodOnFailure: false)
    }

    // MARK: - Phone-number change

    /// Starts moving an active SMS method to a new number by sending a code to the new number. The old
    /// number stays active until ``confirmPhoneNumberChange(accountID:challengeID:code:)`` succeeds.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: Its active SMS method.
    ///   - newPhoneNumber: The new number as typed.
    /// - Returns: The code sent to the new number.
    /// - Throws: ``MFAError/Code/invalidPhoneNumber``, ``MFAError/Code/unsupportedCountry``,
    ///   ``MFAError/Code/invalidArgument`` (the same number), ``MFAError/Code/notFound``,
    ///   ``MFAError/Code/invalidTransition`` (not active), ``MFAError/Code/resendCooldown``,
    ///   ``MFAError/Code/dailyLimitReached``, ``MFAError/Code/deliveryFailed``.
    public func beginPhoneNumberChange(accountID: String, methodID: String, newPhoneNumber: String) async
        throws(MFAError) -> SMSCodeSent
    {
        let now = now()
        let phone = try supportedPhoneNumber(newPhoneNumber)
        let issued = try store.write { (tx) throws(MFAError) -> IssuedSMS in
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            guard case .sms(let current) = method.details else {
                throw MFAError(.invalidArgument, "method \(methodID) is \(method.kind), not SMS")
            }
            guard method.state == .active else {
                throw MFAError(.invalidTransition, "method \(methodID) is \(method.state), not active")
            }
            guard current != phone else { throw MFAError(.invalidArgument, "the new number is the current one") }
            try Self.audit(
                tx, now, accountID, "phone-change-started",
                "SMS method \(methodID): \(current.masked) to \(phone.masked), awaiting the code sent to the new number")
            return try issueSMSChallenge(
                tx, accountID: accountID, methodID: methodID, phone: phone, purpose: .phoneChange, at: now)
        }
        return try await deliver(issued, at: now, removingPendingMethodOnFailure: false)
    }

    /// Finishes a phone-number change with the code sent to the new number: the method moves to it, every
    /// trusted-device token is revoked, and the owner is notified.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - challengeID: The challenge from ``beginPhoneNumberChange(accountID:methodID:newPhoneNumber:)``.
    ///   - code: The code from the SMS.
    /// - Returns: The method and the number of tokens revoked.
    /// - Throws: As ``confirmSMSEnrollment(accountID:challengeID:code:)``.
    public func confirmPhoneNumberChange(accountID: String, challengeID: String, code: String) async throws(MFAError)
        -> PhoneNumberChangeResult
    {
        let now = now()
        let (account, summary, revoked) = try await completeSMSChallenge(
            accountID: accountID, challengeID: challengeID, code: code, purpose: .phoneChange, at: now
        ) { (tx, account, stored, method) throws(MFAError) -> (MFAAccount, MFAMethodSummary, Int) in
            guard method.state == .active else {
                throw MFAError(.invalidTransition, "method \(method.id) is \(method.state), not active")
            }
            let phone = stored.challenge.phoneNumber
            try tx.replaceSMSPhoneNumber(methodID: method.id, with: phone, at: now)
            try tx.bumpConfigurationGeneration(accountID: accountID)
            let revoked = try tx.revokeTrustedDevices(accountID: accountID)
            try Self.audit(
                tx, now, accountID, "phone-changed",
                "SMS method \(method.id) now sends to \(phone.masked); \(revoked) trusted devices revoked")
            let updated = try Self.requireMethod(tx, method.id, accountID: accountID)
            return (account, MFAMethodSummary(updated, preferredMethodID: account.preferredMethodID), revoked)
        }
        let failure = await notify(.phoneChanged, account: account, detail: summary.maskedPhoneNumber, at: now)
        return PhoneNumberChangeResult(method: summary, revokedTrustedDevices: revoked, notificationFailure: failure)
    }

    // MARK: - Shared machinery

    /// A code issued inside a transaction, to send once it commits.
    struct IssuedSMS: Sendable {
        let code: String
        let stored: StoredSMSChallenge
        let phone: PhoneNumber
        let ledgerBefore: SMSSendLedger
        let ledgerAfter: SMSSendLedger
    }

    /// Validates typed text as an E.164 number in a supported country.
    func supportedPhoneNumber(_ text: String) throws(MFAError) -> PhoneNumber {
        do throws(OneTimeCodeError) {
            let phone = try PhoneNumber(text)
            _ = try configuration.smsCountries.country(of: phone)
            return phone
        } catch {
            throw Self.mapped(error)
        }
    }

    /// Issues a code (checking the country, the cooldown and the daily cap), records the send, retires the
    /// earlier codes of the same purpose and method, and stores the challenge.
    func issueSMSChallenge(
        _ tx: any MFAStoreTransaction, accountID: String, methodID: String, phone: PhoneNumber,
        purpose: SMSChallengePurpose, at now: Int64, skippingCooldown: Bool = false
    ) throws(MFAError) -> IssuedSMS {
        var policy = configuration.sms
        if skippingCooldown { policy.resendCooldown = 0 }
        let issuer = SMSCodeIssuer(key: keys.codeHashingKey, policy: policy, allowList: configuration.smsCountries)
        let before = try tx.smsSendLedger(phoneNumber: phone)
        var ledger = before
        let issued: (code: String, challenge: SMSChallenge)
        do throws(OneTimeCodeError) {
            issued = try issuer.issue(to: phone, ledger: &ledger, at: now)
        } catch {
            throw Self.mapped(error)
        }
        try tx.saveSMSSendLedger(ledger, phoneNumber: phone)
        for old in try tx.smsChallenges(accountID: accountID)
        where old.purpose == purpose && old.methodID == methodID && old.challenge.state == .pending {
            var challenge = old.challenge
            retire(&challenge, at: now)
            try tx.updateSMSChallenge(challenge)
        }
        // Housekeeping: challenges that expired a day ago can no longer tell the user anything.
        try tx.deleteSMSChallenges(expiredAt: now - 86_400)
        let stored = StoredSMSChallenge(challenge: issued.challenge, accountID: accountID, methodID: methodID, purpose: purpose)
        try tx.insertSMSChallenge(stored)
        try Self.audit(
            tx, now, accountID, "sms-code-issued",
            "\(purpose) code \(stored.id) for method \(methodID) to \(phone.masked), expires at \(issued.challenge.expiresAt)")
        return IssuedSMS(code: issued.code, stored: stored, phone: phone, ledgerBefore: before, ledgerAfter: ledger)
    }

    /// Kills a pending challenge so its code is never accepted.
    ///
    /// ``OneTimeCodes/SMSChallenge`` offers no cancel; entering a non-code until its attempts run out
    /// exhausts it (an expired one is dead already and stays as it is).
    func retire(_ challenge: inout SMSChallenge, at now: Int64) {
        for _ in 0..<challenge.remainingAttempts where challenge.state == .pending {
            try? challenge.verify("", key: keys.codeHashingKey, at: now)
        }
    }

    /// The text of an SMS code message.
    func smsBody(code: String) -> String {
        let lifetime = configuration.sms.lifetime
        let expiry = lifetime >= 120 && lifetime % 60 == 0 ? "\(lifetime / 60) minutes" : "\(lifetime) seconds"
        return "Your \(configuration.issuer) verification code is \(code). It expires in \(expiry). Don't share it."
    }

    /// Hands an issued code to the gateway, outside any store transaction. On failure the code is retired,
    /// the send is taken off the ledger (unless another send happened since), a pending enrollment is
    /// removed, and ``MFAError/Code/deliveryFailed`` is thrown.
    func deliver(_ issued: IssuedSMS, at now: Int64, removingPendingMethodOnFailure: Bool) async throws(MFAError)
        -> SMSCodeSent
    {
        let accountID = issued.stored.accountID
        let methodID = issued.stored.methodID ?? ""
        let receipt: DeliveryReceipt
        do {
            receipt = try await smsGateway.send(to: issued.phone, body: smsBody(code: issued.code))
        } catch {
            let failure = MFAError(.deliveryFailed, "the SMS code to \(issued.phone.masked) was not sent: \(error)")
            _ = try? store.write { (tx) throws(MFAError) in
                if try tx.smsSendLedger(phoneNumber: issued.phone) == issued.ledgerAfter {
                    try tx.saveSMSSendLedger(issued.ledgerBefore, phoneNumber: issued.phone)
                }
                if var challenge = try tx.smsChallenge(id: issued.stored.id)?.challenge {
                    retire(&challenge, at: now)
                    try tx.updateSMSChallenge(challenge)
                }
                if removingPendingMethodOnFailure, let method = try tx.method(id: methodID), method.state == .pending {
                    try tx.setMethodState(id: methodID, to: .removed, at: now)
                }
                try Self.audit(tx, now, accountID, "sms-delivery-failed", failure.reason)
            }
            throw failure
        }
        _ = try? store.write { (tx) throws(MFAError) in
            try Self.audit(
                tx, now, accountID, "sms-sent",
                "code \(issued.stored.id) accepted by \(receipt.channel)" + (receipt.messageID.map { " as \($0)" } ?? ""))
        }
        let sentAt = issued.ledgerAfter.lastSentAt ?? now
        return SMSCodeSent(
            challengeID: issued.stored.id, methodID: methodID, maskedPhoneNumber: issued.phone.masked,
            expiresAt: issued.stored.challenge.expiresAt, resendAvailableAt: sentAt + configuration.sms.resendCooldown,
            receipt: receipt)
    }

    /// Checks an SMS code inside one transaction and, when it is right, runs `onSuccess` in the same
    /// transaction. A wrong code is counted against the challenge and the account before the error is
    /// thrown; with ``Configuration/sendsFreshSMSCodeAfterWrongEntry`` a fresh code is sent first.
    func completeSMSChallenge<T: Sendable>(
        accountID: String, challengeID: String, code: String, purpose: SMSChallengePurpose, at now: Int64,
        onSuccess: (any MFAStoreTransaction, MFAAccount, StoredSMSChallenge, MFAMethodRecord) throws(MFAError) -> T
    ) async throws(MFAError) -> T {
        let outcome = try store.write { (tx) throws(MFAError) -> (Result<T, MFAError>, StoredSMSChallenge?) in
            let account = try Self.requireAccount(tx, accountID)
            try checkThrottle(tx, accountID: accountID, at: now)
            guard let stored = try tx.smsChallenge(id: challengeID), stored.accountID == accountID,
                stored.purpose == purpose, let methodID = stored.methodID
            else {
                let error = MFAError(.codeNotValid, "no \(purpose) SMS challenge \(challengeID) for \(accountID)")
                return (.failure(try recordFailure(tx, accountID: accountID, kind: .sms, at: now, error)), nil)
            }
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            guard method.state != .removed else {
                throw MFAError(.invalidTransition, "method \(methodID) was removed")
            }
            let wasRetired = stored.challenge.state == .exhausted
            var challenge = stored.challenge
            do throws(OneTimeCodeError) {
                try challenge.verify(code, key: keys.codeHashingKey, at: now)
            } catch {
                try tx.updateSMSChallenge(challenge)
                var mappedError = Self.mapped(error)
                // A code replaced by a newer one reads as any wrong code.
                if wasRetired { mappedError = MFAError(.codeNotValid, "SMS challenge \(challengeID) was replaced or used up") }
                let failure = try recordFailure(tx, accountID: accountID, kind: .sms, at: now, mappedError)
                let wrongEntry = !wasRetired && (mappedError.code == .codeNotValid || mappedError.code == .tooManyAttempts)
                return (.failure(failure), wrongEntry && error.code != .codeReused ? stored : nil)
            }
            try tx.updateSMSChallenge(challenge)
            try Self.resetThrottle(tx, accountID: accountID)
            var consumed = stored
            consumed.challenge = challenge
            return (.success(try onSuccess(tx, account, consumed, method)), nil)
        }
        switch outcome {
        case (.success(let value), _):
            return value
        case (.failure(let error), let wrong?) where configuration.sendsFreshSMSCodeAfterWrongEntry:
            throw await sendFreshCode(after: wrong, error: error, at: now)
        case (.failure(let error), _):
            throw error
        }
    }

    /// Sends a fresh code after a wrong entry and returns `error` carrying its challenge; when no fresh code
    /// can be sent (daily cap, delivery failure), returns `error` as it was.
    private func sendFreshCode(after wrong: StoredSMSChallenge, error original: MFAError, at now: Int64) async
        -> MFAError
    {
        guard let methodID = wrong.methodID else { return original }
        do {
            let issued = try store.write { (tx) throws(MFAError) -> IssuedSMS in
                try issueSMSChallenge(
                    tx, accountID: wrong.accountID, methodID: methodID, phone: wrong.challenge.phoneNumber,
                    purpose: wrong.purpose, at: now, skippingCooldown: true)
            }
            let sent = try await deliver(issued, at: now, removingPendingMethodOnFailure: false)
            return MFAError(
                original.code, original.reason + "; a fresh code was sent", retryAfter: original.retryAfter,
                freshSMSChallengeID: sent.challengeID)
        } catch {
            return original
        }
    }
}
