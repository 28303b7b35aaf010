import MFA
import OneTimeCodes
import Testing
import _TestSupport

@Suite("Registry: removal, resets and phone-number changes")
struct RegistryChangeTests {
    @Test("Removing the last active method is refused while MFA is required", arguments: StoreKind.allCases)
    func lastMethodRefused(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (totpID, _) = try await fixture.enrollTOTP("alice")
        _ = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        let error = await mfaError { _ = try await fixture.registry.removeMethod(accountID: "alice", methodID: totpID) }
        #expect(error?.code == .lastMethod)
        #expect(try fixture.registry.methods(accountID: "alice").map(\.state) == [.active, .active])
    }

    @Test("Removing a method revokes every trusted device and notifies the owner", arguments: StoreKind.allCases)
    func removalRevokesDevices(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let smsID = try await fixture.enrollSMS("alice")
        let token = try await fixture.signInWithTOTP("alice", totp: totp)
        #expect(try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token)) == .allow(.trustedDevice))
        let result = try await fixture.registry.removeMethod(accountID: "alice", methodID: smsID)
        #expect(result.removedMethodIDs == [smsID])
        #expect(result.revokedTrustedDevices == 1)
        #expect(result.recommendsBackup)
        #expect(fixture.notifier.events.last == .methodRemoved)
        guard case .challenge(let prompt) = try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token)) else {
            Issue.record("a revoked token still skipped the prompt")
            return
        }
        #expect(prompt.device == .unrecognised)
    }

    @Test("Where MFA is optional, removing the last method turns MFA off and retires the recovery codes")
    func optionalRemoval() async throws {
        let fixture = try RegistryFixture(.inMemory) { $0.enforcement = .optional }
        try fixture.registry.createAccount(id: "bob")
        let (totpID, _) = try await fixture.enrollTOTP("bob")
        let recovery = try await fixture.registry.generateRecoveryCodes(accountID: "bob")
        let result = try await fixture.registry.removeMethod(accountID: "bob", methodID: totpID)
        #expect(Set(result.removedMethodIDs) == [totpID, recovery.methodID])
        #expect(try fixture.registry.methods(accountID: "bob").isEmpty)
        #expect(try fixture.registry.signIn(accountID: "bob", context: SignInContext()) == .allow(.mfaNotRequired))
    }

    @Test("A user reset deactivates every method, revokes devices, notifies, and requires re-enrollment", arguments: StoreKind.allCases)
    func userReset(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        _ = try await fixture.enrollSMS("alice")
        _ = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        let token = try await fixture.signInWithTOTP("alice", totp: totp)
        let result = try await fixture.registry.resetMFA(accountID: "alice", actor: .user)
        #expect(result.removedMethodIDs.count == 3)
        #expect(result.revokedTrustedDevices == 1)
        #expect(result.mustReenroll)
        #expect(fixture.notifier.events.last == .reset)
        #expect(fixture.notifier.notifications.last?.body.contains("by you") == true)
        #expect(try fixture.registry.methods(accountID: "alice").isEmpty)
        guard case .enrollmentRequired = try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token)) else {
            Issue.record("a reset account was let in")
            return
        }
        let event = try #require(try fixture.registry.auditLog(accountID: "alice", limit: 1000).last { $0.action == "mfa-reset" })
        #expect(event.detail.contains("the user"))
    }

    @Test("An administrator reset records the administrator and lifts a hard lock", arguments: StoreKind.allCases)
    func adminReset(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind) { $0.throttle = ThrottlePolicy(lockThreshold: 2) }
        try fixture.registry.createAccount(id: "alice")
        _ = try await fixture.enrollTOTP("alice")
        for _ in 0..<2 {
            _ = await mfaError {
                _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .totp(code: "x"), context: SignInContext())
            }
        }
        #expect(try fixture.registry.status(accountID: "alice").throttle == .locked)
        let result = try await fixture.registry.resetMFA(
            accountID: "alice", actor: .administrator(id: "support-3", reason: "lost phone, ID checked"))
        #expect(result.removedMethodIDs.count == 1)
        #expect(try fixture.registry.status(accountID: "alice").throttle == .allowed)
        #expect(fixture.notifier.notifications.last?.body.contains("by an administrator") == true)
        let event = try #require(try fixture.registry.auditLog(accountID: "alice", limit: 1000).last { $0.action == "mfa-reset" })
        #expect(event.detail.contains("administrator support-3 (lost phone, ID checked)"))
        // Re-enrollment works at once.
        _ = try await fixture.enrollTOTP("alice")
    }

    @Test("A phone change sends the code to the new number and keeps the old one until it is confirmed", arguments: StoreKind.allCases)
    func phoneChange(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let smsID = try await fixture.enrollSMS("alice", phone: "+447700900123")
        let token = try await fixture.signInWithTOTP("alice", totp: totp)
        let sent = try await fixture.registry.beginPhoneNumberChange(
            accountID: "alice", methodID: smsID, newPhoneNumber: "+49 151 23456789")
        #expect(fixture.sms.sent.last?.to == "+4915123456789")
        // Until confirmed, sign-in codes still go to the old number.
        fixture.clock.advance(by: 60)
        _ = try await fixture.registry.sendSignInSMSCode(accountID: "alice", methodID: smsID)
        #expect(fixture.sms.sent.last?.to == "+447700900123")
        #expect(try fixture.registry.methods(accountID: "alice").first { $0.id == smsID }?.maskedPhoneNumber?.hasSuffix("23") == true)
        let result = try await fixture.registry.confirmPhoneNumberChange(
            accountID: "alice", challengeID: sent.challengeID, code: try fixture.sms.latestCode(to: "+4915123456789"))
        #expect(result.method.maskedPhoneNumber?.hasSuffix("89") == true)
        #expect(result.revokedTrustedDevices == 1)
        #expect(fixture.notifier.events.last == .phoneChanged)
        let stored = try #require(try fixture.store.testRead { try $0.method(id: smsID) })
        #expect(stored.details == .sms(try PhoneNumber("+4915123456789")))
        guard case .challenge = try fixture.registry.signIn(accountID: "alice", context: SignInContext(deviceToken: token)) else {
            Issue.record("a phone change did not revoke the trusted device")
            return
        }
    }

    @Test("A phone change to an unsupported country is refused and the old number stays")
    func phoneChangeUnsupported() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let smsID = try await fixture.enrollSMS("alice")
        let error = await mfaError {
            _ = try await fixture.registry.beginPhoneNumberChange(accountID: "alice", methodID: smsID, newPhoneNumber: "+33612345678")
        }
        #expect(error?.code == .unsupportedCountry)
        #expect(fixture.sms.sent.count == 1)
    }

    @Test("Every change notifies the owner: enabled, added, phone changed, recovery code used, removed, reset")
    func notifications() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let (totpID, _) = try await fixture.enrollTOTP("alice")
        let smsID = try await fixture.enrollSMS("alice")
        let sent = try await fixture.registry.beginPhoneNumberChange(accountID: "alice", methodID: smsID, newPhoneNumber: "+12025550188")
        _ = try await fixture.registry.confirmPhoneNumberChange(
            accountID: "alice", challengeID: sent.challengeID, code: try fixture.sms.latestCode(to: "+12025550188"))
        let recovery = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .recoveryCode(recovery.codes[0]), context: SignInContext())
        _ = try await fixture.registry.removeMethod(accountID: "alice", methodID: totpID)
        _ = try await fixture.registry.resetMFA(accountID: "alice", actor: .user)
        #expect(
            fixture.notifier.events
                == [.mfaEnabled, .methodAdded, .phoneChanged, .methodAdded, .recoveryCodeUsed, .methodRemoved, .reset])
        #expect(fixture.notifier.notifications.allSatisfy { $0.to == "alice" && $0.account == "alice" })
    }

    @Test("A notifier failure is reported and logged, and the change still stands")
    func notificationFailure() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        fixture.notifier.setFailing(true)
        let enrollment = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        let totp = try TOTP(secret: OTPSecret(base32: enrollment.manualEntrySecret))
        let result = try await fixture.registry.confirmTOTPEnrollment(
            accountID: "alice", methodID: enrollment.methodID, code: try totp.code(at: fixture.clock.now))
        #expect(result.notificationFailure?.code == .deliveryFailed)
        #expect(result.notificationFailure?.reason.contains("outbox-unavailable: the test notifier is failing") == true)
        #expect(result.method.state == .active)
        #expect(try fixture.auditActions("alice").contains("notification-failed"))
    }
}
