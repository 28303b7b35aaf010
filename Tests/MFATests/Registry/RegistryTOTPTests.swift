import MFA
import OneTimeCodes
import Testing
import _TestSupport

@Suite("Registry: authenticator apps")
struct RegistryTOTPTests {
    @Test("Enrollment gives an otpauth URI, a QR code and the secret for manual entry, and stores the secret sealed", arguments: StoreKind.allCases)
    func enrollmentOutput(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice@example.org")
        let enrollment = try fixture.registry.beginTOTPEnrollment(accountID: "alice@example.org")
        let secret = try OTPSecret(base32: enrollment.manualEntrySecret)
        #expect(secret.byteCount == 20)  // 160 bits for SHA-1
        #expect(enrollment.uriString.hasPrefix("otpauth://totp/KeyBridge:alice@example.org?secret=\(secret.base32)&issuer=KeyBridge"))
        let parsed = try OTPAuthURI(parsing: enrollment.uriString)
        #expect(parsed.secret == secret)
        #expect(parsed.issuer == "KeyBridge")
        #expect(enrollment.qrCode.size >= 21)
        // At rest: sealed with the server key, bound to the account and method; the raw bytes never appear.
        let stored = try #require(try fixture.store.testRead { try $0.method(id: enrollment.methodID) })
        guard case .totp(let data) = stored.details else {
            Issue.record("not a TOTP method")
            return
        }
        #expect(stored.state == .pending)
        #expect(!data.sealedSecret.containsSubsequence(secret.bytes))
        let opened = try fixture.keys.secretEncryptionKey.openSecret(
            data.sealedSecret,
            associatedData: SecretEncryptionKey.associatedData(accountID: "alice@example.org", methodID: enrollment.methodID))
        #expect(opened == secret)
    }

    @Test("Two enrollments draw different secrets")
    func secretsDiffer() throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let a = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        let b = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        #expect(a.manualEntrySecret != b.manualEntrySecret)
    }

    @Test("A wrong confirming code shows the exact troubleshooting message, leaves the method pending and counts a failure")
    func wrongConfirmingCode() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        let totp = try TOTP(secret: OTPSecret(base32: enrollment.manualEntrySecret))
        let right = try totp.code(at: fixture.clock.now)
        let wrong = right == "000000" ? "111111" : "000000"
        let error = await mfaError {
            _ = try await fixture.registry.confirmTOTPEnrollment(accountID: "alice", methodID: enrollment.methodID, code: wrong)
        }
        #expect(error?.code == .codeNotValid)
        #expect(error?.userMessage == "Code is not valid. Try again, or view troubleshooting tips")
        #expect(MFAError.wrongCodeMessage == "Code is not valid. Try again, or view troubleshooting tips")
        #expect(try fixture.registry.methods(accountID: "alice").map(\.state) == [.pending])
        #expect(try fixture.registry.status(accountID: "alice").consecutiveFailures == 1)
        #expect(try fixture.auditActions("alice").contains("second-factor-failed"))
    }

    @Test("The code that confirmed the enrollment cannot sign in again; the next step's code can", arguments: StoreKind.allCases)
    func confirmingStepIsUsed(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let enrollment = try fixture.registry.beginTOTPEnrollment(accountID: "alice")
        let totp = try TOTP(secret: OTPSecret(base32: enrollment.manualEntrySecret))
        let code = try totp.code(at: fixture.clock.now)
        _ = try await fixture.registry.confirmTOTPEnrollment(accountID: "alice", methodID: enrollment.methodID, code: code)
        let replay = await mfaError {
            _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .totp(code: code), context: SignInContext())
        }
        #expect(replay?.code == .codeNotValid)
        fixture.clock.advance(by: 30)
        let completion = try await fixture.registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now)), context: SignInContext())
        #expect(completion.methodKind == .totp)
        #expect(completion.methodID == enrollment.methodID)
    }

    @Test("Verification accepts a code one step old and refuses one two steps old")
    func window() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        fixture.clock.advance(by: 300)
        let twoBehind = try totp.code(at: fixture.clock.now - 60)
        let oneBehind = try totp.code(at: fixture.clock.now - 30)
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .totp(code: twoBehind), context: SignInContext())
        }
        #expect(error?.code == .codeNotValid)
        _ = try await fixture.registry.completeSignIn(accountID: "alice", proof: .totp(code: oneBehind), context: SignInContext())
    }

    @Test("A configured window of 0 refuses a code one step old")
    func zeroWindow() async throws {
        let fixture = try RegistryFixture(.inMemory) { $0.totpWindow = 0 }
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now - 30)), context: SignInContext())
        }
        #expect(error?.code == .codeNotValid)
    }

    @Test("Of concurrent sign-ins with one code, exactly one is accepted", arguments: StoreKind.allCases)
    func concurrentReplay(kind: StoreKind) async throws {
        let fixture = try RegistryFixture(kind)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let code = try totp.code(at: fixture.clock.now)
        let registry = fixture.registry
        let (wins, losses) = await asyncRace(6) {
            _ = try await registry.completeSignIn(accountID: "alice", proof: .totp(code: code), context: SignInContext())
        }
        #expect(wins == 1)
        #expect(losses == Array(repeating: MFAError.Code.codeNotValid, count: 5))
    }

    @Test("A code from an app whose clock is off by more than the window fails")
    func skewedPhone() async throws {
        let fixture = try RegistryFixture(.inMemory)
        try fixture.registry.createAccount(id: "alice")
        let (_, totp) = try await fixture.enrollTOTP("alice")
        let error = await mfaError {
            _ = try await fixture.registry.completeSignIn(
                accountID: "alice", proof: .totp(code: try totp.code(at: fixture.clock.now + 95)), context: SignInContext())
        }
        #expect(error?.code == .codeNotValid)
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
