import Foundation
import MFA
import OneTimeCodes
import Synchronization
import Testing
import WebAuthn
import _TestSupport

/// An SMS gateway that keeps every message in memory, and can be told to fail.
final class RecordingSMSGateway: SMSGateway {
    struct Sent: Sendable, Hashable {
        let to: String
        let body: String
    }

    private let state = Mutex<(sent: [Sent], failing: Bool)>(([], false))
    /// Runs on every send, before it is recorded (the transaction probe uses it).
    let onSend: (@Sendable () -> Void)?

    init(onSend: (@Sendable () -> Void)? = nil) {
        self.onSend = onSend
    }

    var sent: [Sent] { state.withLock { $0.sent } }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func send(to recipient: PhoneNumber, body: String) async throws(MFAError) -> DeliveryReceipt {
        onSend?()
        let failing = state.withLock { state -> Bool in
            if !state.failing { state.sent.append(Sent(to: recipient.e164, body: body)) }
            return state.failing
        }
        if failing { throw MFAError(.providerUnavailable, "the test gateway is failing") }
        return DeliveryReceipt(channel: "test", messageID: nil, status: "accepted", acceptedAt: 0)
    }

    /// The six-digit code in the newest message to `number`.
    func latestCode(to number: String) throws -> String {
        let message = try #require(sent.last { $0.to == number }, "no SMS to \(number)")
        return try #require(Self.code(in: message.body))
    }

    /// The first run of exactly six digits in `body`.
    static func code(in body: String) -> String? {
        var run = ""
        for character in body + " " {
            if character.isASCII, character.isNumber {
                run.append(character)
            } else {
                if run.count == 6 { return run }
                run = ""
            }
        }
        return nil
    }
}

/// A notifier that keeps every notice in memory, and can be told to fail.
final class RecordingNotifier: Notifier {
    private let state = Mutex<(sent: [MFANotification], failing: Bool)>(([], false))
    let onNotify: (@Sendable () -> Void)?

    init(onNotify: (@Sendable () -> Void)? = nil) {
        self.onNotify = onNotify
    }

    var events: [MFAEvent] { state.withLock { $0.sent.map(\.event) } }
    var notifications: [MFANotification] { state.withLock { $0.sent } }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func notify(_ notification: MFANotification) async throws(MFAError) {
        onNotify?()
        let failing = state.withLock { state -> Bool in
            if !state.failing { state.sent.append(notification) }
            return state.failing
        }
        if failing { throw MFAError(.outboxUnavailable, "the test notifier is failing") }
    }
}

/// An IP locator over a fixed table.
struct TableLocator: IPLocator {
    let table: [String: GeoLocation]
    func locate(_ address: IPAddress) -> GeoLocation? { table[address.description] }
}

/// Places with coordinates (city centres; distances checked in RiskSignalTests against a reference).
enum Places {
    static func place(_ latitude: Double, _ longitude: Double, _ city: String) -> GeoLocation {
        // The literals are in range, so the coordinate always exists.
        GeoLocation(coordinate: try? GeoCoordinate(latitude: latitude, longitude: longitude), city: city)
    }
    static let london = place(51.5074, -0.1278, "London")
    static let reading = place(51.4543, -0.9781, "Reading")  // about 60 km from London
    static let paris = place(48.8566, 2.3522, "Paris")  // about 340 km from London
    static let newYork = place(40.7128, -74.0060, "New York")  // about 5570 km from London
}

/// A registry over a fresh store of one kind, a hand-moved clock and recording channels.
final class RegistryFixture: Sendable {
    static let masterKey: [UInt8] = Array(repeating: 0x42, count: 32)

    let storeFixture: StoreFixture
    let clock: FakeClock
    let sms: RecordingSMSGateway
    let notifier: RecordingNotifier
    let registry: MFAMethodRegistry
    let keys: MFAServerKeys

    var store: any MFARegistryStore { storeFixture.store }

    init(
        _ kind: StoreKind, start: Int64 = 1_700_000_000, locator: (any IPLocator)? = nil,
        sms: RecordingSMSGateway = RecordingSMSGateway(), notifier: RecordingNotifier = RecordingNotifier(),
        configure: (inout MFAMethodRegistry.Configuration) -> Void = { _ in }
    ) throws {
        storeFixture = try StoreFixture(kind)
        let clock = FakeClock(start)
        self.clock = clock
        self.sms = sms
        self.notifier = notifier
        keys = try MFAServerKeys(masterKey: Self.masterKey)
        var configuration = MFAMethodRegistry.Configuration()
        configure(&configuration)
        var rpConfiguration = RelyingParty.Configuration(
            rpID: "example.org", rpName: "Example", allowedOrigins: ["https://example.org"])
        rpConfiguration.clock = clock.clock
        registry = MFAMethodRegistry(
            store: storeFixture.store, keys: keys, smsGateway: sms, notifier: notifier,
            relyingParty: RelyingParty(configuration: rpConfiguration), ipLocator: locator,
            configuration: configuration, clock: { clock.now })
    }

    // MARK: - Shortcuts

    /// Enrolls and confirms an authenticator app; returns its method ID and a generator for its codes.
    func enrollTOTP(_ accountID: String, name: String = "Phone app") async throws -> (methodID: String, totp: TOTP) {
        let enrollment = try registry.beginTOTPEnrollment(accountID: accountID, name: name)
        let totp = try TOTP(secret: OTPSecret(base32: enrollment.manualEntrySecret), configuration: enrollment.configuration)
        _ = try await registry.confirmTOTPEnrollment(
            accountID: accountID, methodID: enrollment.methodID, code: try totp.code(at: clock.now))
        // The confirming code's step is used up: later codes come from the next step.
        clock.advance(by: 30)
        return (enrollment.methodID, totp)
    }

    /// Enrolls and confirms a phone number; returns its method ID.
    func enrollSMS(_ accountID: String, phone: String = "+447700900123") async throws -> String {
        let enrollment = try await registry.beginSMSEnrollment(accountID: accountID, phoneNumber: phone)
        _ = try await registry.confirmSMSEnrollment(
            accountID: accountID, challengeID: enrollment.codeSent.challengeID, code: try sms.latestCode(to: phone))
        return enrollment.methodID
    }

    /// Completes a TOTP sign-in and returns the trusted-device token.
    func signInWithTOTP(_ accountID: String, totp: TOTP, context: SignInContext = SignInContext()) async throws -> String {
        var context = context
        if context.time == nil { context.time = clock.now }
        let completion = try await registry.completeSignIn(
            accountID: accountID, proof: .totp(code: try totp.code(at: context.time ?? clock.now)), context: context)
        clock.advance(by: 30)
        return try #require(completion.trustedDeviceToken)
    }

    /// The audit actions logged for `accountID`, oldest first.
    func auditActions(_ accountID: String) throws -> [String] {
        try registry.auditLog(accountID: accountID, limit: 1000).map(\.action)
    }
}

/// Runs `body` and returns the ``MFAError`` it threw, or records an issue and returns nil.
func mfaError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> MFAError? {
    do {
        try await body()
        Issue.record("expected an MFAError, but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as MFAError {
        return error
    } catch {
        Issue.record("expected an MFAError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Runs `count` copies of `attempt` at once; returns how many succeeded and the codes of the others.
func asyncRace(_ count: Int, _ attempt: @escaping @Sendable () async throws -> Void) async
    -> (wins: Int, losses: [MFAError.Code])
{
    await withTaskGroup(of: MFAError.Code?.self) { group in
        for _ in 0..<count {
            group.addTask {
                do {
                    try await attempt()
                    return nil
                } catch let error as MFAError {
                    return error.code
                } catch {
                    return .internalError
                }
            }
        }
        var wins = 0
        var losses: [MFAError.Code] = []
        for await outcome in group {
            if let outcome { losses.append(outcome) } else { wins += 1 }
        }
        return (wins, losses)
    }
}
