import MFA
import OneTimeCodes
import Testing

@Suite("MFA store: trusted devices, throttling, sign-in history and the audit log (both implementations)")
struct HistoryStoreTests {
    private func device(_ id: String, account: String, created: Int64 = StoreSamples.now, lifetime: Int64 = 5 * 86_400)
        -> TrustedDeviceRecord
    {
        TrustedDeviceRecord(
            id: id, accountID: account, secretHash: Array("hash-\(id)".utf8), configurationGeneration: 0,
            createdAt: created, expiresAt: created + lifetime)
    }

    @Test("Revoking an account's trusted devices deletes all of them and no one else's", arguments: StoreKind.allCases)
    func revokeAllTrustedDevices(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertAccount(StoreSamples.account("bob"))
            try tx.insertTrustedDevice(device("d2", account: "alice", created: StoreSamples.now + 2))
            try tx.insertTrustedDevice(device("d1", account: "alice", created: StoreSamples.now + 2))
            try tx.insertTrustedDevice(device("d0", account: "alice"))
            try tx.insertTrustedDevice(device("b0", account: "bob"))
        }
        try fixture.store.testRead { (tx) throws in
            #expect(try tx.trustedDevices(accountID: "alice").map(\.id) == ["d0", "d1", "d2"])
            #expect(try tx.trustedDevice(id: "d1") == device("d1", account: "alice", created: StoreSamples.now + 2))
        }
        #expect(try fixture.store.testWrite { (tx) throws in try tx.revokeTrustedDevices(accountID: "alice") } == 3)
        try fixture.store.testRead { (tx) throws in
            #expect(try tx.trustedDevices(accountID: "alice").isEmpty)
            #expect(try tx.trustedDevice(id: "d0") == nil)
            #expect(try tx.trustedDevices(accountID: "bob").map(\.id) == ["b0"])
        }
        try fixture.store.testWrite { (tx) throws in
            #expect(try tx.revokeTrustedDevices(accountID: "alice") == 0)
            #expect(try tx.deleteTrustedDevice(id: "b0"))
            #expect(try !tx.deleteTrustedDevice(id: "b0"))
        }
    }

    @Test("Trusted devices are refused for unknown accounts, twice, or without a hash; expired ones are purged",
          arguments: StoreKind.allCases)
    func trustedDeviceRules(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertTrustedDevice(device("short", account: "alice", lifetime: 10))
            try tx.insertTrustedDevice(device("long", account: "alice", lifetime: 100))
        }
        let bad: [(TrustedDeviceRecord, MFAError.Code)] = [
            (device("x", account: "nobody"), .notFound),
            (device("short", account: "alice"), .alreadyExists),
            (TrustedDeviceRecord(id: "h", accountID: "alice", secretHash: [], configurationGeneration: 0, createdAt: 1, expiresAt: 2), .invalidArgument),
            (TrustedDeviceRecord(id: "t", accountID: "alice", secretHash: [1], configurationGeneration: 0, createdAt: 2, expiresAt: 1), .invalidArgument),
        ]
        for (record, code) in bad {
            let error = #expect(throws: MFAError.self) {
                try fixture.store.testWrite { (tx) throws in try tx.insertTrustedDevice(record) }
            }
            #expect(error?.code == code, "\(record.id)")
        }
        let purged = try fixture.store.testWrite { (tx) throws in
            try tx.deleteTrustedDevices(expiredAt: StoreSamples.now + 10)
        }
        #expect(purged == 1)
        #expect(try fixture.store.testRead { (tx) throws in try tx.trustedDevices(accountID: "alice").map(\.id) } == ["long"])
    }

    @Test("Throttle state and SMS send ledgers read back as saved, fresh when never saved", arguments: StoreKind.allCases)
    func throttleAndLedgerRoundTrip(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let number = try PhoneNumber("+61 2 9876 5432")
        var throttle = ThrottleState()
        for second in 0..<7 { throttle.recordFailure(at: StoreSamples.now + Int64(second)) }
        var ledger = SMSSendLedger()
        try ledger.recordSend(policy: .default, at: StoreSamples.now)
        try ledger.recordSend(policy: .default, at: StoreSamples.now + 61)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            #expect(try tx.throttleState(accountID: "alice") == ThrottleState())
            #expect(try tx.smsSendLedger(phoneNumber: number) == SMSSendLedger())
            try tx.saveThrottleState(throttle, accountID: "alice")
            try tx.saveSMSSendLedger(ledger, phoneNumber: number)
        }
        try fixture.store.testRead { (tx) throws in
            #expect(try tx.throttleState(accountID: "alice") == throttle)
            #expect(try tx.smsSendLedger(phoneNumber: number) == ledger)
        }
        #expect(try fixture.store.testRead { (tx) throws in try tx.throttleState(accountID: "alice") }
            .decision(at: StoreSamples.now + 7) != .allowed)
        throttle.reset()
        try fixture.store.testWrite { (tx) throws in try tx.saveThrottleState(throttle, accountID: "alice") }
        #expect(try fixture.store.testRead { (tx) throws in try tx.throttleState(accountID: "alice") } == ThrottleState())
        let error = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in try tx.saveThrottleState(throttle, accountID: "nobody") }
        }
        #expect(error?.code == .notFound)
    }

    @Test("Sign-ins list newest first with their location, and known devices are recognised", arguments: StoreKind.allCases)
    func signInHistory(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let paris = StoredSignIn.Coordinates(latitude: 48.8566, longitude: 2.3522)
        let sydney = StoredSignIn.Coordinates(latitude: -33.8688, longitude: 151.2093)
        let appended = try fixture.store.testWrite { (tx) throws -> [StoredSignIn] in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertAccount(StoreSamples.account("bob"))
            return [
                try tx.appendSignIn(StoredSignIn(accountID: "alice", time: 100, deviceID: "dev-1", ipAddress: "192.0.2.1", location: paris, outcome: "allow")),
                try tx.appendSignIn(StoredSignIn(accountID: "alice", time: 300, ipAddress: "2001:db8::1", location: sydney, outcome: "challenge", methodKind: .totp)),
                try tx.appendSignIn(StoredSignIn(accountID: "alice", time: 300, deviceID: "dev-2", outcome: "mfa-completed", methodKind: .securityKey)),
                try tx.appendSignIn(StoredSignIn(accountID: "bob", time: 200, outcome: "allow")),
            ]
        }
        #expect(appended.map(\.sequence) == [1, 2, 3, 4])
        try fixture.store.testRead { (tx) throws in
            let history = try tx.signIns(accountID: "alice", limit: 10)
            // Newest first; equal times in reverse order of appending.
            #expect(history == [appended[2], appended[1], appended[0]])
            #expect(history[2].location == paris)
            #expect(try tx.signIns(accountID: "alice", limit: 1) == [appended[2]])
            #expect(try tx.signIns(accountID: "alice", limit: 0).isEmpty)
            #expect(try tx.hasSignIn(accountID: "alice", deviceID: "dev-1"))
            #expect(try !tx.hasSignIn(accountID: "bob", deviceID: "dev-1"))
            let negative = #expect(throws: MFAError.self) { _ = try tx.signIns(accountID: "alice", limit: -1) }
            #expect(negative?.code == .invalidArgument)
        }
        let badRecords = [
            StoredSignIn(accountID: "alice", time: 1, location: .init(latitude: 91, longitude: 0), outcome: "allow"),
            StoredSignIn(accountID: "alice", time: 1, location: .init(latitude: 0, longitude: .nan), outcome: "allow"),
            StoredSignIn(accountID: "alice", time: 1, outcome: ""),
        ]
        for record in badRecords {
            let error = #expect(throws: MFAError.self) {
                try fixture.store.testWrite { (tx) throws in try tx.appendSignIn(record) }
            }
            #expect(error?.code == .invalidArgument)
        }
        let unknown = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in try tx.appendSignIn(StoredSignIn(accountID: "nobody", time: 1, outcome: "allow")) }
        }
        #expect(unknown?.code == .notFound)
    }

    @Test("Audit events are appended with increasing sequence numbers and read back in order, by account and page",
          arguments: StoreKind.allCases)
    func auditAppend(_ kind: StoreKind) async throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        // Concurrent appends: every one gets its own number, none is lost.
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try store.testWrite { (tx) throws -> Int64 in
                        let event = AuditEvent(
                            time: StoreSamples.now + Int64(index), accountID: index % 2 == 0 ? "alice" : nil,
                            action: "sign-in-decision", detail: "event \(index)")
                        return try tx.appendAuditEvent(event).sequence
                    }
                }
            }
            var all: [Int64] = []
            for try await sequence in group { all.append(sequence) }
            return all
        }
        #expect(sequences.sorted() == Array(1...20))
        try store.testRead { (tx) throws in
            let all = try tx.auditEvents(accountID: nil, after: 0, limit: 100)
            #expect(all.map(\.sequence) == Array(1...20))
            #expect(Set(all.map(\.detail)) == Set((0..<20).map { "event \($0)" }))
            let alice = try tx.auditEvents(accountID: "alice", after: 0, limit: 100)
            #expect(alice.count == 10)
            #expect(alice.allSatisfy { $0.accountID == "alice" })
            let page = try tx.auditEvents(accountID: nil, after: 5, limit: 3)
            #expect(page.map(\.sequence) == [6, 7, 8])
        }
        let empty = #expect(throws: MFAError.self) {
            try store.testWrite { (tx) throws in try tx.appendAuditEvent(AuditEvent(time: 1, accountID: nil, action: "", detail: "")) }
        }
        #expect(empty?.code == .invalidArgument)
    }
}
