import CBOR
import FIDODevices
import Foundation
import KeyBridgeReplay
import OpenSSLWrapper
import Testing
import VirtualAuthenticator

/// Recorded CTAP exchanges (issue 3 point 4): the shipped vectors replay through libfido2 and verify, the
/// replay notices every kind of tampering, and a recording made here replays.
@Suite struct CTAPReplayTests {
    /// The relying-party verifier `keybridge replay` uses (KeyBridgeReplay), under test here too.
    static let verifier = WebAuthnReplayVerifier()

    // MARK: - The shipped vectors

    @Test("Every file in Vectors/ctap replays through libfido2 and passes every check", arguments: RecordedVectors.fileNames)
    func shippedVectorReplays(_ name: String) async throws {
        let recording = try RecordedVectors.recording(name)
        #expect(!recording.steps.isEmpty)
        let report = await CTAPReplayer(verifier: Self.verifier).replay(recording)
        #expect(report.passed, "\(report.steps.compactMap(\.failure))")
        #expect(report.firstFailure == nil)
        for step in report.steps {
            #expect(step.checks.first?.name == .replay && step.checks.first?.outcome == .passed)
            if case .response = recording.steps[step.index].expected {
                // A produced response is verified by both libfido2 and the relying party.
                #expect(step.checks.contains { $0.name == .libfido2 && $0.outcome == .passed })
                #expect(step.checks.contains { $0.name == .relyingParty && $0.outcome == .passed })
            }
        }
    }

    @Test("Vectors/ctap holds every required configuration")
    func shippedVectorsCoverTheConfigurations() throws {
        let recordings = try RecordedVectors.fileNames.map(RecordedVectors.recording)
        let registrations = recordings.flatMap { recording in
            recording.steps.compactMap { step -> (CTAPRecording.Device, CTAPRecording.Step, RegistrationRequest)? in
                if case .registration(let request) = step.operation { return (recording.device, step, request) }
                return nil
            }
        }
        func format(_ step: CTAPRecording.Step) throws -> String? {
            guard case .response = step.expected else { return nil }
            let response = try RecordedVectors.expectedResponse(step)
            let inner = try #require(response["response"] as? [String: Any])
            let object = try RecordedVectors.base64URL(try #require(inner["attestationObject"] as? String))
            return try CBORDecoder().decode(object).mapValue?[text: "fmt"]?.textValue
        }
        var formats: [(algorithm: CredentialAlgorithm, format: String?)] = []
        for registration in registrations { formats.append((registration.2.algorithm, try format(registration.1))) }
        #expect(formats.contains { $0.algorithm == .es256 && $0.format == "packed" })
        #expect(formats.contains { $0.algorithm == .eddsa && $0.format == "packed" })
        #expect(formats.contains { $0.format == "fido-u2f" })
        #expect(registrations.contains { $0.2.residentKey && $0.1.pin != .none })
        #expect(registrations.contains { $0.1.expected == .error(.credentialExcluded) && !$0.2.excludeCredentials.isEmpty })
        #expect(
            recordings.contains { recording in
                recording.steps.filter { if case .authentication = $0.operation { true } else { false } }.count >= 3
            })
    }

    @Test("A vector file reads back to the same recording and is written back byte for byte", arguments: RecordedVectors.fileNames)
    func shippedVectorRoundTrips(_ name: String) throws {
        let bytes = try RecordedVectors.bytes(name)
        let recording = try CTAPRecording(jsonBytes: bytes)
        #expect(recording.jsonBytes() == bytes)
        #expect(try CTAPRecording(jsonBytes: recording.jsonBytes()) == recording)
    }

    @Test("The benchmark entry replays a recording N times in process and counts the steps")
    func repeatedReplay() async throws {
        let recording = try RecordedVectors.recording("counter.json")
        let steps = try await CTAPReplayer().replay(recording, iterations: 3)
        #expect(steps == 3 * recording.steps.count)
    }

    // MARK: - Tampering

    @Test("A flipped byte in the assertion signature of a reply fails libfido2's and the relying party's signature check")
    func tamperedReplySignature() async throws {
        var recording = try RecordedVectors.recording("es256-packed.json")
        let index = try #require(recording.steps.firstIndex { if case .authentication = $0.operation { true } else { false } })
        let step = recording.steps[index]
        let response = try #require(try RecordedVectors.expectedResponse(step)["response"] as? [String: Any])
        let signature = try RecordedVectors.base64URL(try #require(response["signature"] as? String))
        let positions = RecordedVectors.lastMessagePositions(step.frames, direction: .reply)
        let payload = positions.map { step.frames[$0.frame].bytes[$0.offset] }
        let start = try #require(
            (0...(payload.count - signature.count)).first { Array(payload[$0..<($0 + signature.count)]) == signature })
        // The last byte of the DER signature's s value: the DER stays well formed, the signature does not verify.
        recording.steps[index].frames = RecordedVectors.flip(step.frames, at: positions[start + signature.count - 1])

        let report = await CTAPReplayer(verifier: Self.verifier).replay(recording)
        let result = report.steps[index]
        #expect(!report.passed)
        #expect(result.checks.first { $0.name == .replay }?.outcome == .passed)
        #expect(result.checks.first { $0.name == .libfido2 }?.error?.code == .signatureInvalid)
        let relyingParty = try #require(result.checks.first { $0.name == .relyingParty })
        #expect(relyingParty.error?.code == .replayVerificationFailed)
        #expect(relyingParty.verifierCode == "signature-invalid")
        #expect(report.firstFailure?.code == .signatureInvalid)
        #expect(report.steps[0].passed)
    }

    @Test("A changed byte in a recorded request fails the replay with the frame's index")
    func tamperedRequest() async throws {
        var recording = try RecordedVectors.recording("es256-packed.json")
        let frames = recording.steps[0].frames
        // The makeCredential request: CTAPHID_CBOR (0x90) whose CTAP command byte is 0x01.
        let index = try #require(
            frames.firstIndex { $0.direction == .request && $0.bytes[5] == 0x90 && $0.bytes[8] == 0x01 })
        recording.steps[0].frames = RecordedVectors.flip(frames, at: (index, 14))

        let report = await CTAPReplayer().replay(recording)
        let replay = try #require(report.steps[0].checks.first)
        #expect(replay.name == .replay)
        #expect(replay.error?.code == .replayRequestMismatch)
        #expect(replay.frameIndex == index)
        #expect(replay.error?.reason.hasPrefix("frame \(index):") == true)
        #expect(report.firstFailure?.code == .replayRequestMismatch)
    }

    @Test("The CTAPHID_INIT nonce of a recorded request is not compared, the rest of the INIT request is")
    func initNonceIsNotCompared() async throws {
        let original = try RecordedVectors.recording("es256-packed.json")
        var changedNonce = original
        let frames = original.steps[0].frames
        #expect(frames[0].bytes[5] == 0x86)
        changedNonce.steps[0].frames = RecordedVectors.flip(frames, at: (0, 10), mask: 0xFF)
        #expect(await CTAPReplayer().replay(changedNonce).passed)

        var changedLength = original
        changedLength.steps[0].frames = RecordedVectors.flip(frames, at: (0, 7))
        let report = await CTAPReplayer().replay(changedLength)
        #expect(report.steps[0].checks.first?.frameIndex == 0)
        #expect(report.firstFailure?.code == .replayRequestMismatch)
    }

    @Test("The PIN-protocol values of a clientPIN request are not compared, its other parameters are")
    func pinRequestComparison() async throws {
        let original = try RecordedVectors.recording("resident-key-pin.json")
        let frames = original.steps[0].frames
        // The PIN token request (clientPIN subcommand 5 or 9): its first packet starts 06 a6 01 ...
        let index = try #require(
            frames.firstIndex {
                $0.direction == .request && $0.bytes[5] == 0x90 && $0.bytes[8] == 0x06 && $0.bytes[9] > 0xA2
            })
        // The platform key agreement's x coordinate sits in the first packet, after its labels: a value the
        // replay only compares by shape.
        var changedKey = original
        changedKey.steps[0].frames = RecordedVectors.flip(frames, at: (index, 40), mask: 0x5A)
        #expect(await CTAPReplayer(verifier: Self.verifier).replay(changedKey).passed)

        // The pinUvAuthProtocol parameter (label 1; its value is report byte 11) is compared.
        var changedProtocol = original
        changedProtocol.steps[0].frames = RecordedVectors.flip(frames, at: (index, 11), mask: 0x03)
        let report = await CTAPReplayer().replay(changedProtocol)
        #expect(report.steps[0].checks.first?.error?.code == .replayRequestMismatch)
        #expect(report.steps[0].checks.first?.frameIndex == index)
    }

    @Test("An expected response that differs from the reproduced one fails the output check and names the member")
    func wrongExpectedOutput() async throws {
        let bytes = try RecordedVectors.bytes("es256-packed.json")
        let recording = try CTAPRecording(jsonBytes: bytes)
        let response = try #require(try RecordedVectors.expectedResponse(recording.steps[1])["response"] as? [String: Any])
        let signature = try #require(response["signature"] as? String)
        let altered = signature.first == "A" ? "B" + signature.dropFirst() : "A" + signature.dropFirst()
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"\(signature)\"", with: "\"\(altered)\"")
        let tampered = try CTAPRecording(jsonBytes: Array(text.utf8))

        let report = await CTAPReplayer(verifier: Self.verifier).replay(tampered)
        let step = report.steps[1]
        let output = try #require(step.checks.last)
        #expect(output.name == .output)
        #expect(output.error?.code == .replayOutputMismatch)
        #expect(output.error?.reason.contains("response.signature") == true)
        #expect(step.checks.dropLast().allSatisfy { $0.error == nil })
    }

    @Test("An expected error that does not happen fails the output check")
    func wrongExpectedError() async throws {
        var recording = try RecordedVectors.recording("exclude-list.json")
        let index = try #require(recording.steps.firstIndex { $0.expected == .error(.credentialExcluded) })
        recording.steps[index].expected = .error(.pinRequired)
        let report = await CTAPReplayer().replay(recording)
        #expect(report.steps[index].failure?.name == .replay)
        #expect(report.steps[index].failure?.error?.code == .credentialExcluded)
        #expect(report.steps[index].checks.last?.outcome == .skipped("the replay failed"))
    }

    @Test("Assertions whose counter does not increase fail the sign-count check and the relying party's")
    func counterMustIncrease() async throws {
        var recording = try RecordedVectors.recording("counter.json")
        recording.steps.swapAt(1, 2)
        let report = await CTAPReplayer(verifier: Self.verifier).replay(recording)
        #expect(report.steps[1].passed)
        let regressed = report.steps[2]
        #expect(regressed.checks.first { $0.name == .signCount }?.error?.code == .replayCounterNotIncreasing)
        #expect(regressed.checks.first { $0.name == .relyingParty }?.verifierCode == "counter-regression")
        #expect(regressed.checks.first { $0.name == .libfido2 }?.outcome == .passed)
    }

    @Test("An assertion for a credential no earlier step registered cannot be verified")
    func unknownCredential() async throws {
        var recording = try RecordedVectors.recording("counter.json")
        recording.steps.removeFirst()
        let report = await CTAPReplayer().replay(recording)
        #expect(report.steps[0].failure?.error?.code == .replayUnknownCredential)
    }

    @Test("Recorded frames left over after the operation fail the replay as incomplete")
    func leftoverFrames() async throws {
        var recording = try RecordedVectors.recording("es256-packed.json")
        let last = try #require(recording.steps[0].frames.last)
        recording.steps[0].frames.append(last)
        let report = await CTAPReplayer().replay(recording)
        let replay = try #require(report.steps[0].checks.first)
        #expect(replay.error?.code == .replayIncomplete)
        #expect(replay.frameIndex == recording.steps[0].frames.count - 1)
    }

    @Test("A recording cut short fails the replay where libfido2 waits past its end")
    func truncatedFrames() async throws {
        var recording = try RecordedVectors.recording("es256-packed.json")
        recording.steps[0].frames.removeLast()
        let report = await CTAPReplayer().replay(recording)
        #expect(report.steps[0].checks.first?.error?.code == .replayRequestMismatch)
        #expect(report.steps[0].checks.first?.frameIndex == recording.steps[0].frames.count)
    }

    // MARK: - Reading untrusted files

    static let malformed: [(String, [UInt8], FIDOError.Code)] = [
        ("empty input", [], .recordingInvalid),
        ("garbage bytes", [0x01, 0x02, 0xFE, 0x7B], .recordingInvalid),
        ("a JSON array", Array("[]".utf8), .recordingInvalid),
        ("truncated JSON", Array(#"{"format": "keybridge-ctap-recording/1", "device": {"#.utf8), .recordingInvalid),
        ("trailing content", Array(#"{} {}"#.utf8), .recordingInvalid),
        ("a duplicate member", Array(#"{"format": "a", "format": "b"}"#.utf8), .recordingInvalid),
        (
            "another format", Array(#"{"format": "keybridge-ctap-recording/2", "device": {}, "steps": []}"#.utf8),
            .recordingUnsupportedFormat
        ),
        ("deep nesting", Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8), .recordingInvalid),
        ("a lone surrogate", Array(#"{"format": "\udc00"}"#.utf8), .recordingInvalid),
        ("invalid UTF-8", Array(#"{"format": ""#.utf8) + [0xFF] + Array(#""}"#.utf8), .recordingInvalid),
        ("an overlong UTF-8 form", Array(#"{"format": ""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), .recordingInvalid),
        ("a raw control character", Array("{\"format\": \"a\u{01}\"}".utf8), .recordingInvalid),
    ]

    @Test("Malformed recording files fail with typed errors", arguments: 0..<malformed.count)
    func malformedFiles(_ index: Int) {
        let (_, bytes, code) = Self.malformed[index]
        #expect(throws: FIDOError(code, "")) { try CTAPRecording(jsonBytes: bytes) }
    }

    @Test("Every truncation of a vector file fails with a typed error and never traps")
    func truncatedFiles() throws {
        let bytes = try RecordedVectors.bytes("u2f.json")
        for length in stride(from: 0, to: bytes.count - 1, by: 97) {
            #expect(throws: FIDOError(.recordingInvalid, "")) { try CTAPRecording(jsonBytes: Array(bytes[..<length])) }
        }
    }

    @Test("A file larger than the reader's limit fails as too large")
    func oversizedFile() {
        let bytes = [UInt8](repeating: 0x20, count: (8 << 20) + 1)
        #expect(throws: FIDOError(.recordingTooLarge, "")) { try CTAPRecording(jsonBytes: bytes) }
    }

    static let edits: [(String, String, String)] = [
        ("a short out report", #"{"dir": "out", "hex": "00"#, #"{"dir": "out", "hex": ""#),
        ("an unknown direction", #"{"dir": "in", "#, #"{"dir": "sideways", "#),
        ("uppercase hex", #"{"dir": "in", "hex": "ff"#, #"{"dir": "in", "hex": "FF"#),
        ("an unknown member", #""residentKey": false,"#, #""residentKey": false, "extra": 1,"#),
        ("a wrong type", #""residentKey": false,"#, #""residentKey": "no","#),
        ("an unknown algorithm", #""algorithm": -7,"#, #""algorithm": -9,"#),
        ("padded base64url", #""userId": "YWxpY2U""#, #""userId": "YWxpY2U=""#),
        ("a client data of other inputs", #""origin": "https://example.com","#, #""origin": "https://example.org","#),
        ("an unknown PIN use", #""pin": "none","#, #""pin": "sometimes","#),
        ("a device of both kinds", #""kind": "virtual""#, #""kind": "hardware""#),
    ]

    @Test("Invalid members of a vector file fail with recording-invalid", arguments: 0..<edits.count)
    func invalidMembers(_ index: Int) throws {
        let (_, find, replacement) = Self.edits[index]
        let text = String(decoding: try RecordedVectors.bytes("es256-packed.json"), as: UTF8.self)
        let range = try #require(text.range(of: find))
        let edited = text.replacingCharacters(in: range, with: replacement)
        #expect(throws: FIDOError(.recordingInvalid, "")) { try CTAPRecording(jsonBytes: Array(edited.utf8)) }
    }

    // MARK: - Recording

    /// Records one operation on `authenticator` through libfido2.
    static func record<T: Sendable>(
        _ authenticator: VirtualAuthenticator, _ body: (FIDODevice) async throws -> T
    ) async throws -> (result: T, frames: [CTAPRecording.Frame]) {
        let recorder = CTAPRecordingTransport(wrapping: authenticator)
        let device = try await FIDODevice.open(transport: recorder)
        let result = try await body(device)
        await device.close()
        return (result, try recorder.recordedFrames())
    }

    @Test("A registration and two assertions recorded here through the software authenticator replay and verify")
    func recordThenReplay() async throws {
        let authenticator = try VirtualAuthenticator()
        let request = VirtualKey.registration()
        let (registration, registerFrames) = try await Self.record(authenticator) { try await $0.makeCredential(request) }
        var recording = CTAPRecording(device: CTAPRecording.Device(
            kind: .virtual, description: "test",
            virtualSettings: .init(protocols: ["ctap2"], attestation: "packed"),
            attestationRoots: [authenticator.exportRootPEM()]))
        let time = Int64(Date().timeIntervalSince1970)
        recording.steps.append(CTAPRecording.Step(
            operation: .registration(request), pin: .none, time: time, frames: registerFrames,
            expected: .response(try .init(jsonBytes: registration.jsonBytes()))))
        for _ in 0..<2 {
            let assertionRequest = VirtualKey.assertion(allow: [registration.credentialID])
            let (assertions, frames) = try await Self.record(authenticator) { try await $0.getAssertion(assertionRequest) }
            recording.steps.append(CTAPRecording.Step(
                operation: .authentication(assertionRequest), pin: .none, time: time, frames: frames,
                expected: .response(try .init(jsonBytes: try #require(assertions.first).jsonBytes()))))
        }
        let info = CTAPRecording.authenticatorInfo(in: registerFrames)
        #expect(info.aaguid == authenticator.aaguid)
        #expect(info.versions.contains("FIDO_2_0"))

        let reread = try CTAPRecording(jsonBytes: recording.jsonBytes())
        #expect(reread == recording)
        let report = await CTAPReplayer(verifier: Self.verifier).replay(reread)
        #expect(report.passed, "\(report.steps.compactMap(\.failure))")
        #expect(report.steps.map(\.signCount) == [1, 2, 3])
    }

    @Test("A step where the key asked for the PIN first replays both attempts, and only as after-pin-required")
    func pinAfterPINRequired() async throws {
        let authenticator = try VirtualAuthenticator()
        let setup = try await FIDODevice.open(transport: authenticator)
        try await setup.setPIN(try VirtualKey.pin("4321"))
        await setup.close()
        let request = VirtualKey.registration(residentKey: true)
        let recorder = CTAPRecordingTransport(wrapping: authenticator)
        let device = try await FIDODevice.open(transport: recorder)
        await #expect(throws: FIDOError(.pinRequired, "")) { try await device.makeCredential(request) }
        let registration = try await device.makeCredential(request, pin: try VirtualKey.pin("4321"))
        await device.close()
        var step = CTAPRecording.Step(
            operation: .registration(request), pin: .afterPINRequired, time: Int64(Date().timeIntervalSince1970),
            frames: try recorder.recordedFrames(), expected: .response(try .init(jsonBytes: registration.jsonBytes())))
        let device0 = CTAPRecording.Device(
            kind: .virtual, description: "test", virtualSettings: .init(protocols: ["ctap2"], attestation: "packed"))
        let report = await CTAPReplayer(verifier: Self.verifier).replay(CTAPRecording(device: device0, steps: [step]))
        #expect(report.passed, "\(report.steps.compactMap(\.failure))")

        step.pin = .given
        let given = await CTAPReplayer().replay(CTAPRecording(device: device0, steps: [step]))
        #expect(given.steps[0].failure?.error?.code == .replayRequestMismatch)
    }

    @Test("A recording with a PIN holds neither the PIN nor any PIN-protocol value, and still replays")
    func recordingWithPINHoldsNoPINValues() async throws {
        let authenticator = try VirtualAuthenticator()
        let pinText = "pin-\(UInt32.random(in: 100_000...999_999))"
        let setup = try await FIDODevice.open(transport: authenticator)
        try await setup.setPIN(try VirtualKey.pin(pinText))
        await setup.close()
        var request = VirtualKey.registration(residentKey: true)
        request.userID = Array("dave".utf8)
        let (registration, frames) = try await Self.record(authenticator) {
            try await $0.makeCredential(request, pin: try VirtualKey.pin(pinText))
        }
        #expect(registration.userVerified)
        let recording = CTAPRecording(
            device: CTAPRecording.Device(
                kind: .virtual, description: "test", virtualSettings: .init(protocols: ["ctap2"], attestation: "packed")),
            steps: [
                CTAPRecording.Step(
                    operation: .registration(request), pin: .given, time: Int64(Date().timeIntervalSince1970),
                    frames: frames, expected: .response(try .init(jsonBytes: registration.jsonBytes())))
            ])
        let file = recording.jsonBytes()
        let pinBytes = Array(pinText.utf8)
        #expect(!file.contains(pinBytes))
        #expect(!frames.contains { $0.bytes.contains(pinBytes) })
        #expect(!frames.contains { $0.bytes.contains(Array(Digest.sha256(pinBytes).prefix(16))) })

        // Reassemble every clientPIN, makeCredential request independently and check the PIN-protocol
        // values are zero bytes: pinHashEnc (6) and pinUvAuthParam (4) of clientPIN, pinUvAuthParam (8) of
        // makeCredential.
        var checked = 0
        var message: [UInt8] = []
        var length = 0
        for frame in frames where frame.direction == .request {
            if frame.bytes[5] & 0x80 != 0 {
                guard frame.bytes[5] == 0x90 else {
                    length = 0
                    continue
                }
                length = Int(frame.bytes[6]) << 8 | Int(frame.bytes[7])
                message = Array(frame.bytes[8...])
            } else {
                message += frame.bytes[6...]
            }
            guard length > 1, message.count >= length else { continue }
            let payload = Array(message.prefix(length))
            length = 0
            let map = try #require(try CBORDecoder().decode(Array(payload.dropFirst())).mapValue)
            let labels: [Int] = payload[0] == 0x06 ? [4, 5, 6] : payload[0] == 0x01 ? [8] : []
            for label in labels {
                guard let value = map[int: label]?.bytesValue else { continue }
                #expect(value.allSatisfy { $0 == 0 }, "label \(label) of command \(payload[0])")
                checked += 1
            }
        }
        #expect(checked >= 2)
        let report = await CTAPReplayer(verifier: Self.verifier).replay(try CTAPRecording(jsonBytes: file))
        #expect(report.passed, "\(report.steps.compactMap(\.failure))")
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run.
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
