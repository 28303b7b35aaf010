import FIDODevices
import KeyBridgeReplay
import Foundation
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

/// `keybridge record`: runs `register` or `authenticate` over a recording transport and appends the exchange,
/// at the CTAPHID report level, as a step of a replayable file.
struct RecordCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a register or authenticate exchange (CTAPHID reports) as a replayable step.",
        usage: """
            keybridge record OUT.json [--expect-error CODE] [--description TEXT] [--attestation-root PEMFILE ...]
                -- register|authenticate [that command's options]
            """,
        discussion: """
            Runs the named command exactly as it runs on its own (same options, same key selection: the single
            plugged-in key, --device PATH or --virtual STATEFILE, same stdout), with every report to and from the
            key logged. The step (inputs, frames, expected output) is appended to OUT.json, which is created when
            it does not exist. Before anything is written the whole file is replayed and verified
            (`keybridge replay`); a file that would not replay is left unchanged. The PIN is never recorded, nor
            anything derived from it. With --expect-error the command must fail with that code (for example
            credential-excluded), and the failure is what gets recorded.
            """,
        options: [
            .single("expect-error", "CODE", help: "Record a step that must fail with this FIDOError code."),
            .single("description", "TEXT", help: "The device description for a new file (default: what KeyBridge knows)."),
            .repeated(
                "attestation-root", "PEMFILE",
                help: "A vendor attestation root (PEM) that registrations must chain to on replay (new files)."),
        ])

    /// The command whose exchange is recorded.
    enum Inner: Sendable {
        case register(RegisterCommand)
        case authenticate(AuthenticateCommand)

        var device: DeviceOptions {
            switch self {
            case .register(let command): command.device
            case .authenticate(let command): command.device
            }
        }
    }

    let output: String
    let inner: Inner
    let expectedError: FIDOError.Code?
    let deviceDescription: String?
    let attestationRoots: [String]

    init(arguments: ParsedArguments) throws(ValidationError) {
        let words = arguments.positionals
        guard let output = words.first, !output.isEmpty else {
            throw ValidationError("missing OUT.json (usage: keybridge record OUT.json -- register|authenticate ...)")
        }
        guard words.count >= 2 else {
            throw ValidationError("missing the command to record, after '--': register or authenticate")
        }
        self.output = output
        let innerWords = Array(words.dropFirst(2))
        switch words[1] {
        case RegisterCommand.configuration.commandName:
            var command = try RegisterCommand(
                arguments: try ArgumentReader.parse(innerWords, specs: RegisterCommand.configuration.options))
            try command.validate()
            inner = .register(command)
        case AuthenticateCommand.configuration.commandName:
            var command = try AuthenticateCommand(
                arguments: try ArgumentReader.parse(innerWords, specs: AuthenticateCommand.configuration.options))
            try command.validate()
            inner = .authenticate(command)
        default:
            throw ValidationError(
                "'\(words[1])' cannot be recorded: give '-- register ...' or '-- authenticate ...' after OUT.json")
        }
        if let text = arguments.value("expect-error") {
            guard let code = FIDOError.Code.allCodes.first(where: { $0.rawValue == text }) else {
                throw ValidationError("--expect-error '\(text)' is not a FIDOError code (for example credential-excluded)")
            }
            expectedError = code
        } else {
            expectedError = nil
        }
        deviceDescription = arguments.value("description")
        var roots: [String] = []
        for path in arguments.all("attestation-root") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read --attestation-root \(path)")
            }
            let pem = String(decoding: data, as: UTF8.self)
            do {
                _ = try TrustAnchorStore(pem: pem)
            } catch {
                throw ValidationError("--attestation-root \(path): \(error.reason)")
            }
            roots.append(pem)
        }
        attestationRoots = roots
    }

    func run() async throws -> ExitCode {
        let command = self
        return try await Interruptible.run { try await command.record() }
    }

    /// What the recorded command produced.
    private enum Produced: Sendable {
        case registration(RegistrationResult)
        case authentication([AssertionResult])

        var responseJSON: [UInt8] {
            switch self {
            case .registration(let result): result.jsonBytes()
            case .authentication(let results): results.first?.jsonBytes() ?? []
            }
        }
    }

    private func record() async throws -> ExitCode {
        // The existing file is read first, so that a file that cannot take the step fails before the key is touched.
        let existing: CTAPRecording? =
            FileManager.default.fileExists(atPath: output) ? try CTAPRecording(contentsOfFile: output) : nil
        let options = inner.device
        let chosen = try await options.chooseTransport()
        let recorder = CTAPRecordingTransport(wrapping: chosen.transport)
        let time = Int64(Date().timeIntervalSince1970)
        let key = try await FIDODevice.open(transport: recorder, configuration: options.deviceConfiguration)
        let pinLog = PINUseLog()
        let outcome: Result<Produced, FIDOError>
        do {
            switch inner {
            case .register(let command):
                outcome = .success(.registration(try await command.perform(on: key, pinLog: pinLog)))
            case .authenticate(let command):
                outcome = .success(.authentication(try await command.perform(on: key, pinLog: pinLog)))
            }
        } catch {
            outcome = .failure(error)
        }
        await key.close()
        try Task.checkCancellation()

        let expected: CTAPRecording.Expected
        switch (outcome, expectedError) {
        case (.success(let produced), nil):
            guard !produced.responseJSON.isEmpty else { throw CommandFailure("the key returned no assertion") }
            expected = .response(try CTAPRecording.ResponseDocument(jsonBytes: produced.responseJSON))
        case (.success, let code?):
            throw CommandFailure("expected the key to fail with \(code), but the operation succeeded; nothing was recorded")
        case (.failure(let error), nil):
            throw error
        case (.failure(let error), let code?):
            guard error.code == code else {
                throw CommandFailure("expected \(code), but the operation failed with \(error); nothing was recorded")
            }
            Output.standardError("The key answered \(code), as expected.\n")
            expected = .error(code)
        }

        let operation: CTAPRecording.Operation
        switch inner {
        case .register(let command): operation = .registration(command.request)
        case .authenticate(let command): operation = .authentication(command.request)
        }
        let frames = try recorder.recordedFrames()
        let step = CTAPRecording.Step(
            operation: operation, pin: pinLog.value, time: time, frames: frames, expected: expected)
        var recording = try deviceRecording(chosen, frames: frames, existing: existing)
        recording.steps.append(step)

        // The whole file must replay and verify before it is written.
        let report = await CTAPReplayer(verifier: WebAuthnReplayVerifier()).replay(recording)
        guard report.passed else {
            Output.standardError(ReplayCommand.summary(of: report))
            throw CommandFailure("the recorded exchange does not replay and verify; \(output) was not changed")
        }
        do {
            try Data(recording.jsonBytes()).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(output): \(error.localizedDescription)")
        }
        if case .success(let produced) = outcome {
            switch (produced, inner) {
            case (.registration(let result), .register(let command)): command.report(result)
            case (.authentication(let results), .authenticate(let command)): try command.report(results)
            default: break
            }
        }
        Output.standardError(
            "Recorded steps[\(recording.steps.count - 1)] (\(operation.commandName), \(frames.count) frames) in "
                + "\(output); the file replays and verifies (keybridge replay \(output)).\n")
        return .success
    }

    /// The recording to append to: `existing` when it describes the same device, else a new one.
    private func deviceRecording(
        _ chosen: ChosenTransport, frames: [CTAPRecording.Frame], existing: CTAPRecording?
    ) throws -> CTAPRecording {
        let info = CTAPRecording.authenticatorInfo(in: frames)
        var device: CTAPRecording.Device
        switch chosen.source {
        case .virtual(let authenticator, let configuration):
            var protocols: [String] = []
            if configuration.protocols.contains(.ctap2) { protocols.append("ctap2") }
            if configuration.protocols.contains(.u2f) { protocols.append("u2f") }
            let attestation: String
            switch configuration.attestation {
            case .packedFull: attestation = "packed"
            case .packedSelf: attestation = "self"
            case .none: attestation = "none"
            }
            // Registrations carry a certificate chaining to the authenticator's root for packed full
            // attestation and for a U2F-only authenticator (fido-u2f); a replay then requires that chain.
            let chained = configuration.attestation == .packedFull || !configuration.protocols.contains(.ctap2)
            let format = configuration.protocols.contains(.ctap2) ? "\(attestation) attestation" : "fido-u2f attestation"
            device = CTAPRecording.Device(
                kind: .virtual,
                description: "KeyBridge software authenticator (\(protocols.joined(separator: "+")), \(format))",
                aaguid: info.aaguid, versions: info.versions,
                virtualSettings: CTAPRecording.Device.VirtualSettings(protocols: protocols, attestation: attestation),
                attestationRoots: chained ? [authenticator.exportRootPEM()] : [])
        case .hardware(let descriptor):
            let usb = CTAPRecording.Device.USBIdentity(
                vendorID: descriptor?.vendorID ?? 0, productID: descriptor?.productID ?? 0,
                manufacturer: descriptor?.manufacturer ?? "unknown", product: descriptor?.product ?? "unknown")
            let roots = attestationRoots.isEmpty ? (existing?.device.attestationRoots ?? []) : attestationRoots
            device = CTAPRecording.Device(
                kind: .hardware, description: "\(usb.manufacturer) \(usb.product)", aaguid: info.aaguid,
                versions: info.versions, usb: usb, attestationRoots: roots)
        }
        if let deviceDescription { device.description = deviceDescription }
        guard let existing else { return CTAPRecording(device: device) }
        guard existing.device.isSameDevice(as: device) else {
            throw CommandFailure(
                "\(output) was recorded with another device (\(existing.device.description)); record into a new file")
        }
        return existing
    }
}
