import MFA
import OneTimeCodes
import Testing
import WebAuthn

@Suite("MFA store: accounts, methods and lifecycle (both implementations)")
struct AccountMethodStoreTests {
    @Test("An account reads back by identifier and by user handle, and accounts list in identifier order",
          arguments: StoreKind.allCases)
    func accountsRoundTrip(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let service = StoreSamples.account("svc-backup", interactive: false)
        try fixture.store.testWrite { (tx) throws in
            for id in ["zoe", "alice", "Bob"] { try tx.insertAccount(StoreSamples.account(id)) }
            try tx.insertAccount(service)
        }
        try fixture.store.testRead { (tx) throws in
            let alice = try tx.account(id: "alice")
            #expect(alice == StoreSamples.account("alice"))
            #expect(alice?.configurationGeneration == 0)
            #expect(alice?.preferredMethodID == nil)
            #expect(try tx.account(userHandle: Array("handle-zoe".utf8))?.id == "zoe")
            #expect(try tx.account(id: "nobody") == nil)
            #expect(try tx.account(userHandle: [1, 2, 3]) == nil)
            // Byte order: upper-case letters sort before lower-case ones.
            #expect(try tx.accounts().map(\.id) == ["Bob", "alice", "svc-backup", "zoe"])
            #expect(try tx.account(id: "svc-backup")?.isInteractive == false)
        }
    }

    @Test("A duplicate account identifier or user handle is refused with alreadyExists", arguments: StoreKind.allCases)
    func duplicateAccountsRefused(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in try tx.insertAccount(StoreSamples.account("alice")) }
        let sameID = MFAAccount(id: "alice", createdAt: 1, userHandle: [9])
        let sameHandle = MFAAccount(id: "other", createdAt: 1, userHandle: Array("handle-alice".utf8))
        for account in [sameID, sameHandle] {
            let error = #expect(throws: MFAError.self) {
                try fixture.store.testWrite { (tx) throws in try tx.insertAccount(account) }
            }
            #expect(error?.code == .alreadyExists)
        }
        #expect(try fixture.store.testRead { (tx) throws in try tx.accounts().count } == 1)
    }

    @Test("An empty identifier and user handles of 0 or 65 bytes are invalid arguments", arguments: StoreKind.allCases)
    func invalidAccountsRefused(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let bad = [
            MFAAccount(id: "", createdAt: 1, userHandle: [1]),
            MFAAccount(id: "a", createdAt: 1, userHandle: []),
            MFAAccount(id: "b", createdAt: 1, userHandle: Array(repeating: 1, count: 65)),
        ]
        for account in bad {
            let error = #expect(throws: MFAError.self) {
                try fixture.store.testWrite { (tx) throws in try tx.insertAccount(account) }
            }
            #expect(error?.code == .invalidArgument)
        }
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(MFAAccount(id: "c", createdAt: 1, userHandle: Array(repeating: 1, count: 64)))
        }
    }

    @Test("Methods of every kind read back exactly as inserted, oldest first, and by credential ID",
          arguments: StoreKind.allCases)
    func methodsRoundTrip(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let totp = try StoreSamples.totpMethod("m-totp", account: "alice", at: StoreSamples.now + 3)
        let sms = try StoreSamples.smsMethod("m-sms", account: "alice", at: StoreSamples.now + 1)
        let key = try StoreSamples.keyMethod("m-key", account: "alice", credentialID: [1, 2, 3, 4], signCount: 41)
        let recovery = StoreSamples.recoveryMethod("m-rc", account: "alice").method
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertAccount(StoreSamples.account("bob"))
            for method in [totp, sms, key, recovery] { try tx.insertMethod(method) }
            try tx.insertMethod(try StoreSamples.smsMethod("m-bob", account: "bob"))
        }
        try fixture.store.testRead { (tx) throws in
            #expect(try tx.method(id: "m-totp") == totp)
            #expect(try tx.method(id: "m-sms") == sms)
            #expect(try tx.method(id: "m-key") == key)
            #expect(try tx.method(id: "m-rc") == recovery)
            #expect(try tx.method(id: "m-key")?.kind == .securityKey)
            #expect(try tx.method(credentialID: [1, 2, 3, 4])?.id == "m-key")
            #expect(try tx.method(credentialID: [1, 2, 3]) == nil)
            // Same creation time: identifier order; later ones after.
            #expect(try tx.methods(accountID: "alice").map(\.id) == ["m-key", "m-rc", "m-sms", "m-totp"])
            #expect(try tx.methods(accountID: "bob").map(\.id) == ["m-bob"])
            #expect(try tx.methods(accountID: "nobody").isEmpty)
        }
        // The sealed secret opens again with the server key: the store kept the bytes exactly.
        let stored = try fixture.store.testRead { (tx) throws in try tx.method(id: "m-totp") }
        guard case .totp(let data)? = stored?.details else {
            Issue.record("the TOTP method lost its details")
            return
        }
        let secret = try StoreSamples.secretKey.openSecret(
            data.sealedSecret, associatedData: SecretEncryptionKey.associatedData(accountID: "alice", methodID: "m-totp"))
        #expect(secret.byteCount == 20)
        #expect(data.configuration.digits == 8)
    }

    @Test("Inserting a method is refused for an unknown account, a taken identifier or credential ID, or a removed state",
          arguments: StoreKind.allCases)
    func invalidMethodsRefused(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.keyMethod("m-key", account: "alice", credentialID: [7, 7]))
        }
        var removed = try StoreSamples.smsMethod("m-removed", account: "alice")
        removed = MFAMethodRecord(
            id: removed.id, accountID: "alice", name: "x", state: .removed, details: removed.details, createdAt: 1)
        let cases: [(MFAMethodRecord, MFAError.Code)] = [
            (try StoreSamples.smsMethod("m-1", account: "nobody"), .notFound),
            (try StoreSamples.smsMethod("m-key", account: "alice"), .alreadyExists),
            (try StoreSamples.keyMethod("m-key2", account: "alice", credentialID: [7, 7]), .alreadyExists),
            (try StoreSamples.smsMethod("", account: "alice"), .invalidArgument),
            (removed, .invalidArgument),
            (try StoreSamples.keyMethod("m-empty", account: "alice", credentialID: []), .invalidArgument),
        ]
        for (method, code) in cases {
            let error = #expect(throws: MFAError.self) {
                try fixture.store.testWrite { (tx) throws in try tx.insertMethod(method) }
            }
            #expect(error?.code == code, "\(method.id)")
        }
        #expect(try fixture.store.testRead { (tx) throws in try tx.methods(accountID: "alice").map(\.id) } == ["m-key"])
    }

    @Test("The lifecycle allows exactly pending→confirmed→active, pending→active, and any live state→removed",
          arguments: StoreKind.allCases)
    func lifecycleTransitions(_ kind: StoreKind) throws {
        // The allowed moves, as the issue lists the lifecycle: pending, enrollment confirmed, active, removed.
        let allowed: Set<[MFAMethodState]> = [
            [.pending, .confirmed], [.pending, .active], [.confirmed, .active],
            [.pending, .removed], [.confirmed, .removed], [.active, .removed],
        ]
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in try tx.insertAccount(StoreSamples.account("alice")) }
        var counter = 0
        for from in MFAMethodState.allCases where from != .removed {
            for to in MFAMethodState.allCases {
                counter += 1
                let id = "m\(counter)"
                let method = MFAMethodRecord(
                    id: id, accountID: "alice", name: "n", state: from,
                    details: .sms(try PhoneNumber("+447700900123")), createdAt: 10)
                try fixture.store.testWrite { (tx) throws in try tx.insertMethod(method) }
                #expect(from.canTransition(to: to) == allowed.contains([from, to]))
                if allowed.contains([from, to]) {
                    let updated = try fixture.store.testWrite { (tx) throws in
                        try tx.setMethodState(id: id, to: to, at: 20)
                    }
                    #expect(updated.state == to)
                    #expect(updated.updatedAt == 20)
                    #expect(try fixture.store.testRead { (tx) throws in try tx.method(id: id) } == updated)
                } else {
                    let error = #expect(throws: MFAError.self) {
                        try fixture.store.testWrite { (tx) throws in try tx.setMethodState(id: id, to: to, at: 20) }
                    }
                    #expect(error?.code == .invalidTransition, "\(from) → \(to)")
                    #expect(try fixture.store.testRead { (tx) throws in try tx.method(id: id)?.state } == from)
                }
            }
        }
        // Out of removed there is no way.
        for to in MFAMethodState.allCases {
            #expect(!MFAMethodState.removed.canTransition(to: to))
        }
        let error = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in try tx.setMethodState(id: "nope", to: .active, at: 1) }
        }
        #expect(error?.code == .notFound)
    }

    @Test("A removed method's details are frozen, and removing the preferred method clears the preference",
          arguments: StoreKind.allCases)
    func removedMethodsAreFrozen(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertAccount(StoreSamples.account("bob"))
            try tx.insertMethod(try StoreSamples.smsMethod("sms", account: "alice"))
            try tx.insertMethod(try StoreSamples.smsMethod("bob-sms", account: "bob"))
            try tx.setMethodState(id: "sms", to: .active, at: 2)
            try tx.setPreferredMethod(accountID: "alice", methodID: "sms")
        }
        #expect(try fixture.store.testRead { (tx) throws in try tx.account(id: "alice")?.preferredMethodID } == "sms")
        let foreign = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in try tx.setPreferredMethod(accountID: "alice", methodID: "bob-sms") }
        }
        #expect(foreign?.code == .invalidArgument)
        try fixture.store.testWrite { (tx) throws in try tx.setMethodState(id: "sms", to: .removed, at: 3) }
        #expect(try fixture.store.testRead { (tx) throws in try tx.account(id: "alice")?.preferredMethodID } == nil)
        let frozen: [(String, (any MFAStoreTransaction) throws -> Void)] = [
            ("rename", { (tx) throws in try tx.renameMethod(id: "sms", to: "x", at: 4) }),
            ("phone", { (tx) throws in
                try tx.replaceSMSPhoneNumber(methodID: "sms", with: try Self.phone("+4915112345678"), at: 4)
            }),
            ("prefer", { (tx) throws in try tx.setPreferredMethod(accountID: "alice", methodID: "sms") }),
        ]
        for (name, change) in frozen {
            let error = #expect(throws: MFAError.self) { try fixture.store.testWrite(change) }
            #expect(error?.code == .invalidTransition, "\(name)")
        }
    }

    private static func phone(_ text: String) throws -> PhoneNumber { try PhoneNumber(text) }

    @Test("Renaming, changing the phone number and the interactive flag are stored with the update time",
          arguments: StoreKind.allCases)
    func methodAndAccountUpdates(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.smsMethod("sms", account: "alice"))
            try tx.renameMethod(id: "sms", to: "Work phone", at: StoreSamples.now + 5)
            try tx.replaceSMSPhoneNumber(methodID: "sms", with: try Self.phone("+1 (416) 555-0100"), at: StoreSamples.now + 9)
            try tx.setInteractive(accountID: "alice", false)
        }
        try fixture.store.testRead { (tx) throws in
            let method = try tx.method(id: "sms")
            #expect(method?.name == "Work phone")
            #expect(method?.details == .sms(try Self.phone("+14165550100")))
            #expect(method?.updatedAt == StoreSamples.now + 9)
            #expect(method?.createdAt == StoreSamples.now)
            #expect(try tx.account(id: "alice")?.isInteractive == false)
        }
        let wrongKind = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in
                try tx.insertMethod(try StoreSamples.totpMethod("totp", account: "alice"))
                try tx.replaceSMSPhoneNumber(methodID: "totp", with: try Self.phone("+14165550100"), at: 1)
            }
        }
        #expect(wrongKind?.code == .invalidArgument)
        // The failed transaction took its method insert with it.
        #expect(try fixture.store.testRead { (tx) throws in try tx.method(id: "totp") } == nil)
        let unknown = #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in try tx.setInteractive(accountID: "nobody", true) }
        }
        #expect(unknown?.code == .notFound)
    }

    @Test("A write whose closure throws leaves nothing behind; a caught failure inside keeps the rest",
          arguments: StoreKind.allCases)
    func writesAreAllOrNothing(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        #expect(throws: MFAError.self) {
            try fixture.store.testWrite { (tx) throws in
                try tx.insertAccount(StoreSamples.account("alice"))
                try tx.insertMethod(try StoreSamples.smsMethod("sms", account: "alice"))
                try tx.appendAuditEvent(AuditEvent(time: 1, accountID: "alice", action: "method-added", detail: ""))
                throw MFAError(.invalidArgument, "the caller changed its mind")
            }
        }
        try fixture.store.testRead { (tx) throws in
            #expect(try tx.account(id: "alice") == nil)
            #expect(try tx.method(id: "sms") == nil)
            #expect(try tx.auditEvents(accountID: nil, after: 0, limit: 10).isEmpty)
        }
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.keyMethod("k1", account: "alice", credentialID: [1]))
            // A duplicate credential fails as a whole (no method row without its credential row)...
            #expect(throws: MFAError.self) {
                try tx.insertMethod(try StoreSamples.keyMethod("k2", account: "alice", credentialID: [1]))
            }
            // ...and the transaction goes on.
            try tx.insertMethod(try StoreSamples.keyMethod("k3", account: "alice", credentialID: [3]))
        }
        #expect(try fixture.store.testRead { (tx) throws in try tx.methods(accountID: "alice").map(\.id) } == ["k1", "k3"])
    }

    @Test("A transaction kept past its closure, or a read view cast to a writer, refuses to work",
          arguments: StoreKind.allCases)
    func escapedTransactionsAreDead(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        nonisolated(unsafe) var kept: (any MFAStoreTransaction)? = nil
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            kept = tx
        }
        let late = #expect(throws: MFAError.self) { _ = try kept?.account(id: "alice") }
        #expect(late?.code == .transactionEnded)
        let sneaky = #expect(throws: MFAError.self) {
            try fixture.store.testRead { (view) throws in
                guard let writer = view as? any MFAStoreTransaction else {
                    throw MFAError(.transactionEnded, "the view is not a transaction type at all")
                }
                try writer.insertAccount(StoreSamples.account("mallory"))
            }
        }
        #expect(sneaky?.code == .transactionEnded)
        #expect(try fixture.store.testRead { (tx) throws in try tx.account(id: "mallory") } == nil)
    }
}
