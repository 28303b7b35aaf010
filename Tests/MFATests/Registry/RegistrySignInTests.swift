import Foundation
import MFA
import OneTimeCodes
import Testing
import _TestSupport

@Suite("Registry: sign-in decisions, trusted devices and risk signals")
struct RegistrySignInTests {
    static func ip(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    @Test("A completed MFA sign-in issues an id.secret token of which only a hash is stored", arguments: StoreKind.allCases)
    func tokenIssued(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let now = fixture.clock.now
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: now)), context: SignInContext())
        let token = try #require(completion.trustedDeviceToken)
        #expect(completion.trustedDeviceExpiresAt == now + 5 * 86_400)
        let parts = token.split(separator: ".")
        #expect(parts.count == 2)
        let id = String(parts[0])
        let secret = String(parts[1])
        let record = try #require(try fixture.store.testRead { try $0.trustedDevice(id: id) })
        #expect(record.accountID == "alice")
        #expect(record.expiresAt == now + 5 * 86_400)
        #expect(!record.secretHash.containsSubsequence(Array(secret.utf8)))
        #expect(record.secretHash.count == 32)
        if let directory = fixture.storeFixture.directory {
            let database = try Data(contentsOf: URL(fileURLWithPath: directory + "/mfa.sqlite"))
            #expect(!Array(database).containsSubsequence(Array(secret.utf8)))
        }
        let history = try fixture.registry.signInHistory(accountID: "alice")
        #expect(history.first?.outcome == "mfa-completed")
        #expect(history.first?.methodKind == .totp)
    }

    @Test("Within five days a trusted device skips the prompt; after them it is prompted again", arguments: StoreKind.allCases)
    func trustedDeviceLifetime(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let issuedAt = fixture.clock.now
        let token = try await fixture.signInWithTOTP("alice", totp: totp)
        let within = SignInContext(deviceToken: token, time: issuedAt + 5 * 86_400 - 1)
        #expect(try fixture.registry.signIn(accountID: "alice", context: within) == .allow(.trustedDevice))
        let after = SignInContext(deviceToken: token, time: issuedAt + 5 * 86_400)
        guard case .challenge(let prompt) = try fixture.registry.signIn(accountID: "alice", context: after) else {
            Issue.record("an expired token skipped the prompt")
            return
        }
        #expect(prompt.riskCodes == ["new-device"])
        #expect(prompt.device == .unrecognised)
    }

    @Test("A tampered, foreign or malformed token is not recognised")
    func badTokens() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        try fixture.registry.createAccount(id: "bob")
        let (_, aliceTOTP) = try await fixture.enrollTOTP("alice")
        let (_, bobTOTP) = try await fixture.enrollTOTP("bob")
        let aliceToken = try await fixture.signInWithTOTP("alice", totp: aliceTOTP)
        let bobToken = try await fixture.signInWithTOTP("bob", totp: bobTOTP)
        var tampered = Array(aliceToken)
        tampered[tampered.count - 1] = tampered.last == "0" ? "1" : "0"
        for token in [String(tampered), bobToken, "garbage", aliceToken + ".x", ""] {
            guard case .challenge(let prompt) = try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token)) else {
                Issue.record("token \(token) skipped the prompt")
                continue
            }
            #expect(prompt.device == .unrecognised)
        }
        guard case .challenge(let prompt) = try fixture.registry.signIn(accountID: "alice", context: SignInContext()) else {
            Issue.record("no token skipped the prompt")
            return
        }
        #expect(prompt.device == .noToken)
        #expect(prompt.riskCodes == ["new-device"])
    }

    @Test("A new location forces the prompt even on a trusted device", arguments: StoreKind.allCases)
    func newLocation(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let token = try await fixture.signInWithTOTP("alice", totp: totp, context: SignInContext(location: Places.london))
        // Reading is within 100 km of London: the same place as far as GeoIP can tell.
        fixture.clock.advance(by: 3_600)
        #expect(
            try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token, location: Places.reading))
                == .allow(.trustedDevice))
        fixture.clock.advance(by: 86_400)
        guard case .challenge(let prompt) = try fixture.registry.signIn(
            accountID: "alice", context: SignInContext(deviceToken: token, location: Places.paris))
        else {
            Issue.record("a new location did not force the prompt")
            return
        }
        #expect(prompt.device == .recognised)
        #expect(prompt.riskCodes == ["new-location"])
        #expect(prompt.riskReasons.first?.contains("Paris") == true)
    }

    @Test("Impossible travel between consecutive sign-ins forces the prompt, found through the IP locator")
    func impossibleTravel() async throws {
        let locator = TableLocator(table: ["81.2.69.142": Places.london, "216.160.83.56": Places.newYork])
        let fixture = try RegistryFixture(.inMemory, locator: locator)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let london = try Self.ip("81.2.69.142")
        let token = try await fixture.signInWithTOTP("alice", totp: totp, context: SignInContext(ipAddress: london))
        fixture.clock.advance(by: 3_600)
        guard case .challenge(let prompt) = try fixture.registry.signIn(
            accountID: "alice", context: SignInContext(deviceToken: token, ipAddress: try Self.ip("216.160.83.56")))
        else {
            Issue.record("London to New York in an hour did not force the prompt")
            return
        }
        #expect(prompt.riskCodes == ["new-location", "impossible-travel"])
        let decision = try #require(try fixture.registry.auditLog(accountID: "alice", limit: 1000).last { $0.action == "sign-in-decision" })
        #expect(decision.detail.contains("km/h"))
        #expect(try fixture.registry.signInHistory(accountID: "alice").first?.location != nil)
    }

    @Test("An address in the deny list, or outside the allow list, forces the prompt")
    func ipLists() async throws {
        let office = try IPRange(parsing: "203.0.113.0/24")
        let blocked = try IPRange(parsing: "198.51.100.0/24")
        let fixture = try RegistryFixture(.inMemory) {
            $0.risk.ipAccess = IPAccessPolicy(denyList: [blocked], allowList: [office, blocked])
        }
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let token = try await fixture.signInWithTOTP("alice", totp: totp)
        #expect(
            try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token, ipAddress: try Self.ip("203.0.113.5")))
                == .allow(.trustedDevice))
        for address in ["198.51.100.7", "192.0.2.1"] {
            guard case .challenge(let prompt) = try fixture.registry.signIn(
                accountID: "alice", context: SignInContext(deviceToken: token, ipAddress: try Self.ip(address)))
            else {
                Issue.record("\(address) did not force the prompt")
                continue
            }
            #expect(prompt.riskCodes == ["untrusted-ip"])
        }
    }

    @Test("Every decision is explained in the audit log and recorded in the sign-in history", arguments: StoreKind.allCases)
    func decisionsRecorded(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        _ = try fixture.registry.signIn(accountID: "alice", context: SignInContext())
        let (_, totp) = try await fixture.enrollTOTP("alice")
        _ = try fixture.registry.signIn(accountID: "alice", context: SignInContext(ipAddress: try Self.ip("203.0.113.5")))
        let token = try await fixture.signInWithTOTP("alice", totp: totp)
        _ = try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token))
        let outcomes = try fixture.registry.signInHistory(accountID: "alice").map(\.outcome)
        #expect(outcomes == ["allow", "mfa-completed", "challenge", "enrollment-required"])
        let decisions = try fixture.registry.auditLog(accountID: "alice", limit: 1000).filter { $0.action == "sign-in-decision" }
        #expect(decisions.count == 3)
        #expect(decisions[0].detail.hasPrefix("Enrollment required: "))
        #expect(decisions[1].detail.hasPrefix("MFA prompt: "))
        #expect(decisions[1].detail.contains("IP 203.0.113.5"))
        #expect(decisions[2].detail.hasPrefix("Allowed: "))
    }

    @Test("Not remembering the device issues no token")
    func noToken() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext(),
            rememberDevice: false)
        #expect(completion.trustedDeviceToken == nil)
        #expect(try fixture.store.testRead { try $0.trustedDevices(accountID: "alice") }.isEmpty)
    }

    @Test("An unknown account is not found")
    func unknownAccount() throws {
        let fixture = try RegistryFixture(.inMemory)
        #expect(throws: MFAError(.notFound, "")) { _ = try fixture.registry.signIn(accountID: "nobody", context: SignInContext()) }
    }
}

@Suite("Registry: server keys")
struct RegistryServerKeyTests {
    @Test("The encryption key is HMAC-SHA-256 of the master key over its label (checked with Python's hmac)")
    func derivation() throws {
        // python3 -c "import hmac,hashlib; print(hmac.new(bytes([0x42]*32),
        //   b'KeyBridge MFA secret encryption key v1', hashlib.sha256).hexdigest())"
        let expected = "ebe315c4d770e2676b5e5ae25d1ca23319b02d93f0900d0b7c22de74aa9a36e9"
        let keys = try MFAServerKeys(masterKey: Array(repeating: 0x42, count: 32))
        #expect(keys.secretEncryptionKey.bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() == expected)
        #expect(throws: MFAError(.invalidKey, "")) { _ = try MFAServerKeys(masterKey: [1, 2, 3]) }
    }

    @Test("A created key file has mode 0600, is never overwritten, and reads back as the same keys")
    func keyFile() throws {
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/mfa.key"
        let created = try MFAServerKeys.createKeyFile(atPath: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: MFAError(.alreadyExists, "")) { _ = try MFAServerKeys.createKeyFile(atPath: path) }
        let loaded = try MFAServerKeys(contentsOfFile: path)
        #expect(loaded.secretEncryptionKey.bytes == created.secretEncryptionKey.bytes)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: MFAError(.invalidKey, "")) { _ = try MFAServerKeys(contentsOfFile: path) }
    }

    @Test("The command-line set-up opens a database, a key file and outbox files, and sends through the outbox")
    func embeddedSetUp() async throws {
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try MFAServerKeys.createKeyFile(atPath: directory + "/mfa.key")
        let registry = try MFAMethodRegistry(
            databasePath: directory + "/mfa.sqlite", keyFile: directory + "/mfa.key",
            smsOutboxPath: directory + "/sms.jsonl", notificationOutboxPath: directory + "/mail.jsonl")
        try registry.createAccount(id: "alice")
        let enrollment = try await registry.beginSMSEnrollment(accountID: "alice", phoneNumber: "+447700900123")
        let outbox = OutboxSMSGateway(path: directory + "/sms.jsonl")
        let message = try #require(try outbox.latestMessage(to: try PhoneNumber("+447700900123")))
        let code = try #require(RecordingSMSGateway.code(in: message.body))
        _ = try await registry.confirmSMSEnrollment(accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: code)
        #expect(try OutboxNotifier(path: directory + "/mail.jsonl").notifications().map(\.event) == [.mfaEnabled])
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
