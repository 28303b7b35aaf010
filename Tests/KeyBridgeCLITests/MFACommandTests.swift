import Foundation
import Testing

/// `keybridge mfa --db FILE …` through the built binary: the admin flows of issue 4 point 7, with the clock fixed
/// by `--now` so that TOTP codes are computed for a known time step.
@Suite struct MFACommandTests {
    final class Database {
        let folder: URL
        var path: String { folder.appendingPathComponent("mfa.db").path }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-mfa-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func mfa(_ arguments: [String], now: Int64? = nil, stdin: String = "") throws -> KeyBridgeProcess.Result {
            let clock = now.map { ["--now", String($0)] } ?? []
            return try KeyBridgeProcess.run(["mfa", "--db", path] + clock + arguments, stdin: stdin)
        }
    }

    static let t0: Int64 = 1_800_000_000

    @Test("The README flow: add an account, sign-in needs enrollment, enroll TOTP with its QR code, then a sign-in is challenged and a correct code trusts the device for 5 days")
    func readmeFlow() throws {
        let db = try Database()
        let added = try db.mfa(["add-account", "alice"], now: Self.t0)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(FileManager.default.fileExists(atPath: db.path + ".key"))
        let keyMode = try FileManager.default.attributesOfItem(atPath: db.path + ".key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        let first = try db.mfa(["sign-in", "alice", "--json"], now: Self.t0)
        #expect(first.status == 3)
        #expect(first.json?["decision"] as? String == "enrollment-required")

        let begun = try db.mfa(["enroll-totp", "alice", "--no-confirm", "--json"], now: Self.t0)
        #expect(begun.status == 0, "\(begun.stderr)")
        #expect(begun.stderr.contains("Scan this QR code"))
        #expect(begun.stderr.contains("▀") || begun.stderr.contains("▄"), "no half-block QR code on the terminal")
        let secret = try #require(begun.json?["secret"] as? String)
        let methodID = try #require(begun.json?["methodId"] as? String)
        let uri = try #require(begun.json?["uri"] as? String)
        #expect(uri.hasPrefix("otpauth://totp/KeyBridge:alice?secret="))
        #expect(uri.contains("issuer=KeyBridge"))

        // A wrong code is refused with the exact message, and the method stays pending.
        let wrongCode = try Oathtool.code(base32: secret, at: Self.t0) == "000000" ? "111111" : "000000"
        let wrong = try db.mfa(["enroll-totp", "alice", "--confirm", methodID, "--code-stdin"], now: Self.t0, stdin: wrongCode + "\n")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("Code is not valid. Try again, or view troubleshooting tips"))

        let code = try Oathtool.code(base32: secret, at: Self.t0)
        let confirmed = try db.mfa(
            ["enroll-totp", "alice", "--confirm", methodID, "--code-stdin", "--json"], now: Self.t0, stdin: code + "\n")
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(confirmed.json?["mfaEnabled"] as? Bool == true)
        #expect(confirmed.json?["recommendsBackup"] as? Bool == true)

        let challenged = try db.mfa(["sign-in", "alice", "--json"], now: Self.t0 + 60)
        #expect(challenged.status == 2)
        #expect(challenged.json?["decision"] as? String == "challenge")

        // The code of the enrollment's time step was used once: the next step's code signs in.
        let next = try Oathtool.code(base32: secret, at: Self.t0 + 60)
        let token = db.folder.appendingPathComponent("device.token").path
        let verified = try db.mfa(
            ["verify", "alice", "--totp", "--code-stdin", "--remember-device", token], now: Self.t0 + 60, stdin: next + "\n")
        #expect(verified.status == 0, "\(verified.stderr)")
        let replayed = try db.mfa(["verify", "alice", "--totp", "--code-stdin"], now: Self.t0 + 61, stdin: next + "\n")
        #expect(replayed.status == 1, "a code was accepted twice")

        let trusted = try db.mfa(["sign-in", "alice", "--device-token-file", token, "--json"], now: Self.t0 + 4 * 86_400)
        #expect(trusted.status == 0, "\(trusted.stdout)")
        let expired = try db.mfa(["sign-in", "alice", "--device-token-file", token], now: Self.t0 + 60 + 5 * 86_400 + 1)
        #expect(expired.status == 2)

        let audit = try db.mfa(["audit", "alice", "--json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        #expect(events.contains { $0["action"] as? String == "sign-in-decision" })
        #expect(events.count >= 5)
    }

    @Test("SMS enrollment reads the code from the outbox; an unsupported country points to the authenticator app")
    func smsEnrollment() throws {
        let db = try Database()
        #expect(try db.mfa(["add-account", "bob"]).status == 0)
        let unsupported = try db.mfa(["enroll-sms", "bob", "--phone", "+33612345678", "--code-from-outbox"])
        #expect(unsupported.status == 1)
        #expect(unsupported.stderr.contains("unsupported-country"))
        #expect(unsupported.stderr.contains("authenticator app"))

        let enrolled = try db.mfa(["enroll-sms", "bob", "--phone", "+14155550100", "--code-from-outbox", "--json"])
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let method = try #require(enrolled.json?["method"] as? [String: Any])
        #expect(method["kind"] as? String == "sms")
        #expect(method["state"] as? String == "active")
        let outbox = try String(contentsOfFile: db.path + ".sms.jsonl", encoding: .utf8)
        #expect(outbox.contains("+14155550100"))
        let notifications = try String(contentsOfFile: db.path + ".notifications.jsonl", encoding: .utf8)
        #expect(!notifications.isEmpty)
    }

    @Test("Recovery codes are ten, a second set replaces the first, and an administrator reset forces re-enrollment")
    func recoveryAndReset() throws {
        let db = try Database()
        #expect(try db.mfa(["add-account", "carol"]).status == 0)
        #expect(try db.mfa(["enroll-sms", "carol", "--phone", "+447700900123", "--code-from-outbox"]).status == 0)
        let codes = try db.mfa(["recovery-codes", "carol", "--json"])
        #expect(codes.status == 0, "\(codes.stderr)")
        let first = try #require(codes.json?["codes"] as? [String])
        #expect(first.count == 10)
        #expect(Set(first).count == 10)
        let again = try db.mfa(["recovery-codes", "carol", "--json"])
        #expect(again.json?["replacedPreviousSet"] as? Bool == true)
        let old = try db.mfa(["verify", "carol", "--recovery", "--code-stdin"], stdin: first[0] + "\n")
        #expect(old.status == 1, "a code of the replaced set still worked")
        let second = try #require(again.json?["codes"] as? [String])
        let used = try db.mfa(["verify", "carol", "--recovery", "--code-stdin", "--json"], stdin: second[0] + "\n")
        #expect(used.status == 0, "\(used.stderr)")
        #expect(used.json?["recoveryCodesRemaining"] as? Int == 9)

        let usage = try db.mfa(["reset", "carol", "--admin", "support-1"])
        #expect(usage.status == 64)
        let reset = try db.mfa(["reset", "carol", "--admin", "support-1", "--reason", "lost phone", "--json"])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.json?["mustReenroll"] as? Bool == true)
        #expect(try db.mfa(["sign-in", "carol"]).status == 3)
        let audit = try db.mfa(["audit", "carol"])
        #expect(audit.stdout.contains("support-1"))
    }

    @Test("A service account is allowed without MFA, and the policy command states the enforcement in effect")
    func serviceAccountAndPolicy() throws {
        let db = try Database()
        #expect(try db.mfa(["add-account", "ci-bot", "--service-account"]).status == 0)
        let signIn = try db.mfa(["sign-in", "ci-bot", "--json"])
        #expect(signIn.status == 0)
        #expect((signIn.json?["explanation"] as? String)?.contains("Service account") == true)
        let policy = try db.mfa(["policy", "--enforce", "created-since:1900000000"])
        #expect(policy.status == 0)
        #expect(policy.stdout.contains("1900000000"))
        let bad = try db.mfa(["policy", "--enforce", "sometimes"])
        #expect(bad.status == 64)
    }
}
