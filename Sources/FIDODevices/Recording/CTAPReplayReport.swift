/// What replaying a recording found, step by step (``CTAPReplayer/replay(_:)``).
public struct CTAPReplayReport: Sendable, Hashable {
    /// One result per step of the recording, in order.
    public let steps: [CTAPReplayStepResult]

    /// Whether every step replayed and every check passed (skipped checks do not fail a step).
    public var passed: Bool { steps.allSatisfy(\.passed) }

    /// The first failed check of the first failed step, as an error: the check's own ``FIDOError``, its
    /// reason prefixed with the step; nil when the replay passed.
    public var firstFailure: FIDOError? {
        for step in steps {
            guard let check = step.failure, case .failed(let error) = check.outcome else { continue }
            return FIDOError(
                error.code, "steps[\(step.index)] \(step.command), \(check.name.rawValue) check: \(error.reason)",
                libfido2Result: error.libfido2Result, file: error.file, line: error.line)
        }
        return nil
    }

    /// The report as JSON (what `keybridge replay --json` prints):
    /// `{"passed": BOOL, "steps": [{"step": N, "command": …, "passed": BOOL, "credentialId": …, "signCount": …,
    /// "checks": [{"check": NAME, "result": "passed"|"failed"|"skipped", "code": …, "verifierCode": …,
    /// "reason": …, "frame": N}]}]}`. `credentialId`, `signCount`, `code`, `verifierCode`, `reason` and
    /// `frame` appear only when known.
    ///
    /// - Parameter file: The recording's path, added as `"file"` when given.
    /// - Returns: UTF-8 JSON on one line.
    public func jsonBytes(file: String? = nil) -> [UInt8] {
        var members: [(name: String, value: RecordingJSON)] = []
        if let file { members.append(("file", .string(file))) }
        members.append(("passed", .bool(passed)))
        members.append(("steps", .array(steps.map(\.jsonValue))))
        return RecordingJSON.object(members).compactBytes()
    }
}

/// The result of one replayed step.
public struct CTAPReplayStepResult: Sendable, Hashable {
    /// The step's index in the recording (`steps[index]`).
    public let index: Int
    /// `register` or `authenticate`.
    public let command: String
    /// The checks, in the order they ran: replay, libfido2, relying-party, sign-count, output.
    public let checks: [CTAPReplayCheck]
    /// The credential the step registered or asserted with, when it produced one.
    public let credentialID: [UInt8]?
    /// The signature counter in the produced authenticator data, when it produced one.
    public let signCount: UInt32?

    /// Whether no check failed.
    public var passed: Bool { failure == nil }

    /// The first failed check, if any.
    public var failure: CTAPReplayCheck? {
        checks.first { if case .failed = $0.outcome { true } else { false } }
    }

    var jsonValue: RecordingJSON {
        var members: [(name: String, value: RecordingJSON)] = [
            ("step", .integer(index)), ("command", .string(command)), ("passed", .bool(passed)),
        ]
        if let credentialID { members.append(("credentialId", .string(Base64URLText.encode(credentialID)))) }
        if let signCount { members.append(("signCount", .integer(signCount))) }
        members.append(("checks", .array(checks.map(\.jsonValue))))
        return .object(members)
    }
}

/// One check of a replayed step.
public struct CTAPReplayCheck: Sendable, Hashable {
    /// The checks a step goes through.
    public enum Name: String, Sendable, Hashable, CaseIterable {
        /// libfido2 ran the operation against the recorded frames: every request matched (see
        /// ``CTAPReplayTransport``), every frame was used, and the operation ended as recorded.
        case replay
        /// libfido2's own verification: `fido_cred_verify` (or `fido_cred_verify_self`) for a registration,
        /// `fido_assert_verify` with the registered public key for an assertion.
        case libfido2
        /// The plugged-in relying-party verifier (``CTAPReplayVerifier``), for example KeyBridge's WebAuthn
        /// verifier in `keybridge replay`.
        case relyingParty = "relying-party"
        /// The signature counter increased over the credential's previous step (WebAuthn L3 §7.2 step 22;
        /// both zero counts as a key without a counter).
        case signCount = "sign-count"
        /// The produced response JSON (or error code) equals the recorded expectation.
        case output
    }

    /// How a check ended.
    public enum Outcome: Sendable, Hashable {
        /// It passed.
        case passed
        /// It did not apply; the text says why (for example libfido2 cannot verify `none` attestation).
        case skipped(String)
        /// It failed.
        case failed(FIDOError)
    }

    /// Which check.
    public let name: Name
    /// How it ended.
    public let outcome: Outcome
    /// For a rejection by the relying-party verifier, the verifier's own stable code (for example
    /// `signature-invalid`); the ``FIDOError`` code is then ``FIDOError/Code/replayVerificationFailed``.
    public let verifierCode: String?
    /// For a replay failure, the index of the frame where it happened.
    public let frameIndex: Int?

    init(_ name: Name, _ outcome: Outcome, verifierCode: String? = nil, frameIndex: Int? = nil) {
        self.name = name
        self.outcome = outcome
        self.verifierCode = verifierCode
        self.frameIndex = frameIndex
    }

    /// The error of a failed check, else nil.
    public var error: FIDOError? {
        if case .failed(let error) = outcome { return error }
        return nil
    }

    var jsonValue: RecordingJSON {
        var members: [(name: String, value: RecordingJSON)] = [("check", .string(name.rawValue))]
        switch outcome {
        case .passed:
            members.append(("result", .string("passed")))
        case .skipped(let reason):
            members.append(("result", .string("skipped")))
            members.append(("reason", .string(reason)))
        case .failed(let error):
            members.append(("result", .string("failed")))
            members.append(("code", .string(error.code.rawValue)))
            if let verifierCode { members.append(("verifierCode", .string(verifierCode))) }
            members.append(("reason", .string(error.reason)))
        }
        if let frameIndex { members.append(("frame", .integer(frameIndex))) }
        return .object(members)
    }
}
