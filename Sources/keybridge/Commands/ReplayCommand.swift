import FIDODevices
import KeyBridgeReplay
import WebAuthn

/// `keybridge replay`: plays a recording back through libfido2, with no device, and re-verifies every step.
struct ReplayCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded CTAP exchange through libfido2 (no device) and verify every step.",
        usage: "keybridge replay FILE.json [--json]",
        discussion: """
            Every step runs through libfido2's real code over the recorded CTAPHID reports; each request libfido2
            sends must match the recording (INIT nonces and PIN-protocol values excepted, see Vectors/README.md).
            Registrations are verified by KeyBridge's relying party and by libfido2's fido_cred_verify;
            assertions, against the key an earlier step registered, by both and fido_assert_verify, with the
            signature counter increasing; the produced JSON must equal the recorded one. Exit 0 only when every
            step passes. A summary goes to stderr; --json prints the report on stdout.
            """,
        options: [.flag("json", help: "Print the report as JSON on stdout.")])

    let path: String
    let json: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        guard let path = arguments.positionals.first else { throw ValidationError("missing FILE.json") }
        guard arguments.positionals.count == 1 else {
            throw ValidationError("unexpected argument '\(arguments.positionals[1])'")
        }
        self.path = path
        json = arguments.flag("json")
    }

    func run() async throws -> ExitCode {
        let recording: CTAPRecording
        do {
            recording = try CTAPRecording(contentsOfFile: path)
        } catch {
            Output.standardError("error: \(path): \(error.code.rawValue): \(error.reason)\n")
            if json { printRejection(error) }
            return .failure
        }
        guard !recording.steps.isEmpty else {
            let error = FIDOError(.recordingInvalid, "the recording has no steps")
            Output.standardError("error: \(path): \(error.code.rawValue): \(error.reason)\n")
            if json { printRejection(error) }
            return .failure
        }
        Output.standardError(
            "Replaying \(path): \(recording.device.description), \(recording.steps.count) "
                + "step\(recording.steps.count == 1 ? "" : "s") through libfido2, no device.\n")
        let report = await CTAPReplayer(verifier: WebAuthnReplayVerifier()).replay(recording)
        Output.standardError(Self.summary(of: report))
        if json { Output.standardOutput(String(decoding: report.jsonBytes(file: path), as: UTF8.self) + "\n") }
        return report.passed ? .success : .failure
    }

    private func printRejection(_ error: FIDOError) {
        let body = JSONValue.object(JSONObject([
            ("file", .string(path)), ("passed", .bool(false)),
            ("error", .object(JSONObject([("code", .string(error.code.rawValue)), ("reason", .string(error.reason))]))),
        ]))
        Output.standardOutput(JSONWriter.string(body) + "\n")
    }

    /// One line per step (its checks, or each failed check on its own line), then the verdict.
    static func summary(of report: CTAPReplayReport) -> String {
        var lines: [String] = []
        for step in report.steps {
            var facts: [String] = []
            if let id = step.credentialID { facts.append("credential \(Base64URL.encode(id))") }
            if let count = step.signCount { facts.append("signCount \(count)") }
            let detail = facts.isEmpty ? "" : ", " + facts.joined(separator: ", ")
            if step.passed {
                let ran = step.checks.map { check in
                    if case .skipped = check.outcome { return "\(check.name.rawValue) skipped" }
                    return check.name.rawValue
                }
                lines.append("steps[\(step.index)] \(step.command): passed (\(ran.joined(separator: ", ")))\(detail)")
            } else {
                lines.append("steps[\(step.index)] \(step.command): FAILED\(detail)")
                for check in step.checks {
                    guard case .failed(let error) = check.outcome else { continue }
                    var code = error.code.rawValue
                    if let verifierCode = check.verifierCode { code += " (\(verifierCode))" }
                    let frame = check.frameIndex.map { " [frame \($0)]" } ?? ""
                    lines.append("    \(check.name.rawValue): \(code)\(frame): \(error.reason)")
                }
            }
        }
        let passedCount = report.steps.filter(\.passed).count
        lines.append(
            report.passed
                ? "Replay passed: all \(report.steps.count) steps replayed and verified."
                : "Replay FAILED: \(report.steps.count - passedCount) of \(report.steps.count) steps failed.")
        return lines.joined(separator: "\n") + "\n"
    }
}
