internal import OneTimeCodes

extension MFAMethodRegistry {
    /// Generates ten single-use recovery codes, to be shown once; only their HMACs are stored. A new set
    /// replaces the account's old one, whose codes stop working at once.
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The codes and the method that holds their hashes.
    /// - Throws: ``MFAError/Code/notFound``.
    public func generateRecoveryCodes(accountID: String) async throws(MFAError) -> RecoveryCodesIssued {
        let now = now()
        let (codes, set) = RecoveryCodeSet.generate(key: keys.codeHashingKey, at: now)
        let newMethodID = newIdentifier()
        let (account, methodID, replaced, activation) = try store.write {
            (tx) throws(MFAError) -> (MFAAccount, String, Bool, Activation?) in
            let account = try Self.requireAccount(tx, accountID)
            if let existing = try tx.methods(accountID: accountID).first(where: {
                $0.kind == .recoveryCodes && $0.state != .removed
            }) {
                try tx.replaceRecoveryCodeSet(methodID: existing.id, with: set, at: now)
                var activation: Activation? = nil
                if existing.state != .active { activation = try activate(tx, method: existing, account: account, at: now) }
                try Self.audit(
                    tx, now, accountID, "recovery-codes-regenerated",
                    "method \(existing.id): a new set of \(codes.count) codes; every older code is void")
                return (account, existing.id, true, activation)
            }
            let method = MFAMethodRecord(
                id: newMethodID, accountID: accountID, name: "Recovery codes", details: .recoveryCodes(set), createdAt: now)
            try tx.insertMethod(method)
            let activation = try activate(tx, method: method, account: account, at: now)
            try Self.audit(tx, now, accountID, "recovery-codes-generated", "method \(newMethodID): \(codes.count) codes")
            return (account, newMethodID, false, activation)
        }
        let detail = replaced ? "a new set of recovery codes; the old codes no longer work" : "recovery codes"
        let enabled = activation?.enabledMFA ?? false
        let failure = await notify(enabled ? .mfaEnabled : .methodAdded, account: account, detail: detail, at: now)
        return RecoveryCodesIssued(
            methodID: methodID, codes: codes, replacedPreviousSet: replaced, notificationFailure: failure)
    }
}
