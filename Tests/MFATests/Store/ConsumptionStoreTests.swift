import MFA
import OneTimeCodes
import Testing
import WebAuthn

@Suite("MFA store: atomic consumption and compare-and-set (both implementations)")
struct ConsumptionStoreTests {
    private static let racers = 24

    private func phone() throws -> PhoneNumber { try PhoneNumber("+447700900123") }

    /// Issues a real SMS code for alice and stores its challenge.
    private func storedSMSCode(_ store: any MFARegistryStore) throws -> (code: String, id: String) {
        var ledger = SMSSendLedger()
        let issued = try SMSCodeIssuer(key: StoreSamples.codeKey).issue(to: try phone(), ledger: &ledger, at: StoreSamples.now)
        let number = try phone()
        try store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.smsMethod("sms", account: "alice"))
            try tx.insertSMSChallenge(
                StoredSMSChallenge(challenge: issued.challenge, accountID: "alice", methodID: "sms", purpose: .signIn))
            try tx.saveSMSSendLedger(ledger, phoneNumber: number)
        }
        return (issued.code, issued.challenge.id)
    }

    /// One entry of `code`: verify and store the challenge's new state in one write.
    private static func enter(_ code: String, id: String, in store: any MFARegistryStore, at time: Int64) throws -> Bool {
        // The store's own typed API, as a server would call it.
        try store.write { (tx) throws(MFAError) -> Bool in
            guard var stored = try tx.smsChallenge(id: id) else { return false }
            let accepted: Bool
            do {
                try stored.challenge.verify(code, key: StoreSamples.codeKey, at: time)
                accepted = true
            } catch {
                accepted = false
            }
            try tx.updateSMSChallenge(stored.challenge)
            return accepted
        }
    }

    @Test("Of many concurrent entries of one SMS code exactly one is accepted", arguments: StoreKind.allCases)
    func smsCodeConsumedOnce(_ kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let (code, id) = try storedSMSCode(store)
        let wins = try await raceCount(Self.racers) { try Self.enter(code, id: id, in: store, at: StoreSamples.now + 30) }
        #expect(wins == 1)
        let stored = try store.testRead { (tx) throws in try tx.smsChallenge(id: id) }
        #expect(stored?.challenge.state == .consumed)
        #expect(stored?.purpose == .signIn)
        #expect(stored?.methodID == "sms")
        let number = try phone()
        #expect(try store.testRead { (tx) throws in try tx.smsSendLedger(phoneNumber: number) }.sentOnDay == 1)
    }

    @Test("Wrong SMS entries are counted across transactions until the challenge dies", arguments: StoreKind.allCases)
    func wrongEntriesPersist(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let (code, id) = try storedSMSCode(fixture.store)
        let wrong = code == "000000" ? "111111" : "000000"
        for attempt in 1...5 {
            #expect(try !Self.enter(wrong, id: id, in: fixture.store, at: StoreSamples.now + 1))
            let stored = try fixture.store.testRead { (tx) throws in try tx.smsChallenge(id: id) }
            #expect(stored?.challenge.failedAttempts == attempt)
        }
        #expect(try !Self.enter(code, id: id, in: fixture.store, at: StoreSamples.now + 2))
        #expect(try fixture.store.testRead { (tx) throws in try tx.smsChallenge(id: id)?.challenge.state } == .exhausted)
    }

    @Test("SMS challenges list newest first and expired ones can be deleted", arguments: StoreKind.allCases)
    func smsChallengeHousekeeping(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        _ = try storedSMSCode(fixture.store)
        var ledger = SMSSendLedger()
        let later = try SMSCodeIssuer(key: StoreSamples.codeKey).issue(to: try phone(), ledger: &ledger, at: StoreSamples.now + 100)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertSMSChallenge(StoredSMSChallenge(challenge: later.challenge, accountID: "alice", methodID: nil, purpose: .enrollment))
            let duplicate = #expect(throws: MFAError.self) {
                try tx.insertSMSChallenge(StoredSMSChallenge(challenge: later.challenge, accountID: "alice", methodID: nil, purpose: .enrollment))
            }
            #expect(duplicate?.code == .alreadyExists)
            let unknownMethod = #expect(throws: MFAError.self) {
                try tx.insertSMSChallenge(StoredSMSChallenge(challenge: later.challenge, accountID: "alice", methodID: "nope", purpose: .signIn))
            }
            #expect(unknownMethod?.code == .notFound)
        }
        let listed = try fixture.store.testRead { (tx) throws in try tx.smsChallenges(accountID: "alice") }
        #expect(listed.map(\.challenge.issuedAt) == [StoreSamples.now + 100, StoreSamples.now])
        // The first expires 300 s after it was sent (SMSCodePolicy default): only it goes.
        let deleted = try fixture.store.testWrite { (tx) throws in try tx.deleteSMSChallenges(expiredAt: StoreSamples.now + 300) }
        #expect(deleted == 1)
        #expect(try fixture.store.testRead { (tx) throws in try tx.smsChallenges(accountID: "alice").map(\.id) } == [later.challenge.id])
    }

    @Test("Of many concurrent redemptions of one recovery code exactly one succeeds", arguments: StoreKind.allCases)
    func recoveryCodeConsumedOnce(_ kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let (codes, method) = StoreSamples.recoveryMethod("rc", account: "alice")
        try store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(method)
            try tx.setMethodState(id: "rc", to: .active, at: StoreSamples.now)
        }
        let code = codes[3]
        let wins = try await raceCount(Self.racers) {
            try store.testWrite { (tx) throws -> Bool in
                guard case .recoveryCodes(var set)? = try tx.method(id: "rc")?.details else { return false }
                guard (try? set.redeem(code, key: StoreSamples.codeKey, at: StoreSamples.now + 60)) != nil else { return false }
                try tx.replaceRecoveryCodeSet(methodID: "rc", with: set, at: StoreSamples.now + 60)
                return true
            }
        }
        #expect(wins == 1)
        let stored = try store.testRead { (tx) throws in try tx.method(id: "rc") }
        guard case .recoveryCodes(let set)? = stored?.details else {
            Issue.record("the recovery method lost its set")
            return
        }
        #expect(set.remaining == RecoveryCodeSet.defaultCount - 1)
        #expect(set.entries[3].usedAt == StoreSamples.now + 60)
        // A regenerated set replaces the old one: the old codes are worthless.
        let (newCodes, newSet) = RecoveryCodeSet.generate(key: StoreSamples.codeKey, at: StoreSamples.now + 90)
        try store.testWrite { (tx) throws in try tx.replaceRecoveryCodeSet(methodID: "rc", with: newSet, at: StoreSamples.now + 90) }
        guard case .recoveryCodes(var current)? = try store.testRead({ (tx) throws in try tx.method(id: "rc") })?.details else {
            Issue.record("the recovery method lost its set")
            return
        }
        #expect(throws: OneTimeCodeError.self) { _ = try current.redeem(codes[0], key: StoreSamples.codeKey, at: StoreSamples.now + 91) }
        #expect(try current.redeem(newCodes[0], key: StoreSamples.codeKey, at: StoreSamples.now + 91) == 0)
    }

    @Test("A TOTP time step is accepted once: compare-and-set only moves forward, even under concurrency",
          arguments: StoreKind.allCases)
    func totpStepCompareAndSet(_ kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.totpMethod("totp", account: "alice"))
            try tx.insertMethod(try StoreSamples.smsMethod("sms", account: "alice"))
        }
        let wins = try await raceCount(Self.racers) {
            try store.testWrite { (tx) throws -> Bool in
                try tx.advanceTOTPTimeStep(methodID: "totp", to: 56_666_666, at: StoreSamples.now)
            }
        }
        #expect(wins == 1)
        try store.testWrite { (tx) throws in
            #expect(try !tx.advanceTOTPTimeStep(methodID: "totp", to: 56_666_666, at: 1))
            #expect(try !tx.advanceTOTPTimeStep(methodID: "totp", to: 56_666_665, at: 1))
            #expect(try tx.advanceTOTPTimeStep(methodID: "totp", to: 56_666_667, at: StoreSamples.now + 30))
            let tooLarge = #expect(throws: MFAError.self) { try tx.advanceTOTPTimeStep(methodID: "totp", to: UInt64.max, at: 1) }
            #expect(tooLarge?.code == .invalidArgument)
            let wrongKind = #expect(throws: MFAError.self) { try tx.advanceTOTPTimeStep(methodID: "sms", to: 1, at: 1) }
            #expect(wrongKind?.code == .invalidArgument)
            let missing = #expect(throws: MFAError.self) { try tx.advanceTOTPTimeStep(methodID: "nope", to: 1, at: 1) }
            #expect(missing?.code == .notFound)
        }
        let method = try store.testRead { (tx) throws in try tx.method(id: "totp") }
        guard case .totp(let data)? = method?.details else {
            Issue.record("the TOTP method lost its details")
            return
        }
        #expect(data.lastAcceptedTimeStep == 56_666_667)
        #expect(method?.updatedAt == StoreSamples.now + 30)
    }

    @Test("A credential's sign count is compare-and-set: a stale expected count stores nothing",
          arguments: StoreKind.allCases)
    func credentialCounterCompareAndSet(_ kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let credentialID: [UInt8] = [0xC0, 0xFF, 0xEE]
        try store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.keyMethod("key", account: "alice", credentialID: credentialID, signCount: 5))
        }
        // Every racer verified an assertion against the record with count 5; only one may store its update.
        let wins = try await raceCount(Self.racers) {
            let updated = try StoreSamples.credential(credentialID, signCount: UInt32.random(in: 6...1000))
            return try store.testWrite { (tx) throws -> Bool in
                try tx.updateCredential(updated, expectedSignCount: 5, at: StoreSamples.now + 1)
            }
        }
        #expect(wins == 1)
        let stored = try store.testRead { (tx) throws in try tx.method(credentialID: credentialID) }
        guard case .securityKey(let record)? = stored?.details else {
            Issue.record("the security key lost its credential")
            return
        }
        #expect(record.signCount > 5)
        let next = try StoreSamples.credential(credentialID, signCount: record.signCount + 1)
        try store.testWrite { (tx) throws in
            #expect(try !tx.updateCredential(next, expectedSignCount: 5, at: StoreSamples.now + 2))
            #expect(try tx.updateCredential(next, expectedSignCount: record.signCount, at: StoreSamples.now + 2))
            let unknown = #expect(throws: MFAError.self) {
                try tx.updateCredential(try StoreSamples.credential([9], signCount: 1), expectedSignCount: 0, at: 1)
            }
            #expect(unknown?.code == .notFound)
        }
        let final = try store.testRead { (tx) throws in try tx.method(credentialID: credentialID) }
        #expect(final?.details == .securityKey(next))
        try store.testWrite { (tx) throws in try tx.setMethodState(id: "key", to: .removed, at: StoreSamples.now + 3) }
        let removed = #expect(throws: MFAError.self) {
            try store.testWrite { (tx) throws in
                _ = try tx.updateCredential(
                    try StoreSamples.credential(credentialID, signCount: 9999), expectedSignCount: next.signCount, at: 1)
            }
        }
        #expect(removed?.code == .invalidTransition)
    }

    @Test("A WebAuthn ceremony state is consumed once: of many concurrent finishes exactly one gets it",
          arguments: StoreKind.allCases)
    func ceremonyStateConsumedOnce(_ kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let user = PublicKeyCredentialUserEntity(id: Array("handle-alice".utf8), name: "alice", displayName: "Alice")
        let registration = StoreSamples.relyingParty.startRegistration(user: user).state
        let authentication = StoreSamples.relyingParty.startAuthentication().state
        let stored = StoredCeremonyState(
            id: "reg-1", accountID: "alice", state: .registration(registration), createdAt: StoreSamples.now)
        let anonymous = StoredCeremonyState(
            id: "auth-1", accountID: nil, state: .authentication(authentication), createdAt: StoreSamples.now)
        try store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertCeremonyState(stored)
            try tx.insertCeremonyState(anonymous)
            let duplicate = #expect(throws: MFAError.self) { try tx.insertCeremonyState(stored) }
            #expect(duplicate?.code == .alreadyExists)
            let orphan = StoredCeremonyState(id: "x", accountID: "nobody", state: .registration(registration), createdAt: 1)
            let missing = #expect(throws: MFAError.self) { try tx.insertCeremonyState(orphan) }
            #expect(missing?.code == .notFound)
        }
        let winners = try await withThrowingTaskGroup(of: StoredCeremonyState?.self) { group in
            for _ in 0..<Self.racers {
                group.addTask { try store.testWrite { (tx) throws in try tx.consumeCeremonyState(id: "reg-1") } }
            }
            var got: [StoredCeremonyState] = []
            for try await state in group { if let state { got.append(state) } }
            return got
        }
        #expect(winners == [stored])
        #expect(winners.first?.expiresAt == registration.expiresAt)
        try store.testWrite { (tx) throws in
            #expect(try tx.consumeCeremonyState(id: "reg-1") == nil)
            #expect(try tx.consumeCeremonyState(id: "auth-1") == anonymous)
        }
    }

    @Test("A consumed ceremony state comes back if its write transaction fails", arguments: StoreKind.allCases)
    func consumptionRollsBack(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let state = StoreSamples.relyingParty.startAuthentication().state
        let stored = StoredCeremonyState(id: "auth", accountID: nil, state: .authentication(state), createdAt: StoreSamples.now)
        try fixture.store.testWrite { (tx) throws in try tx.insertCeremonyState(stored) }
        #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in
                _ = try tx.consumeCeremonyState(id: "auth")
                throw MFAError(.storageFailure, "the finish failed later")
            }
        }
        #expect(try fixture.store.testWrite { (tx) throws in try tx.consumeCeremonyState(id: "auth") } == stored)
    }

    @Test("Expired ceremony states are deleted by expiry time, live ones kept", arguments: StoreKind.allCases)
    func ceremonyHousekeeping(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let state = StoreSamples.relyingParty.startAuthentication().state
        try fixture.store.testWrite { (tx) throws in
            try tx.insertCeremonyState(StoredCeremonyState(id: "a", accountID: nil, state: .authentication(state), createdAt: 1))
        }
        #expect(try fixture.store.testWrite { (tx) throws in try tx.deleteCeremonyStates(expiredAt: state.expiresAt - 1) } == 0)
        #expect(try fixture.store.testWrite { (tx) throws in try tx.deleteCeremonyStates(expiredAt: state.expiresAt) } == 1)
    }

    @Test("The configuration generation only goes up, one per bump", arguments: StoreKind.allCases)
    func generationBump(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in try tx.insertAccount(StoreSamples.account("alice")) }
        let generations = try (1...3).map { _ in
            try fixture.store.testWrite { (tx) throws in try tx.bumpConfigurationGeneration(accountID: "alice") }
        }
        #expect(generations == [1, 2, 3])
        #expect(try fixture.store.testRead { (tx) throws in try tx.account(id: "alice")?.configurationGeneration } == 3)
        let error = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in try tx.bumpConfigurationGeneration(accountID: "nobody") }
        }
        #expect(error?.code == .notFound)
    }
}
