import Foundation
import Testing

/// `keybridge pin set` asks for a new PIN twice on the terminal, without echo. The terminal is a real
/// pseudo-terminal that Python's `pty` module opens, so the command reads `/dev/tty` as it would for a user.
@Suite struct PINConfirmationTests {
    /// Runs `keybridge ARGS` on a new pseudo-terminal (its controlling terminal), answers each prompt that
    /// ends in ": " with the next line of `answers`, and prints the exit status and everything the terminal
    /// showed as JSON.
    static let ptyDriver = """
        import json, os, pty, select, signal, sys, time
        binary, answers, args = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(binary, [binary] + args)
        shown, pending, answered = b"", list(answers), 0
        deadline = time.monotonic() + 120  # a hang guard only: the command takes well under a second
        while True:
            ready, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                shown += b"\\n[driver: no output for 120 s, killed]"
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            # Answer each prompt once: only output that arrived since the last answer counts.
            if pending and shown[answered:].endswith(b": "):
                os.write(fd, (pending.pop(0) + "\\n").encode())
                answered = len(shown)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status), "shown": shown.decode("utf-8", "replace")}))
        """

    static func runOnTerminal(_ arguments: [String], answers: [String]) throws -> (status: Int, shown: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("drive.py")
        try ptyDriver.write(to: script, atomically: true, encoding: .utf8)
        let encode = { (value: [String]) throws -> String in
            String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script.path, KeyBridgeProcess.executable.path, try encode(answers),
            try encode(arguments.map { $0.replacingOccurrences(of: "STATE", with: folder.appendingPathComponent("s.json").path) }),
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (try #require(object["status"] as? Int), try #require(object["shown"] as? String))
    }

    @Test("Two different entries of the new PIN are refused with pin-confirmation-mismatch and no PIN is set")
    func mismatchRefused() throws {
        let (status, shown) = try Self.runOnTerminal(
            ["pin", "set", "--virtual", "STATE"], answers: ["246810", "246811"])
        #expect(status == 1, "\(shown)")
        #expect(shown.contains("Confirm the new PIN: "))
        #expect(shown.contains("pin-confirmation-mismatch"))
        #expect(!shown.contains("246810"), "the PIN was echoed")
    }

    @Test("Two equal entries set the PIN, and the key then counts 8 retries")
    func matchingEntriesSetThePIN() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("authenticator.json").path
        let (status, shown) = try Self.runOnTerminal(["pin", "set", "--virtual", state], answers: ["246810", "246810"])
        #expect(status == 0, "\(shown)")
        #expect(shown.contains("The PIN is set."))
        #expect(!shown.contains("246810"), "the PIN was echoed")
        // CTAP 2.1 §6.5.2.2: a fresh PIN allows 8 attempts.
        let retries = try KeyBridgeProcess.run(["pin", "retries", "--virtual", state], stdin: "")
        #expect(retries.status == 0, "\(retries.stderr)")
        #expect(retries.stdout == "8\n")
    }
}
