import Foundation
import MFA
import OneTimeCodes
import Testing

/// The outbox gateway and the outbox notifier. Files are read back both with the module's reader and,
/// independently, with Python's `json` module.
@Suite struct DeliveryTestsOutbox {
    /// Every line of `path` parsed by Python's json module, re-emitted as sorted-key JSON lines.
    static func pythonLines(_ path: String) throws -> [[String: Any]] {
        let lines = try ReferenceTools.python(
            """
            import json, sys
            data = open(sys.argv[1], 'rb').read()
            assert data.endswith(b'\\n'), 'file does not end with a newline'
            for line in data.split(b'\\n')[:-1]:
                print(json.dumps(json.loads(line), sort_keys=True))
            """, [path])
        return try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test("a send appends one JSON line {body, id, time, to} with mode 0600, and the reader returns it")
    func appendAndRead() async throws {
        let directory = try ReferenceTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sms.jsonl").path
        let outbox = OutboxSMSGateway(path: path, clock: { 1_700_000_500 })
        #expect(try outbox.messages().isEmpty)

        let number = try PhoneNumber("+49 30 901820")
        let receipt = try await outbox.send(to: number, body: "Your code is 246810\nline two ✓ \"quoted\" /slash")
        #expect(receipt.channel == "outbox")
        #expect(receipt.status == "written")
        #expect(receipt.acceptedAt == 1_700_000_500)

        let lines = try Self.pythonLines(path)
        #expect(lines.count == 1)
        #expect(Set(lines[0].keys) == ["body", "id", "time", "to"])
        #expect(lines[0]["to"] as? String == "+4930901820")
        #expect(lines[0]["body"] as? String == "Your code is 246810\nline two ✓ \"quoted\" /slash")
        #expect(lines[0]["id"] as? String == receipt.messageID)
        #expect((lines[0]["time"] as? NSNumber)?.int64Value == 1_700_000_500)

        let messages = try outbox.messages()
        #expect(messages == [OutboxMessage(id: try #require(receipt.messageID), to: "+4930901820",
                                           body: "Your code is 246810\nline two ✓ \"quoted\" /slash", time: 1_700_000_500)])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("latestMessage(to:) returns the newest message for that number only")
    func latestMessage() async throws {
        let directory = try ReferenceTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sms.jsonl").path
        let outbox = OutboxSMSGateway(path: path)
        let alice = try PhoneNumber("+447700900001")
        let bob = try PhoneNumber("+447700900002")
        _ = try await outbox.send(to: alice, body: "first")
        _ = try await outbox.send(to: bob, body: "bob's")
        _ = try await outbox.send(to: alice, body: "second")
        #expect(try outbox.latestMessage(to: alice)?.body == "second")
        #expect(try outbox.latestMessage(to: bob)?.body == "bob's")
        #expect(try outbox.latestMessage(to: PhoneNumber("+447700900003")) == nil)
    }

    @Test("200 concurrent sends leave 200 intact lines with distinct ids (checked by Python's json)")
    func concurrentAppends() async throws {
        let directory = try ReferenceTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sms.jsonl").path
        let outbox = OutboxSMSGateway(path: path)
        let number = try PhoneNumber("+16135550100")
        // Bodies of different lengths, some long, so a torn or interleaved write would show.
        let bodies = (0..<200).map { "message \($0) " + String(repeating: "x", count: ($0 * 37) % 3000) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for body in bodies {
                group.addTask { _ = try await outbox.send(to: number, body: body) }
            }
            try await group.waitForAll()
        }
        let lines = try Self.pythonLines(path)
        #expect(lines.count == 200)
        #expect(Set(lines.compactMap { $0["body"] as? String }) == Set(bodies))
        #expect(Set(lines.compactMap { $0["id"] as? String }).count == 200)
        #expect(try outbox.messages().count == 200)
    }

    @Test("a last line without its newline (a torn write) is skipped; a corrupt complete line is an error")
    func tornAndCorruptLines() async throws {
        let directory = try ReferenceTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let torn = directory.appendingPathComponent("torn.jsonl")
        let good = #"{"body":"ok","id":"00","time":1,"to":"+4930901820"}"#
        try Data((good + "\n" + #"{"body":"cut sh"#).utf8).write(to: torn)
        #expect(try OutboxSMSGateway(path: torn.path).messages().map(\.body) == ["ok"])

        let corrupt = directory.appendingPathComponent("corrupt.jsonl")
        try Data((good + "\nnot json\n").utf8).write(to: corrupt)
        #expect(throws: MFAError(.outboxCorrupt, "")) { try OutboxSMSGateway(path: corrupt.path).messages() }
    }

    @Test("an outbox in a missing directory reports .outboxUnavailable instead of dropping the message")
    func unwritable() async throws {
        let outbox = OutboxSMSGateway(path: "/nonexistent-kb-dir-\(UUID().uuidString)/sms.jsonl")
        let error = await #expect(throws: MFAError.self) {
            try await outbox.send(to: PhoneNumber("+4930901820"), body: "code")
        }
        #expect(error?.code == .outboxUnavailable)
        #expect(error?.isRetryable == true)
        await #expect(throws: MFAError(.invalidMessage, "")) {
            try await OutboxSMSGateway(path: "/tmp/unused").send(to: PhoneNumber("+4930901820"), body: "")
        }
    }

    // MARK: - Notifier

    @Test("each MFA event gets a standard notice naming the account and the detail, ending with the support hint",
          arguments: MFAEvent.allCases)
    func standardNotices(event: MFAEvent) {
        let notice = MFANotification.standard(
            event: event, to: "alice@example.org", account: "alice", detail: "DETAIL-TEXT", time: 42)
        #expect(notice.event == event)
        #expect(notice.to == "alice@example.org")
        #expect(notice.time == 42)
        #expect(!notice.subject.isEmpty)
        #expect(notice.body.contains("alice"))
        #expect(notice.body.contains("DETAIL-TEXT"))
        #expect(notice.body.hasSuffix("If this wasn't you, contact support right away."))
    }

    @Test("the seven events have distinct subjects and the stable raw values the outbox records")
    func eventNames() {
        #expect(MFAEvent.allCases.map(\.rawValue)
            == [
                "mfa-enabled", "method-added", "method-removed", "reset", "phone-changed", "recovery-code-used",
                "security-key-clone-suspected",
            ])
        let subjects = MFAEvent.allCases.map { MFANotification.standard(event: $0, to: "a", account: "a", time: 0).subject }
        #expect(Set(subjects).count == MFAEvent.allCases.count)
    }

    @Test("the outbox notifier writes one JSON line per notice with to, subject, body, event and time")
    func outboxNotifier() async throws {
        let directory = try ReferenceTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mail.jsonl").path
        let notifier = OutboxNotifier(path: path)
        let notices = MFAEvent.allCases.enumerated().map { index, event in
            MFANotification.standard(event: event, to: "bob@example.org", account: "bob", time: Int64(100 + index))
        }
        for notice in notices { try await notifier.notify(notice) }

        let lines = try Self.pythonLines(path)
        #expect(lines.count == notices.count)
        for (line, notice) in zip(lines, notices) {
            #expect(Set(line.keys) == ["to", "subject", "body", "event", "time", "account"])
            #expect(line["event"] as? String == notice.event.rawValue)
            #expect(line["subject"] as? String == notice.subject)
            #expect(line["body"] as? String == notice.body)
            #expect((line["time"] as? NSNumber)?.int64Value == notice.time)
        }
        #expect(try notifier.notifications() == notices)
        await #expect(throws: MFAError(.invalidMessage, "")) {
            try await notifier.notify(MFANotification(to: "", subject: "s", body: "b", event: .reset, time: 0))
        }
    }
}
