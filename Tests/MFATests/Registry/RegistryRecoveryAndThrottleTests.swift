import MFA
import OneTimeCodes
import Testing
import _TestSupport

@Suite("Registry: recovery codes and throttling")
struct RegistryRecoveryAndThrottleTests {
    @Test("Ten recovery codes are shown once in groups and stored only as hashes", arguments: StoreKind.allCases)
    func generate(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let issued = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        #expect(issued.codes.count == 10)
        #expect(Set(issued.codes).count == 10)
        #expect(issued.codes.allSatisfy { $0.count == 14 && $0.split(separator: "-").count == 3 })
        #expect(issued.replacedPreviousSet == false)
        let stored = try #require(try fixture.store.testRead { try $0.method(id: issued.methodID) })
        guard case .recoveryCodes(let set) = stored.details else {
            Issue.record("not recovery codes")
            return
        }
        #expect(set.entries.count == 10)
        for (code, entry) in zip(issued.codes, set.entries) {
            let plain = Array((RecoveryCodeSet.normalize(code) ?? code).utf8)
            #expect(!entry.hash.containsSubsequence(plain))
        }
    }

    @Test("A recovery code signs in once, notifies the owner, and cannot be used again", arguments: StoreKind.allCases)
    func singleUse(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        _ = try await fixture.enrollTOTP("alice")
        let issued = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .recoveryCode(issued.codes[3]), context: SignInContext())
        #expect(completion.methodKind == .recoveryCodes)
        #expect(completion.recoveryCodesRemaining == 9)
        #expect(fixture.notifier.events.last == .recoveryCodeUsed)
        #expect(fixture.notifier.notifications.last?.body.contains("9 recovery codes are left") == true)
        let again = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .recoveryCode(issued.codes[3]), context: SignInContext())
        }
        #expect(again?.code == .codeNotValid)
        #expect(again?.userMessage == MFAError.wrongCodeMessage)
    }

    @Test("Regenerating recovery codes makes every old code worthless", arguments: StoreKind.allCases)
    func regenerate(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        _ = try await fixture.enrollTOTP("alice")
        let old = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        let new = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        #expect(new.methodID == old.methodID)
        #expect(new.replacedPreviousSet)
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .recoveryCode(old.codes[0]), context: SignInContext())
        }
        #expect(error?.code == .codeNotValid)
        _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .recoveryCode(new.codes[0]), context: SignInContext())
    }

    @Test("After five failures of any kind the next attempt waits 30 s, doubling afterwards")
    func delays() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let recovery = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        #expect(!recovery.codes.isEmpty)
        let registry = fixture.registry
        // Three wrong app codes and two wrong recovery codes: five failures.
        for _ in 0..<3 {
            _ = await mfaError {
                _ = try await registry.completeSignIn(accountID: "alice", proof: .totp(code: "12345x"), context: SignInContext())
            }
        }
        for _ in 0..<2 {
            _ = await mfaError {
                _ = try await registry.completeSignIn(
                    accountID: "alice", proof: .recoveryCode("0000-0000-0000"), context: SignInContext())
            }
        }
        let held = await mfaError {
            _ = try await registry.completeSignIn(
                accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        }
        #expect(held?.code == .throttled)
        #expect(held?.retryAfter == 30)
        fixture.clock.advance(by: 30)
        // The sixth failure doubles the wait.
        _ = await mfaError {
            _ = try await registry.completeSignIn(accountID: "alice", proof: .totp(code: "000000x"), context: SignInContext())
        }
        let doubled = await mfaError {
            _ = try await registry.completeSignIn(accountID: "alice", proof: .totp(code: "123456"), context: SignInContext())
        }
        #expect(doubled?.code == .throttled)
        #expect(doubled?.retryAfter == 60)
        fixture.clock.advance(by: 60)
        _ = try await registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        #expect(try registry.status(accountID: "alice").consecutiveFailures == 0)
    }

    @Test("A hundred consecutive failures lock the account; waiting does not lift it, an administrator does")
    func hardLockAndAdminUnlock() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        for _ in 0..<100 {
            fixture.clock.advance(by: 1_000)
            let error = await mfaError {
                _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .totp(code: "abc"), context: SignInContext())
            }
            #expect(error?.code == .codeNotValid)
        }
        fixture.clock.advance(by: 86_400)
        let locked = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        }
        #expect(locked?.code == .locked)
        #expect(locked?.userMessage.contains("recovery code") == true)
        #expect(try fixture.registry.status(accountID: "alice").throttle == .locked)
        try fixture.registry.unlock(accountID: "alice", administrator: "support-7", reason: "identity verified by phone")
        _ = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        let event = try #require(try fixture.registry.auditLog(accountID: "alice", limit: 1000).last { $0.action == "account-unlocked" })
        #expect(event.detail.contains("support-7"))
    }

    @Test("A successful recovery code lifts a hard lock", arguments: StoreKind.allCases)
    func recoveryLiftsLock(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind) { $0.throttle = ThrottlePolicy(freeFailures: 5, lockThreshold: 3) }
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let recovery = try await fixture.registry.generateRecoveryCodes(accountID: "alice")
        for _ in 0..<3 {
            _ = await mfaError {
                _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .totp(code: "abc"), context: SignInContext())
            }
        }
        let locked = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        }
        #expect(locked?.code == .locked)
        // A recovery attempt on a locked account waits out the longest delay after the last failure.
        let early = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .recoveryCode(recovery.codes[0]), context: SignInContext())
        }
        #expect(early?.code == .throttled)
        fixture.clock.advance(by: 900)
        _ = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .recoveryCode(recovery.codes[0]), context: SignInContext())
        #expect(try fixture.registry.status(accountID: "alice").consecutiveFailures == 0)
        _ = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        #expect(try fixture.auditActions("alice").contains("recovery-code-used"))
    }

    @Test("No SMS code is sent to a locked account")
    func noSMSWhenLocked() async throws {
        let fixture = try RegistryFixture(.inMemory) { $0.throttle = ThrottlePolicy(lockThreshold: 1) }
        try fixture.registry.createAccount(id: "alice")
        _ = try await fixture.enrollSMS("alice")
        _ = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .sms(challengeID: "nope", code: "123456"), context: SignInContext())
        }
        fixture.clock.advance(by: 120)
        let error = await mfaError { _ = try await fixture.registry.sendSignInSMSCode(accountID: "alice") }
        #expect(error?.code == .locked)
        #expect(fixture.sms.sent.count == 1)
    }
}
