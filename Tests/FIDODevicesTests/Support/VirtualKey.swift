import FIDODevices
import Foundation
import OpenSSLWrapper
import Synchronization
import VirtualAuthenticator

/// A software authenticator opened through libfido2 and KeyBridge's io layer, as every test here uses it.
struct VirtualKey {
    let authenticator: VirtualAuthenticator
    let device: FIDODevice

    static let rpID = "example.com"

    /// A fresh in-memory authenticator with `configure` applied, opened through libfido2.
    static func open(
        prompt: (@Sendable () -> Void)? = nil,
        configure: (inout VirtualAuthenticator.Configuration) -> Void = { _ in }
    ) async throws -> VirtualKey {
        var configuration = VirtualAuthenticator.Configuration()
        configure(&configuration)
        let authenticator = try VirtualAuthenticator(configuration: configuration)
        var deviceConfiguration = FIDODevice.Configuration()
        deviceConfiguration.onUserPresenceRequired = prompt
        let device = try await FIDODevice.open(transport: authenticator, configuration: deviceConfiguration)
        return VirtualKey(authenticator: authenticator, device: device)
    }

    /// A registration request for `alice` at example.com with a fresh random challenge.
    static func registration(
        algorithm: CredentialAlgorithm = .es256, residentKey: Bool = false, userName: String = "alice"
    ) -> RegistrationRequest {
        var request = RegistrationRequest(
            rpID: rpID, userID: Array(userName.utf8) + SecureRandom.bytes(8), userName: userName,
            challenge: SecureRandom.bytes(32))
        request.algorithm = algorithm
        request.residentKey = residentKey
        return request
    }

    /// An assertion request at example.com with a fresh random challenge.
    static func assertion(allow: [[UInt8]] = []) -> AssertionRequest {
        var request = AssertionRequest(rpID: rpID, challenge: SecureRandom.bytes(32))
        request.allowCredentials = allow
        return request
    }

    /// A PIN from text (tests only: production code reads it with DevicePIN.read or readFromTerminal).
    static func pin(_ text: String) throws -> DevicePIN {
        try DevicePIN(utf8: Array(text.utf8))
    }
}

/// Counts calls, from any thread.
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func increment() {
        count.add(1, ordering: .relaxed)
    }

    /// Polls until the count reaches `target` or `timeout` passes.
    func wait(for target: Int, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if value >= target { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return value >= target
    }
}

/// A user-presence switch a test flips from outside the authenticator: `.wait` until approved.
final class PresenceSwitch: Sendable {
    private let approved = Atomic<Bool>(false)

    var userPresence: UserPresence {
        UserPresence { [self] _ in approved.load(ordering: .relaxed) ? .approve : .wait }
    }

    func approve() {
        approved.store(true, ordering: .relaxed)
    }
}
