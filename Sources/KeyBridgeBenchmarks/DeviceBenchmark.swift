import Dispatch
import FIDODevices
import OpenSSLWrapper
import Synchronization
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

/// Issue 3's device rows: register-plus-authenticate round trips through libfido2 and the software authenticator,
/// beside the raw cost of the cryptography one round trip needs, measured in the same run.
enum DeviceBenchmark {
    static let section = "Device path: libfido2 ↔ CTAPHID ↔ software authenticator (in-process, no state file)"
    static let referenceName = "OpenSSL P-256 key generation + 2 ECDSA signatures (reference)"

    /// What one round trip costs the software authenticator in raw OpenSSL work: makeCredential generates a P-256
    /// key and signs the attestation, getAssertion signs once. Nothing else (no CBOR, no CTAPHID, no libfido2).
    static func rawCryptoRoundTripsPerSecond(_ duration: Duration) throws -> Double {
        let attestationKey = try EVPPrivateKey.generate(.ec(.p256))
        let message = Array(repeating: UInt8(0x5A), count: 200)
        return try RateMeter.rate(for: duration) {
            let credentialKey = try EVPPrivateKey.generate(.ec(.p256))
            let attestation = try attestationKey.sign(message: message, scheme: .ecdsa(.sha256))
            let assertion = try credentialKey.sign(message: message, scheme: .ecdsa(.sha256))
            guard !attestation.isEmpty, !assertion.isEmpty else { throw BenchmarkFailure("empty signature") }
        }
    }

    /// Register-plus-authenticate round trips per second through libfido2; with `verify`, the relying party also
    /// verifies both responses (packed full attestation to the authenticator's root, then the assertion).
    static func roundTripsPerSecond(_ duration: Duration, verify: Bool) throws -> Double {
        try blocking {
            let authenticator = try VirtualAuthenticator()
            let key = try await FIDODevice.open(transport: authenticator)
            var anchors = TrustAnchorStore()
            try anchors.add(pem: authenticator.exportRootPEM())
            var configuration = RelyingParty.Configuration(
                rpID: CeremonySetup.rpID, rpName: "KeyBridge benchmark", allowedOrigins: [CeremonySetup.origin])
            configuration.attestation = .direct
            configuration.attestationVerifier = AttestationVerifier(trustAnchors: anchors)
            let party = RelyingParty(configuration: configuration)
            let clock = ContinuousClock()
            let start = clock.now
            var count = 0
            do {
                while clock.now - start < duration {
                    try await roundTrip(key, party: party, verify: verify)
                    count += 1
                }
            } catch {
                await key.close()
                throw error
            }
            await key.close()
            return Double(count) / RateMeter.seconds(clock.now - start)
        }
    }

    private static func roundTrip(_ key: FIDODevice, party: RelyingParty, verify: Bool) async throws {
        let user = PublicKeyCredentialUserEntity(id: SecureRandom.bytes(16), name: "bench", displayName: "bench")
        let (options, registrationState) = party.startRegistration(user: user)
        var registration = RegistrationRequest(
            rpID: options.rpID, userID: user.id, userName: user.name, challenge: options.challenge)
        registration.origin = CeremonySetup.origin
        let made = try await key.makeCredential(registration)
        var credentialID = made.credentialID
        var record: CredentialRecord?
        if verify {
            let verified = try party.finishRegistration(
                try RegistrationResponseJSON(jsonBytes: made.jsonBytes()), state: registrationState)
            guard verified.attestationTrusted == true else { throw BenchmarkFailure("attestation not trusted") }
            credentialID = verified.id
            record = verified
        }
        let (requestOptions, authenticationState) = party.startAuthentication(
            allowCredentials: [PublicKeyCredentialDescriptor(id: credentialID)])
        var assertion = AssertionRequest(rpID: requestOptions.rpID, challenge: requestOptions.challenge)
        assertion.origin = CeremonySetup.origin
        assertion.allowCredentials = [credentialID]
        let results = try await key.getAssertion(assertion)
        guard let first = results.first else { throw BenchmarkFailure("no assertion") }
        if let record {
            let result = try party.finishAuthentication(
                try AuthenticationResponseJSON(jsonBytes: first.jsonBytes()), state: authenticationState,
                credential: record)
            guard result.record.signCount > record.signCount else { throw BenchmarkFailure("counter did not rise") }
        }
    }

    /// Runs async work to completion from the benchmark's synchronous rows.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let value = try await body()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        guard let result = outcome.withLock({ $0 }) else { throw BenchmarkFailure("the task ended without a result") }
        return try result.get()
    }
}
