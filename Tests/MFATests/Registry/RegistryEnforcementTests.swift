import MFA
import OneTimeCodes
import Testing
import _TestSupport

@Suite("Registry: enforcement policy, service accounts and the method lifecycle")
struct RegistryEnforcementTests {
    @Test("A new account that must use MFA gets enrollment-required after its password, with no access", arguments: StoreKind.allCases)
    func newAccountMustEnroll(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let decision = try fixture.registry.signIn(accountID: "alice", context: SignInContext())
        guard case .enrollmentRequired(let why) = decision else {
            Issue.record("expected enrollment-required, got \(decision)")
            return
        }
        #expect(why.contains("no active method"))
        #expect(try fixture.registry.signInHistory(accountID: "alice").map(\.outcome) == ["enrollment-required"])
    }

    @Test("A pending method does not grant access: enrollment stays required until the method is active", arguments: StoreKind.allCases)
    func pendingMethodIsNotEnough(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        #expect(try fixture.registry.methods(accountID: "alice").map(\.state) == [.pending])
        guard case .enrollmentRequired = try fixture.registry.signIn(accountID: "alice", context: SignInContext()) else {
            Issue.record("a pending method let the account in")
            return
        }
        let totp = try TOTP(secret: OTPSecret(base32: enrollment.manualEntrySecret))
        _ = try await fixture.registry.confirmTOTPEnrollment(
            accountID: "alice", methodID: enrollment.methodID, code: try totp.code(at: fixture.clock.now))
        #expect(try fixture.registry.methods(accountID: "alice").map(\.state) == [.active])
        guard case .challenge = try fixture.registry.signIn(accountID: "alice", context: SignInContext()) else {
            Issue.record("an active method did not bring the MFA prompt")
            return
        }
    }

    @Test("With a cut-off date, only accounts created on or after it must enroll")
    func cutOffDate() throws {
        let cutoff: Int64 = 1_700_000_000
        let fixture = try RegistryFixture(.inMemory, start: cutoff - 1) { $0.enforcement = .accountsCreated(onOrAfter: cutoff) }
        try fixture.registry.createAccount(id: "old")
        fixture.clock.advance(by: 1)
        try fixture.registry.createAccount(id: "new")
        #expect(try fixture.registry.signIn(accountID: "old", context: SignInContext()) == .allow(.mfaNotRequired))
        guard case .enrollmentRequired = try fixture.registry.signIn(accountID: "new", context: SignInContext()) else {
            Issue.record("an account created at the cut-off was let in without MFA")
            return
        }
        #expect(try fixture.registry.status(accountID: "old").isMFARequired == false)
        #expect(try fixture.registry.status(accountID: "new").isMFARequired == true)
    }

    @Test("An account that turned MFA on where it is optional is still prompted")
    func optionalButEnabled() async throws {
        let fixture = try RegistryFixture(.inMemory) { $0.enforcement = .optional }
        try fixture.registry.createAccount(id: "bob")
        #expect(try fixture.registry.signIn(accountID: "bob", context: SignInContext()) == .allow(.mfaNotRequired))
        _ = try await fixture.enrollTOTP("bob")
        guard case .challenge = try fixture.registry.signIn(accountID: "bob", context: SignInContext()) else {
            Issue.record("an enabled optional account was not prompted")
            return
        }
    }

    @Test("A service account is allowed without interactive MFA and every sign-in it makes is recorded", arguments: StoreKind.allCases)
    func serviceAccount(kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "ci-bot", isServiceAccount: true)
        let address = try #require(IPAddress("203.0.113.9"))
        for _ in 0..<3 {
            #expect(
                try fixture.registry.signIn(accountID: "ci-bot", context: SignInContext(ipAddress: address))
                    == .allow(.serviceAccount))
            fixture.clock.advance(by: 60)
        }
        let history = try fixture.registry.signInHistory(accountID: "ci-bot")
        #expect(history.count == 3)
        #expect(history.allSatisfy { $0.outcome == "allow" && $0.ipAddress == "203.0.113.9" })
        let decisions = try fixture.registry.auditLog(accountID: "ci-bot").filter { $0.action == "sign-in-decision" }
        #expect(decisions.count == 3)
        #expect(decisions.allSatisfy { $0.detail.contains("Service account") })
    }

    @Test("Marking an interactive account as a service account exempts it, and the change is audited")
    func markServiceAccount() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "deploy")
        try fixture.registry.setServiceAccount(
            accountID: "deploy", true, actor: .administrator(id: "root", reason: "automation"))
        #expect(try fixture.registry.signIn(accountID: "deploy", context: SignInContext()) == .allow(.serviceAccount))
        let event = try #require(try fixture.registry.auditLog(accountID: "deploy").last { $0.action == "service-account-changed" })
        #expect(event.detail.contains("administrator root"))
    }

    @Test("Methods move pending, confirmed, active, removed; the first primary method becomes the preferred one", arguments: StoreKind.allCases)
    func lifecycle(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (totpID, _) = try await fixture.enrollTOTP("alice")
        let smsID = try await fixture.enrollSMS("alice")
        let methods = try fixture.registry.methods(accountID: "alice")
        #expect(methods.map(\.id) == [totpID, smsID])
        #expect(methods.map(\.isPreferred) == [true, false])
        #expect(methods.allSatisfy { $0.state == .active })
        _ = try await fixture.registry.removeMethod(accountID: "alice", methodID: smsID)
        #expect(try fixture.registry.methods(accountID: "alice").map(\.id) == [totpID])
        #expect(try fixture.registry.methods(accountID: "alice", includeRemoved: true).map(\.state) == [.active, .removed])
        // Removed is final.
        let again = await mfaError { _ = try await fixture.registry.removeMethod(accountID: "alice", methodID: smsID) }
        #expect(again?.code == .invalidTransition)
    }

    @Test("The registry recommends a backup while only one method is active, and stops once a second is added")
    func backupNudge() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        let totp = try TOTP(secret: OTPSecret(base32: enrollment.manualEntrySecret))
        let first = try await fixture.registry.confirmTOTPEnrollment(
            accountID: "alice", methodID: enrollment.methodID, code: try totp.code(at: fixture.clock.now))
        #expect(first.enabledMFA)
        #expect(first.recommendsBackup)
        #expect(try fixture.registry.status(accountID: "alice").recommendsBackup)
        let sms = try await fixture.registry.beginSMSEnrollment(accountID: "alice", phoneNumber: "+447700900123")
        let second = try await fixture.registry.confirmSMSEnrollment(
            accountID: "alice", challengeID: sms.codeSent.challengeID, code: try fixture.sms.latestCode(to: "+447700900123"))
        #expect(second.enabledMFA == false)
        #expect(second.recommendsBackup == false)
        #expect(try fixture.registry.status(accountID: "alice").recommendsBackup == false)
        #expect(fixture.notifier.events == [.mfaEnabled, .methodAdded])
    }

    @Test("The preferred method is offered first and recovery codes last")
    func preferredFirst() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        _ = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        let (totpID, _) = try await fixture.enrollTOTP("alice")
        let smsID = try await fixture.enrollSMS("alice")
        try fixture.registry.setPreferredMethod(accountID: "alice", methodID: smsID)
        guard case .challenge(let prompt) = try fixture.registry.signIn(accountID: "alice", context: SignInContext()) else {
            Issue.record("expected a prompt")
            return
        }
        #expect(prompt.methods.map(\.kind) == [.sms, .totp, .recoveryCodes])
        #expect(prompt.methods.first?.id == smsID)
        #expect(prompt.methods.dropFirst().first?.id == totpID)
        let refused = await mfaError {
            try fixture.registry.setPreferredMethod(
                accountID: "alice", methodID: try #require(prompt.methods.last?.id))
        }
        #expect(refused?.code == .invalidArgument)
    }
}
