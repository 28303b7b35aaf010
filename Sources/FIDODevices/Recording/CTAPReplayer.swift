import Foundation

/// A relying-party verifier that a replay runs on every response it reproduces, next to libfido2's own check.
///
/// `FIDODevices` does not depend on the `WebAuthn` module, so the relying-party side plugs in here:
/// `keybridge replay` passes one built on KeyBridge's `RelyingParty`. Verdicts are values, not errors: a
/// rejection carries the verifier's own stable code.
public protocol CTAPReplayVerifier: Sendable {
    /// A short name for summaries, for example `keybridge`.
    var name: String { get }

    /// Verifies a replayed registration, as a relying party that sent the step's request would.
    ///
    /// - Parameters:
    ///   - registration: The registration libfido2 produced from the recorded frames.
    ///   - context: The step's verification time, trust anchors and UV requirement.
    /// - Returns: The verdict.
    func verifyRegistration(_ registration: RegistrationResult, context: CTAPReplayContext) -> CTAPReplayVerdict

    /// Verifies a replayed assertion against a credential an earlier step of the same recording registered.
    ///
    /// - Parameters:
    ///   - assertion: The assertion libfido2 produced from the recorded frames.
    ///   - credential: The registered credential and its last signature counter.
    ///   - context: The step's verification time, trust anchors and UV requirement.
    /// - Returns: The verdict.
    func verifyAuthentication(
        _ assertion: AssertionResult, credential: CTAPReplayCredential, context: CTAPReplayContext
    ) -> CTAPReplayVerdict
}

/// What a ``CTAPReplayVerifier`` decided.
public enum CTAPReplayVerdict: Sendable, Hashable {
    /// The response verified.
    case accepted
    /// The response was rejected: the verifier's stable code (for example `signature-invalid`) and its reason.
    case rejected(code: String, reason: String)
}

/// The circumstances of a replayed step, for a ``CTAPReplayVerifier``.
public struct CTAPReplayContext: Sendable, Hashable {
    /// The step's index in the recording.
    public let stepIndex: Int
    /// When the step was recorded (Unix seconds): the time to verify certificates at.
    public let verificationTime: Int64
    /// The recording's attestation roots (PEM); when not empty, registrations must chain to one of them.
    public let attestationRoots: [String]
    /// Whether the step used a PIN, so the UV flag is required.
    public let userVerificationRequired: Bool
}

/// A credential registered by an earlier step, as a relying party would have stored it.
public struct CTAPReplayCredential: Sendable, Hashable {
    /// The credential ID.
    public let id: [UInt8]
    /// The credential public key (COSE_Key bytes) from the registration's authenticator data.
    public let publicKeyCOSE: [UInt8]
    /// The signature counter after the credential's previous step.
    public let signCount: UInt32
    /// The user handle the registration step used.
    public let userHandle: [UInt8]
    /// The index of the step that registered it.
    public let registrationStep: Int
}

/// Plays recordings back through libfido2 with no device, and checks what comes out.
///
/// Each step runs exactly as it was recorded: `FIDODevice.open` over a ``CTAPReplayTransport`` of the step's
/// frames (so `fido_dev_open`, CTAPHID framing, the CTAP2 or U2F encoding and decoding and the PIN protocol
/// all run as real libfido2 code), then `makeCredential` or `getAssertion` with the recorded request, with a
/// placeholder PIN when the step used one. Then:
/// 1. **replay**: every request matched the recording, every frame was used, the operation ended as recorded;
/// 2. **libfido2**: `fido_cred_verify` / `fido_cred_verify_self` for a registration (skipped for `none`
///    attestation, which has no signature), `fido_assert_verify` with the public key an earlier step of the
///    same recording registered for an assertion;
/// 3. **relying-party**: the plugged-in ``CTAPReplayVerifier``, when there is one;
/// 4. **sign-count**: an assertion's counter is above the credential's previous one (unless both are zero);
/// 5. **output**: the produced response JSON equals the expected one member by member, or the operation
///    failed with the expected error code.
///
/// ```swift
/// let report = await CTAPReplayer(verifier: myVerifier).replay(recording)
/// for step in report.steps where !step.passed { print(step.failure!) }
/// ```
public struct CTAPReplayer: Sendable {
    /// The relying-party verifier run on every reproduced response, if any.
    public var verifier: (any CTAPReplayVerifier)?

    /// The PIN text a replay hands libfido2 when a step used a PIN. Any value works: libfido2 only hashes and
    /// encrypts it into the clientPIN request, whose PIN-protocol values are not compared, and the key's
    /// answers come from the recording.
    public static let placeholderPIN = "keybridge-replay-placeholder"

    /// A replayer.
    ///
    /// - Parameter verifier: A relying-party verifier to run on every reproduced response; nil for libfido2's
    ///   checks only.
    public init(verifier: (any CTAPReplayVerifier)? = nil) {
        self.verifier = verifier
    }

    /// Replays every step of `recording`, in order, and reports each step's checks. Never throws: every
    /// problem is a failed check in the report.
    ///
    /// - Parameter recording: The recording.
    /// - Returns: The report.
    public func replay(_ recording: CTAPRecording) async -> CTAPReplayReport {
        var credentials: [[UInt8]: CTAPReplayCredential] = [:]
        var results: [CTAPReplayStepResult] = []
        for (index, step) in recording.steps.enumerated() {
            results.append(await replay(step, index: index, device: recording.device, credentials: &credentials))
        }
        return CTAPReplayReport(steps: results)
    }

    /// Replays `recording` `iterations` times in this process, for benchmarks ("replays per second"): each
    /// iteration is a full ``replay(_:)`` with every check.
    ///
    /// - Parameters:
    ///   - recording: The recording (parse it once, outside the timed loop).
    ///   - iterations: How many times to replay it.
    /// - Returns: The number of steps replayed (iterations × steps).
    /// - Throws: The first failure (``CTAPReplayReport/firstFailure``) of the first iteration that fails.
    public func replay(_ recording: CTAPRecording, iterations: Int) async throws(FIDOError) -> Int {
        var steps = 0
        for _ in 0..<max(0, iterations) {
            let report = await replay(recording)
            if let failure = report.firstFailure { throw failure }
            steps += report.steps.count
        }
        return steps
    }

    // MARK: - One step

    private struct Produced: Sendable {
        var registration: RegistrationResult?
        var assertion: AssertionResult?
    }

    private func replay(
        _ step: CTAPRecording.Step, index: Int, device: CTAPRecording.Device,
        credentials: inout [[UInt8]: CTAPReplayCredential]
    ) async -> CTAPReplayStepResult {
        let transport = CTAPReplayTransport(frames: step.frames)
        let outcome: Result<Produced, FIDOError>
        do {
            outcome = .success(try await Self.produce(step, over: transport))
        } catch {
            outcome = .failure(error)
        }
        var checks: [CTAPReplayCheck] = []
        // 1. replay
        if let failure = transport.failure {
            checks.append(CTAPReplayCheck(.replay, .failed(failure), frameIndex: transport.failedFrameIndex))
        } else if case .failure(let error) = outcome, !Self.isExpected(error, step.expected) {
            checks.append(CTAPReplayCheck(.replay, .failed(error), frameIndex: transport.nextFrameIndex))
        } else if transport.remainingFrameCount > 0 {
            let error = FIDOError(
                .replayIncomplete,
                "the operation ended at frame \(transport.nextFrameIndex), leaving \(transport.remainingFrameCount) "
                    + "of \(step.frames.count) recorded frames unused")
            checks.append(CTAPReplayCheck(.replay, .failed(error), frameIndex: transport.nextFrameIndex))
        } else {
            checks.append(CTAPReplayCheck(.replay, .passed))
        }
        let replayed = checks[0].outcome == .passed
        let context = CTAPReplayContext(
            stepIndex: index, verificationTime: step.time, attestationRoots: device.attestationRoots,
            userVerificationRequired: step.pin != .none)
        var credentialID: [UInt8]?
        var signCount: UInt32?
        let produced = try? outcome.get()
        if replayed, let registration = produced?.registration {
            credentialID = registration.credentialID
            signCount = registration.signCount
            checks += verify(registration, context: context)
            if case .registration(let request) = step.operation,
                !checks.contains(where: { if case .failed = $0.outcome { true } else { false } })
            {
                credentials[registration.credentialID] = CTAPReplayCredential(
                    id: registration.credentialID, publicKeyCOSE: registration.publicKeyCOSE,
                    signCount: registration.signCount, userHandle: request.userID, registrationStep: index)
            }
        } else if replayed, let assertion = produced?.assertion {
            credentialID = assertion.credentialID
            signCount = assertion.signCount
            let (assertionChecks, updated) = verify(assertion, context: context, credentials: credentials)
            checks += assertionChecks
            if let updated { credentials[updated.id] = updated }
        } else {
            let reason = replayed ? "the step ends with an error, so there is nothing to verify" : "the replay failed"
            checks.append(CTAPReplayCheck(.libfido2, .skipped(reason)))
            if let verifier {
                checks.append(CTAPReplayCheck(.relyingParty, .skipped("\(verifier.name): \(reason)")))
            }
        }
        // 5. output
        checks.append(compareOutput(step.expected, outcome, replayed: replayed))
        return CTAPReplayStepResult(
            index: index, command: step.operation.commandName, checks: checks, credentialID: credentialID,
            signCount: signCount)
    }

    /// Opens a device over `transport` and runs the step's operation on it.
    private static func produce(_ step: CTAPRecording.Step, over transport: CTAPReplayTransport) async throws(FIDOError)
        -> Produced
    {
        let device = try await FIDODevice.open(transport: transport)
        let produced: Result<Produced, FIDOError>
        do {
            switch step.operation {
            case .registration(let request):
                let result = try await run(step.pin) { (pin) async throws(FIDOError) in
                    try await device.makeCredential(request, pin: pin)
                }
                produced = .success(Produced(registration: result))
            case .authentication(let request):
                let results = try await run(step.pin) { (pin) async throws(FIDOError) in
                    try await device.getAssertion(request, pin: pin)
                }
                produced = .success(Produced(assertion: results.first))
            }
        } catch {
            produced = .failure(error)
        }
        await device.close()
        return try produced.get()
    }

    /// Runs `body` the way the recorded command supplied the PIN, with the placeholder for the PIN.
    private static func run<T: Sendable>(
        _ pinUse: CTAPRecording.PINUse, _ body: (DevicePIN?) async throws(FIDOError) -> T
    ) async throws(FIDOError) -> T {
        switch pinUse {
        case .none:
            return try await body(nil)
        case .given:
            return try await body(try placeholder())
        case .afterPINRequired:
            do {
                _ = try await body(nil)
            } catch where error.code == .pinRequired {
                return try await body(try placeholder())
            }
            throw FIDOError(
                .replayOutputMismatch, "the recording says the key asked for the PIN, but the replay needed none")
        }
    }

    private static func placeholder() throws(FIDOError) -> DevicePIN {
        try DevicePIN(utf8: Array(placeholderPIN.utf8))
    }

    private static func isExpected(_ error: FIDOError, _ expected: CTAPRecording.Expected) -> Bool {
        if case .error(let code) = expected { return error.code == code }
        return false
    }

    // MARK: - Checks

    private func verify(_ registration: RegistrationResult, context: CTAPReplayContext) -> [CTAPReplayCheck] {
        var checks: [CTAPReplayCheck] = []
        if registration.format == "none" {
            checks.append(CTAPReplayCheck(.libfido2, .skipped("libfido2 cannot verify \"none\" attestation")))
        } else {
            do {
                try LibFIDO2Verification.verify(registration)
                checks.append(CTAPReplayCheck(.libfido2, .passed))
            } catch {
                checks.append(CTAPReplayCheck(.libfido2, .failed(error)))
            }
        }
        if let verifier {
            checks.append(
                Self.check(verifier, verifier.verifyRegistration(registration, context: context)))
        }
        return checks
    }

    private func verify(
        _ assertion: AssertionResult, context: CTAPReplayContext, credentials: [[UInt8]: CTAPReplayCredential]
    ) -> (checks: [CTAPReplayCheck], updated: CTAPReplayCredential?) {
        guard let credential = credentials[assertion.credentialID] else {
            let error = FIDOError(
                .replayUnknownCredential,
                "credential \(Base64URLText.encode(assertion.credentialID)) was not registered (and verified) by an "
                    + "earlier step of this recording, so the assertion cannot be verified")
            return ([CTAPReplayCheck(.libfido2, .failed(error))], nil)
        }
        var checks: [CTAPReplayCheck] = []
        do {
            try LibFIDO2Verification.verify(assertion, credentialPublicKey: credential.publicKeyCOSE)
            checks.append(CTAPReplayCheck(.libfido2, .passed))
        } catch {
            checks.append(CTAPReplayCheck(.libfido2, .failed(error)))
        }
        if let verifier {
            checks.append(
                Self.check(verifier, verifier.verifyAuthentication(assertion, credential: credential, context: context)))
        }
        // WebAuthn L3 §7.2 step 22, checked only after the signature (STYLE §10 rule 11).
        let previous = credential.signCount
        let current = assertion.signCount
        if previous == 0 && current == 0 {
            checks.append(CTAPReplayCheck(.signCount, .skipped("the key keeps no counter (both counts are 0)")))
        } else if current > previous {
            checks.append(CTAPReplayCheck(.signCount, .passed))
        } else {
            let error = FIDOError(
                .replayCounterNotIncreasing,
                "the signature counter is \(current), not above \(previous) from steps[\(credential.registrationStep)] "
                    + "or a later step")
            checks.append(CTAPReplayCheck(.signCount, .failed(error)))
        }
        let verified = !checks.contains { if case .failed = $0.outcome { true } else { false } }
        let updated =
            verified
            ? CTAPReplayCredential(
                id: credential.id, publicKeyCOSE: credential.publicKeyCOSE, signCount: current,
                userHandle: credential.userHandle, registrationStep: credential.registrationStep)
            : nil
        return (checks, updated)
    }

    private static func check(_ verifier: any CTAPReplayVerifier, _ verdict: CTAPReplayVerdict) -> CTAPReplayCheck {
        switch verdict {
        case .accepted:
            return CTAPReplayCheck(.relyingParty, .passed)
        case .rejected(let code, let reason):
            let error = FIDOError(.replayVerificationFailed, "\(verifier.name) rejected the response: \(code): \(reason)")
            return CTAPReplayCheck(.relyingParty, .failed(error), verifierCode: code)
        }
    }

    private func compareOutput(
        _ expected: CTAPRecording.Expected, _ outcome: Result<Produced, FIDOError>, replayed: Bool
    ) -> CTAPReplayCheck {
        guard replayed else { return CTAPReplayCheck(.output, .skipped("the replay failed")) }
        switch (expected, outcome) {
        case (.error(let code), .failure(let error)):
            if error.code == code { return CTAPReplayCheck(.output, .passed) }
            return CTAPReplayCheck(
                .output, .failed(FIDOError(.replayOutputMismatch, "expected \(code), got \(error.code): \(error.reason)")))
        case (.error(let code), .success):
            return CTAPReplayCheck(
                .output, .failed(FIDOError(.replayOutputMismatch, "expected the error \(code), but the operation succeeded")))
        case (.response, .failure(let error)):
            return CTAPReplayCheck(
                .output, .failed(FIDOError(.replayOutputMismatch, "expected a response, got \(error.code)")))
        case (.response(let document), .success(let produced)):
            let bytes = produced.registration?.jsonBytes() ?? produced.assertion?.jsonBytes() ?? []
            let value: RecordingJSON
            do {
                value = try RecordingJSON.parse(bytes)
            } catch {
                return CTAPReplayCheck(
                    .output, .failed(FIDOError(.replayOutputMismatch, "the produced response is not JSON: \(error.reason)")))
            }
            if let difference = value.firstDifference(from: document.value) {
                return CTAPReplayCheck(
                    .output,
                    .failed(
                        FIDOError(
                            .replayOutputMismatch,
                            "the produced response differs from the expected one at \(difference)")))
            }
            return CTAPReplayCheck(.output, .passed)
        }
    }
}

// MARK: - Files

extension CTAPRecording {
    /// Reads a recording file, refusing to read more than the parser accepts.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``FIDOError/Code/ioFailed`` when it cannot be read, and the errors of ``init(jsonBytes:)``.
    public init(contentsOfFile path: String) throws(FIDOError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FIDOError(.ioFailed, "cannot open the recording \(path)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: RecordingJSON.maximumSize + 1) ?? Data()
        } catch {
            throw FIDOError(.ioFailed, "cannot read the recording \(path): \(error.localizedDescription)")
        }
        guard data.count <= RecordingJSON.maximumSize else {
            throw FIDOError(.recordingTooLarge, "\(path) is larger than \(RecordingJSON.maximumSize) bytes")
        }
        try self.init(jsonBytes: Array(data))
    }
}
