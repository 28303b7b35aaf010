internal import OneTimeCodes
internal import OpenSSLWrapper

extension MFAMethodRegistry {
    // MARK: - Accounts

    /// Creates an account with a fresh random WebAuthn user handle, created now.
    ///
    /// - Parameters:
    ///   - id: The account's identifier (a user name or email address); not empty, unused.
    ///   - isServiceAccount: True for a non-interactive service account, exempt from interactive MFA.
    /// - Returns: The account.
    /// - Throws: ``MFAError/Code/alreadyExists``, ``MFAError/Code/invalidArgument``.
    @discardableResult
    public func createAccount(id: String, isServiceAccount: Bool = false) throws(MFAError) -> MFAAccount {
        let now = now()
        let account = MFAAccount(
            id: id, createdAt: now, isInteractive: !isServiceAccount, userHandle: SecureRandom.bytes(32))
        try store.write { (tx) throws(MFAError) in
            try tx.insertAccount(account)
            try Self.audit(
                tx, now, id, "account-created",
                isServiceAccount ? "service account (non-interactive, exempt from interactive MFA)" : "interactive account")
        }
        return account
    }

    /// Marks an account as a non-interactive service account, or as an interactive one again.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - isServiceAccount: True for a service account.
    ///   - actor: Who made the change, for the audit log.
    /// - Throws: ``MFAError/Code/notFound``.
    public func setServiceAccount(accountID: String, _ isServiceAccount: Bool, actor: MFAActor) throws(MFAError) {
        let now = now()
        try store.write { (tx) throws(MFAError) in
            try tx.setInteractive(accountID: accountID, !isServiceAccount)
            try Self.audit(
                tx, now, accountID, "service-account-changed",
                (isServiceAccount ? "marked a non-interactive service account" : "marked interactive") + " by \(actor)")
        }
    }

    /// The account `id`.
    ///
    /// - Parameter id: The account.
    /// - Returns: The account.
    /// - Throws: ``MFAError/Code/notFound``.
    public func account(id: String) throws(MFAError) -> MFAAccount {
        try store.read { (tx) throws(MFAError) in try Self.requireAccount(tx, id) }
    }

    /// Every account, ordered by identifier.
    ///
    /// - Returns: The accounts.
    /// - Throws: ``MFAError/Code/storageFailure``.
    public func accounts() throws(MFAError) -> [MFAAccount] {
        try store.read { (tx) throws(MFAError) in try tx.accounts() }
    }

    /// An account's methods, the preferred one first, then oldest first, recovery codes last.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - includeRemoved: Whether to list removed methods too (after the others, oldest first).
    /// - Returns: The methods, without secrets.
    /// - Throws: ``MFAError/Code/notFound`` for an unknown account.
    public func methods(accountID: String, includeRemoved: Bool = false) throws(MFAError) -> [MFAMethodSummary] {
        try store.read { (tx) throws(MFAError) in
            let account = try Self.requireAccount(tx, accountID)
            let all = try tx.methods(accountID: accountID)
            var listed = Self.ordered(all, preferred: account.preferredMethodID)
            if includeRemoved { listed += all.filter { $0.state == .removed } }
            return listed.map { MFAMethodSummary($0, preferredMethodID: account.preferredMethodID) }
        }
    }

    /// An account's MFA set-up at a glance.
    ///
    /// - Parameter accountID: The account.
    /// - Returns: Methods, whether MFA is required and enabled, the backup nudge and the throttle state.
    /// - Throws: ``MFAError/Code/notFound``.
    public func status(accountID: String) throws(MFAError) -> MFAAccountStatus {
        let now = now()
        return try store.read { (tx) throws(MFAError) in
            let account = try Self.requireAccount(tx, accountID)
            let all = try tx.methods(accountID: accountID)
            let throttle = try tx.throttleState(accountID: accountID)
            return MFAAccountStatus(
                account: account,
                methods: Self.ordered(all, preferred: account.preferredMethodID).map {
                    MFAMethodSummary($0, preferredMethodID: account.preferredMethodID)
                },
                isMFARequired: configuration.enforcement.requiresMFA(for: account),
                isMFAEnabled: !Self.activePrimaryMethods(all).isEmpty,
                recommendsBackup: Self.recommendsBackup(all),
                throttle: throttle.decision(policy: configuration.throttle, at: now),
                consecutiveFailures: throttle.consecutiveFailures)
        }
    }

    /// The audit log, oldest first.
    ///
    /// - Parameters:
    ///   - accountID: Only this account's events, or every event for nil.
    ///   - sequence: Only events after this sequence number (0 for all).
    ///   - limit: The most events to return.
    /// - Returns: The events.
    /// - Throws: ``MFAError/Code/invalidArgument`` for a negative limit.
    public func auditLog(accountID: String?, after sequence: Int64 = 0, limit: Int = 100) throws(MFAError)
        -> [AuditEvent]
    {
        try store.read { (tx) throws(MFAError) in
            try tx.auditEvents(accountID: accountID, after: sequence, limit: limit)
        }
    }

    /// An account's latest sign-ins, newest first: every decision and every completed second factor.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - limit: The most records to return.
    /// - Returns: The records.
    /// - Throws: ``MFAError/Code/invalidArgument`` for a negative limit.
    public func signInHistory(accountID: String, limit: Int = 20) throws(MFAError) -> [StoredSignIn] {
        try store.read { (tx) throws(MFAError) in try tx.signIns(accountID: accountID, limit: limit) }
    }

    /// Makes an active method the one offered first at sign-in.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: One of its active methods other than recovery codes.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidTransition`` (not active),
    ///   ``MFAError/Code/invalidArgument`` (recovery codes).
    public func setPreferredMethod(accountID: String, methodID: String) throws(MFAError) {
        let now = now()
        try store.write { (tx) throws(MFAError) in
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            guard method.state == .active else {
                throw MFAError(.invalidTransition, "method \(methodID) is \(method.state), not active")
            }
            guard Self.isPrimary(method.kind) else {
                throw MFAError(.invalidArgument, "recovery codes are a backup, not a preferred method")
            }
            try tx.setPreferredMethod(accountID: accountID, methodID: methodID)
            try Self.audit(tx, now, accountID, "preferred-method-set", "\(method.kind) method \(methodID)")
        }
    }

    /// Renames a method, for example a security key ("YubiKey 5C, office").
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: One of its methods that is not removed.
    ///   - name: The new name: 1 to 64 characters after trimming spaces, no control characters.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidTransition`` (removed),
    ///   ``MFAError/Code/invalidArgument`` (the name).
    public func renameMethod(accountID: String, methodID: String, name: String) throws(MFAError) {
        var cut = Substring(name)
        while cut.first == " " { cut.removeFirst() }
        while cut.last == " " { cut.removeLast() }
        let trimmed = String(cut)
        guard (1...64).contains(trimmed.count),
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw MFAError(.invalidArgument, "a method name is 1 to 64 characters without control characters") }
        let now = now()
        try store.write { (tx) throws(MFAError) in
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            try tx.renameMethod(id: methodID, to: trimmed, at: now)
            try Self.audit(
                tx, now, accountID, "method-renamed",
                "\(method.kind) method \(methodID): \"\(method.name)\" -> \"\(trimmed)\"")
        }
    }

    // MARK: - Removal, reset and unlock

    /// Removes a method, and revokes every trusted-device token of the account.
    ///
    /// Removing the last active method (other than recovery codes) is refused while MFA is required for
    /// the account; where MFA is optional, removing it turns MFA off and removes the recovery codes too.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: One of its methods that is not removed.
    ///   - actor: Who removes it, for the audit log.
    /// - Returns: What was removed and revoked, and the backup nudge.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidTransition`` (removed already),
    ///   ``MFAError/Code/lastMethod``.
    public func removeMethod(accountID: String, methodID: String, actor: MFAActor = .user) async throws(MFAError)
        -> MethodRemovalResult
    {
        let now = now()
        let (account, removed, revoked, backup, wasInUse) = try store.write {
            (tx) throws(MFAError) -> (MFAAccount, [MFAMethodRecord], Int, Bool, Bool) in
            let account = try Self.requireAccount(tx, accountID)
            let method = try Self.requireMethod(tx, methodID, accountID: accountID)
            guard method.state != .removed else {
                throw MFAError(.invalidTransition, "method \(methodID) is removed already")
            }
            let all = try tx.methods(accountID: accountID)
            let remainingPrimary = Self.activePrimaryMethods(all).filter { $0.id != methodID }
            let removesLastPrimary = method.state == .active && Self.isPrimary(method.kind) && remainingPrimary.isEmpty
            if removesLastPrimary, configuration.enforcement.requiresMFA(for: account) {
                throw MFAError(
                    .lastMethod, "method \(methodID) is the last active method and MFA is required for \(accountID)")
            }
            var removed = [try tx.setMethodState(id: methodID, to: .removed, at: now)]
            if removesLastPrimary {
                // MFA is off now: a lone set of recovery codes would be a second factor without a first.
                for other in all where other.kind == .recoveryCodes && other.state != .removed {
                    removed.append(try tx.setMethodState(id: other.id, to: .removed, at: now))
                }
            }
            try tx.bumpConfigurationGeneration(accountID: accountID)
            let revoked = try tx.revokeTrustedDevices(accountID: accountID)
            try Self.audit(
                tx, now, accountID, "method-removed",
                "\(removed.map { "\($0.kind) method \($0.id)" }.joined(separator: ", ")) removed by \(actor); "
                    + "\(revoked) trusted devices revoked" + (removesLastPrimary ? "; MFA is off" : ""))
            let after = try tx.methods(accountID: accountID)
            return (account, removed, revoked, Self.recommendsBackup(after), method.state != .pending)
        }
        var failure: MFAError? = nil
        if wasInUse, let first = removed.first {
            failure = await notify(.methodRemoved, account: account, detail: "\(first.name) (\(first.kind))", at: now)
        }
        return MethodRemovalResult(
            removedMethodIDs: removed.map(\.id), revokedTrustedDevices: revoked, recommendsBackup: backup,
            notificationFailure: failure)
    }

    /// Deactivates every method of an account and revokes every trusted-device token: the account must
    /// enroll again before it gets access (where MFA is required).
    ///
    /// The user resets from a signed-in session; an administrator resets on the support path, and also
    /// lifts a hard lock. The audit log records who did it.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - actor: ``MFAActor/user`` or ``MFAActor/administrator(id:reason:)``.
    /// - Returns: What was removed and revoked.
    /// - Throws: ``MFAError/Code/notFound``.
    public func resetMFA(accountID: String, actor: MFAActor) async throws(MFAError) -> ResetResult {
        let now = now()
        let (account, removed, revoked) = try store.write {
            (tx) throws(MFAError) -> (MFAAccount, [String], Int) in
            let account = try Self.requireAccount(tx, accountID)
            var removed: [String] = []
            for method in try tx.methods(accountID: accountID) where method.state != .removed {
                try tx.setMethodState(id: method.id, to: .removed, at: now)
                removed.append(method.id)
            }
            try tx.bumpConfigurationGeneration(accountID: accountID)
            let revoked = try tx.revokeTrustedDevices(accountID: accountID)
            if case .administrator = actor { try tx.saveThrottleState(ThrottleState(), accountID: accountID) }
            try Self.audit(
                tx, now, accountID, "mfa-reset",
                "reset by \(actor): \(removed.count) methods deactivated, \(revoked) trusted devices revoked"
                    + (actor == .user ? "" : ", failure count cleared"))
            return (account, removed, revoked)
        }
        let detail = actor == .user ? "by you" : "by an administrator"
        let failure = await notify(.reset, account: account, detail: detail, at: now)
        return ResetResult(
            removedMethodIDs: removed, revokedTrustedDevices: revoked,
            mustReenroll: configuration.enforcement.requiresMFA(for: account), notificationFailure: failure)
    }

    /// Clears an account's failure count, lifting a delay or a hard lock (the administrator's path).
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - administrator: Who did it, for the audit log.
    ///   - reason: Why.
    /// - Throws: ``MFAError/Code/notFound``.
    public func unlock(accountID: String, administrator: String, reason: String) throws(MFAError) {
        let now = now()
        try store.write { (tx) throws(MFAError) in
            _ = try Self.requireAccount(tx, accountID)
            let before = try tx.throttleState(accountID: accountID)
            try tx.saveThrottleState(ThrottleState(), accountID: accountID)
            try Self.audit(
                tx, now, accountID, "account-unlocked",
                "failure count \(before.consecutiveFailures) cleared by administrator \(administrator) (\(reason))")
        }
    }
}
