import Foundation
import Testing

/// `keybridge record` and `keybridge replay` (issue 3 point 4) through the built binary, with the software
/// authenticator.
@Suite struct RecordReplayCommandTests {
    typealias Workspace = DeviceCommandTests.Workspace

    static let vectors = PackageGraphTests.packageRoot.appendingPathComponent("Vectors/ctap")
    static let vectorFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: vectors.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    /// A fixed challenge, base64url.
    static let challenge = "a2V5YnJpZGdlIGNsaSByZWNvcmQgdGVzdA"

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("keybridge replay accepts every file in Vectors/ctap, with a passing JSON report", arguments: vectorFiles)
    func replayShippedVector(_ name: String) throws {
        let path = Self.vectors.appendingPathComponent(name).path
        let result = try KeyBridgeProcess.run(["replay", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result.stdout)
        #expect(report["passed"] as? Bool == true)
        #expect(report["file"] as? String == path)
        let steps = try #require(report["steps"] as? [[String: Any]])
        #expect(!steps.isEmpty)
        for step in steps {
            #expect(step["passed"] as? Bool == true)
            let checks = try #require(step["checks"] as? [[String: Any]])
            #expect(checks.allSatisfy { $0["result"] as? String != "failed" })
        }
        #expect(result.stderr.contains("Replay passed"))
    }

    @Test("record appends register and authenticate steps, prints what the commands print, and the file replays")
    func recordThenReplay() throws {
        let workspace = try Workspace()
        let file = workspace.folder.appendingPathComponent("recording.json").path
        let registered = try KeyBridgeProcess.run([
            "record", file, "--", "register", "--rp-id", "example.com", "--user", "alice", "--user-id", "YWxpY2U",
            "--challenge", Self.challenge, "--virtual", workspace.stateFile,
        ])
        #expect(registered.status == 0, "\(registered.stderr)")
        let response = try Self.json(registered.stdout)
        let id = try #require(response["id"] as? String)
        // What record printed is an ordinary registration response: `keybridge verify` accepts it.
        let verified = try KeyBridgeProcess.run(
            ["verify", "registration", "--rp-id", "example.com", "--origin", "https://example.com",
             "--challenge", Self.challenge], stdin: registered.stdout)
        #expect(verified.status == 0, "\(verified.stdout)")

        for _ in 0..<2 {
            let authenticated = try KeyBridgeProcess.run([
                "record", file, "--", "authenticate", "--rp-id", "example.com", "--credential-id", id,
                "--challenge", Self.challenge, "--virtual", workspace.stateFile,
            ])
            #expect(authenticated.status == 0, "\(authenticated.stderr)")
            #expect(try Self.json(authenticated.stdout)["id"] as? String == id)
        }
        let excluded = try KeyBridgeProcess.run([
            "record", file, "--expect-error", "credential-excluded", "--", "register", "--rp-id", "example.com",
            "--user", "alice", "--exclude", id, "--challenge", Self.challenge, "--virtual", workspace.stateFile,
        ])
        #expect(excluded.status == 0, "\(excluded.stderr)")
        #expect(excluded.stdout.isEmpty)

        let recording = try Self.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self))
        #expect(recording["format"] as? String == "keybridge-ctap-recording/1")
        let steps = try #require(recording["steps"] as? [[String: Any]])
        #expect(steps.map { $0["command"] as? String } == ["register", "authenticate", "authenticate", "register"])
        let lastExpected = try #require(steps.last?["expected"] as? [String: Any])
        #expect(lastExpected["error"] as? String == "credential-excluded")

        let replayed = try KeyBridgeProcess.run(["replay", file, "--json"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let report = try Self.json(replayed.stdout)
        let counts = try #require(report["steps"] as? [[String: Any]]).compactMap { $0["signCount"] as? Int }
        #expect(counts == [1, 2, 3])
    }

    @Test("A PIN given on stdin to record is used by the key but appears nowhere in the recording")
    func recordWithPIN() throws {
        let workspace = try Workspace()
        let pin = "pin-\(UInt32.random(in: 100_000...999_999))"
        let set = try workspace.run(["pin", "set", "--pin-stdin"], stdin: pin + "\n")
        #expect(set.status == 0, "\(set.stderr)")
        let file = workspace.folder.appendingPathComponent("pin.json").path
        let registered = try KeyBridgeProcess.run(
            ["record", file, "--", "register", "--rp-id", "example.com", "--user", "dave", "--resident-key",
             "--pin-stdin", "--virtual", workspace.stateFile], stdin: pin + "\n")
        #expect(registered.status == 0, "\(registered.stderr)")
        let authenticated = try KeyBridgeProcess.run(
            ["record", file, "--", "authenticate", "--rp-id", "example.com", "--pin-stdin", "--virtual",
             workspace.stateFile], stdin: pin + "\n")
        #expect(authenticated.status == 0, "\(authenticated.stderr)")
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        #expect(!text.contains(pin))
        #expect(!text.contains(Data(pin.utf8).map { String(format: "%02x", $0) }.joined()))
        #expect(text.contains(#""pin": "given""#))
        let replayed = try KeyBridgeProcess.run(["replay", file])
        #expect(replayed.status == 0, "\(replayed.stderr)")
    }

    @Test("replay fails with exit 1 and names the code and the frame when a recorded request differs")
    func replayTamperedFile() throws {
        let workspace = try Workspace()
        let original = String(
            decoding: try Data(contentsOf: Self.vectors.appendingPathComponent("es256-packed.json")), as: UTF8.self)
        // The getInfo request's frame is CTAPHID_CBOR with the single byte 04; change it to getAssertion (02).
        let getInfo = try #require(original.range(of: #"900001040000"#))
        let tampered = original.replacingCharacters(in: getInfo, with: "900001020000")
        let file = try workspace.file("tampered.json", tampered)
        let result = try KeyBridgeProcess.run(["replay", file.path, "--json"])
        #expect(result.status == 1)
        let report = try Self.json(result.stdout)
        #expect(report["passed"] as? Bool == false)
        let first = try #require((report["steps"] as? [[String: Any]])?.first)
        let failed = try #require((first["checks"] as? [[String: Any]])?.first { $0["result"] as? String == "failed" })
        #expect(failed["code"] as? String == "replay-request-mismatch")
        #expect(failed["frame"] as? Int == 2)
        #expect(result.stderr.contains("Replay FAILED"))
    }

    @Test("replay of a file that is not a recording exits 1 with a typed error")
    func replayGarbage() throws {
        let workspace = try Workspace()
        let file = try workspace.file("garbage.json", "{\"format\": \"keybridge-ctap-recording/1\", \"dev")
        let result = try KeyBridgeProcess.run(["replay", file.path, "--json"])
        #expect(result.status == 1)
        let error = try #require(try Self.json(result.stdout)["error"] as? [String: Any])
        #expect(error["code"] as? String == "recording-invalid")
        #expect(result.stderr.contains("recording-invalid"))
    }

    @Test("record without '--' or with a command it cannot record is a usage error")
    func recordUsage() throws {
        let noSeparator = try KeyBridgeProcess.run(["record", "out.json", "register", "--rp-id", "example.com"])
        #expect(noSeparator.status == 64)
        let other = try KeyBridgeProcess.run(["record", "out.json", "--", "reset"])
        #expect(other.status == 64)
        let badCode = try KeyBridgeProcess.run(
            ["record", "out.json", "--expect-error", "no-such-code", "--", "register", "--rp-id", "example.com",
             "--user", "alice"])
        #expect(badCode.status == 64)
        let replayNothing = try KeyBridgeProcess.run(["replay"])
        #expect(replayNothing.status == 64)
    }

    @Test("record refuses to append a step from another software authenticator and leaves the file unchanged")
    func recordRefusesAnotherDevice() throws {
        let workspace = try Workspace()
        let file = workspace.folder.appendingPathComponent("one-device.json").path
        let first = try KeyBridgeProcess.run([
            "record", file, "--", "register", "--rp-id", "example.com", "--user", "alice", "--virtual",
            workspace.stateFile,
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let other = workspace.folder.appendingPathComponent("other-state.json").path
        let second = try KeyBridgeProcess.run([
            "record", file, "--", "register", "--rp-id", "example.com", "--user", "bob", "--virtual", other,
        ])
        #expect(second.status == 1)
        #expect(second.stderr.contains("another device"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
    }

    @Test("record --expect-error fails and writes nothing when the operation succeeds")
    func expectedErrorThatDoesNotHappen() throws {
        let workspace = try Workspace()
        let file = workspace.folder.appendingPathComponent("never.json").path
        let result = try KeyBridgeProcess.run([
            "record", file, "--expect-error", "credential-excluded", "--", "register", "--rp-id", "example.com",
            "--user", "alice", "--virtual", workspace.stateFile,
        ])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: file))
    }
}
