import Foundation
import MFA
import OneTimeCodes
import Synchronization
import Testing
import _TestSupport

@Suite("Registry: SMS codes")
struct RegistrySMSTests {
    static let phone = "+447700900123"

    @Test("A number that is not E.164 is refused with invalid-phone-number and nothing is sent")
    func invalidNumber() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        for text in ["07700 900123", "+0123456789", "+44 77a"] {
            let error = await mfaError { _ = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: text) }
            #expect(error?.code == .invalidPhoneNumber)
        }
        #expect(fixture.sms.sent.isEmpty)
    }

    @Test("A number in an unsupported country gets a clear error pointing to the authenticator app", arguments: ["+33 6 12 34 56 78", "+1 242 555 0123"])
    func unsupportedCountry(number: String) async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let error = await mfaError { _ = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: number) }
        #expect(error?.code == .unsupportedCountry)
        #expect(error?.userMessage.contains("authenticator app") == true)
        #expect(fixture.sms.sent.isEmpty)
        #expect(try fixture.registry.methods(accountID: "alice", includeRemoved: true).isEmpty)
    }

    @Test("Enrollment sends a code to the number and the right code activates the method; only its HMAC is stored", arguments: StoreKind.allCases)
    func enrollment(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: "+44 7700 900123")
        #expect(enrollment.codeSent.maskedPhoneNumber.hasSuffix("23"))
        #expect(enrollment.codeSent.expiresAt == fixture.clock.now + 300)
        #expect(enrollment.codeSent.resendAvailableAt == fixture.clock.now + 60)
        let code = try fixture.sms.latestCode(to: Self.phone)
        #expect(try fixture.registry.methods(accountID: "alice").map(\.state) == [.pending])
        let stored = try #require(try fixture.store.testRead { try $0.smsChallenge(id: enrollment.codeSent.challengeID) })
        #expect(stored.challenge.codeHash.count == 32)
        #expect(!stored.challenge.codeHash.containsSubsequence(Array(code.utf8)))
        if let directory = fixture.storeFixture.directory {
            let database = try Data(contentsOf: URL(fileURLWithPath: directory + "/mfa.sqlite"))
            #expect(!Array(database).containsSubsequence(Array(code.utf8)))
        }
        let result = try await fixture.registry.confirmSMSEnrollment(
            accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: code)
        #expect(result.method.kind == .sms)
        #expect(result.method.state == .active)
        #expect(result.enabledMFA)
        #expect(fixture.notifier.events == [.mfaEnabled])
    }

    @Test("A code entered after five minutes has expired")
    func expiry() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone)
        let code = try fixture.sms.latestCode(to: Self.phone)
        fixture.clock.advance(by: 300)
        let error = await mfaError {
            _ = try await fixture.registry.confirmSMSEnrollment(
                accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: code)
        }
        #expect(error?.code == .codeExpired)
    }

    @Test("After five wrong entries the code is dead, even when the right code follows", arguments: StoreKind.allCases)
    func attempts(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone)
        let code = try fixture.sms.latestCode(to: Self.phone)
        let wrong = code == "000000" ? "000001" : "000000"
        var codes: [MFAError.Code?] = []
        for _ in 0..<5 {
            let error = await mfaError {
                _ = try await fixture.registry.confirmSMSEnrollment(
                    accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: wrong)
            }
            codes.append(error?.code)
        }
        #expect(codes == [.codeNotValid, .codeNotValid, .codeNotValid, .codeNotValid, .tooManyAttempts])
        // Five failures also reached the account's throttle: wait out its delay first.
        fixture.clock.advance(by: 30)
        let late = await mfaError {
            _ = try await fixture.registry.confirmSMSEnrollment(
                accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: code)
        }
        #expect(late?.code == .codeNotValid)
        #expect(try fixture.registry.methods(accountID: "alice").map(\.state) == [.pending])
    }

    @Test("A resend inside the 60 s cooldown is refused with the wait; after it the new code works and the old one does not", arguments: StoreKind.allCases)
    func resendCooldown(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone)
        let oldCode = try fixture.sms.latestCode(to: Self.phone)
        fixture.clock.advance(by: 20)
        let early = await mfaError {
            _ = try await fixture.registry.resendSMSCode(accountID: "alice", challengeID: enrollment.codeSent.challengeID)
        }
        #expect(early?.code == .resendCooldown)
        #expect(early?.retryAfter == 40)
        fixture.clock.advance(by: 40)
        let resent = try await fixture.registry.resendSMSCode(accountID: "alice", challengeID: enrollment.codeSent.challengeID)
        #expect(fixture.sms.sent.count == 2)
        let newCode = try fixture.sms.latestCode(to: Self.phone)
        if oldCode != newCode {
            let stale = await mfaError {
                _ = try await fixture.registry.confirmSMSEnrollment(
                    accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: oldCode)
            }
            #expect(stale?.code == .codeNotValid)
        }
        let replaced = await mfaError {
            _ = try await fixture.registry.confirmSMSEnrollment(
                accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: newCode)
        }
        #expect(replaced?.code == .codeNotValid)
        _ = try await fixture.registry.confirmSMSEnrollment(accountID: "alice", challengeID: resent.challengeID, code: newCode)
    }

    @Test("A number gets at most the daily cap of codes")
    func dailyCap() async throws {
        let fixture = try RegistryFixture(.inMemory) { $0.sms.dailyLimit = 2 }
        try fixture.registry.createAccount(id: "alice")
        let methodID = try await fixture.enrollSMS("alice")
        fixture.clock.advance(by: 60)
        _ = try await fixture.registry.sendSignInSMSCode(accountID: "alice", methodID: methodID)
        fixture.clock.advance(by: 60)
        let error = await mfaError { _ = try await fixture.registry.sendSignInSMSCode(accountID: "alice") }
        #expect(error?.code == .dailyLimitReached)
        #expect((error?.retryAfter ?? 0) > 0)
        #expect(fixture.sms.sent.count == 2)
    }

    @Test("With fresh codes on, a wrong entry sends a new code at once and only the new one works")
    func freshCodeAfterWrongEntry() async throws {
        let fixture = try RegistryFixture(.inMemory) { $0.sendsFreshSMSCodeAfterWrongEntry = true }
        try fixture.registry.createAccount(id: "alice")
        _ = try await fixture.enrollTOTP("alice")
        let methodID = try await fixture.enrollSMS("alice")
        fixture.clock.advance(by: 60)
        let sent = try await fixture.registry.sendSignInSMSCode(accountID: "alice", methodID: methodID)
        let first = try fixture.sms.latestCode(to: Self.phone)
        let before = fixture.sms.sent.count
        let wrong = first == "000000" ? "000001" : "000000"
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .sms(challengeID: sent.challengeID, code: wrong), context: SignInContext())
        }
        #expect(error?.code == .codeNotValid)
        #expect(error?.userMessage == MFAError.wrongCodeMessage)
        let fresh = try #require(error?.freshSMSChallengeID)
        #expect(fresh != sent.challengeID)
        #expect(fixture.sms.sent.count == before + 1)
        let stale = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .sms(challengeID: sent.challengeID, code: first), context: SignInContext())
        }
        #expect(stale?.code == .codeNotValid)
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .sms(challengeID: fresh, code: try fixture.sms.latestCode(to: Self.phone)),
            context: SignInContext())
        #expect(completion.methodKind == .sms)
    }

    @Test("Without fresh codes, a wrong entry sends nothing and the same code still works")
    func noFreshCodeByDefault() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone)
        let code = try fixture.sms.latestCode(to: Self.phone)
        let error = await mfaError {
            _ = try await fixture.registry.confirmSMSEnrollment(
                accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: code == "000000" ? "000001" : "000000")
        }
        #expect(error?.freshSMSChallengeID == nil)
        #expect(fixture.sms.sent.count == 1)
        _ = try await fixture.registry.confirmSMSEnrollment(
            accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: code)
    }

    @Test("A gateway failure is reported; the pending method goes and the send does not count against the cooldown", arguments: StoreKind.allCases)
    func deliveryFailure(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        fixture.sms.setFailing(true)
        let error = await mfaError { _ = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone) }
        #expect(error?.code == .deliveryFailed)
        #expect(error?.reason.contains("provider-unavailable: the test gateway is failing") == true)
        #expect(try fixture.registry.methods(accountID: "alice").isEmpty)
        #expect(try fixture.auditActions("alice").contains("sms-delivery-failed"))
        fixture.sms.setFailing(false)
        _ = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone)
        #expect(fixture.sms.sent.count == 1)
    }

    @Test("Codes go out after the store transaction commits: a second connection can write during the send")
    func sendsOutsideTransactions() async throws {
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/probe.sqlite"
        let probes = ProbeLog()
        let probe: @Sendable () -> Void = {
            let ok = (try? SQLiteMFAStore(path: path).write { (tx) throws(MFAError) in
                try tx.appendAuditEvent(AuditEvent(time: 0, accountID: nil, action: "probe", detail: "written during a send"))
            }) != nil
            probes.append(ok)
        }
        let keys = try MFAServerKeys(masterKey: RegistryFixture.masterKey)
        let sms = RecordingSMSGateway(onSend: probe)
        let notifier = RecordingNotifier(onNotify: probe)
        let clock = FakeClock()
        let registry = MFAMethodRegistry(
            store: try SQLiteMFAStore(path: path), keys: keys, smsGateway: sms, notifier: notifier,
            relyingParty: StoreSamples.relyingParty, clock: { clock.now })
        try registry.createAccount(id: "alice")
        let enrollment = try await registry.beginSMSEnrollment(accountID: "alice", phoneNumber: Self.phone)
        _ = try await registry.confirmSMSEnrollment(
            accountID: "alice", challengeID: enrollment.codeSent.challengeID, code: try sms.latestCode(to: Self.phone))
        #expect(probes.values == [true, true])
    }

    @Test("A sign-in code goes to the preferred SMS number and completes the sign-in")
    func signInCode() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let first = try await fixture.enrollSMS("alice", phone: "+447700900123")
        let second = try await fixture.enrollSMS("alice", phone: "+12025550123")
        try fixture.registry.setPreferredMethod(accountID: "alice", methodID: second)
        fixture.clock.advance(by: 60)
        let sent = try await fixture.registry.sendSignInSMSCode(accountID: "alice")
        #expect(sent.methodID == second)
        #expect(fixture.sms.sent.last?.to == "+12025550123")
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .sms(challengeID: sent.challengeID, code: try fixture.sms.latestCode(to: "+12025550123")),
            context: SignInContext())
        #expect(completion.methodID == second)
        #expect(completion.methodID != first)
    }
}

/// A thread-safe list of probe outcomes.
final class ProbeLog: Sendable {
    private let storage = Mutex<[Bool]>([])
    func append(_ value: Bool) { storage.withLock { $0.append(value) } }
    var values: [Bool] { storage.withLock { $0 } }
}
