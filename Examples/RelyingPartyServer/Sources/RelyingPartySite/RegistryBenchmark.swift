import Foundation
import MFA
import WebAuthn

/// The in-process half of `Tests/benchmark.sh`: verifies prepared security-key sign-ins straight through
/// ``MFAMethodRegistry/completeSignIn(accountID:proof:context:rememberDevice:)`` (WebAuthn verification plus
/// the SQLite write), without HTTP.
///
/// `RelyingPartyServer benchmark-registry DATA_DIR ORIGIN ACCOUNT_ID BODIES [CONCURRENCY]`: BODIES holds one
/// `{"ceremonyID", "credential"}` object per line (`Tests/bench_assertions.py` writes them); the ceremonies
/// must live in DATA_DIR's database and be unused, and no server may be using that database.
public enum RegistryBenchmark {
    public static let usage = "usage: RelyingPartyServer benchmark-registry DATA_DIR ORIGIN ACCOUNT_ID BODIES [CONCURRENCY]"

    struct Prepared: Sendable {
        let ceremonyID: String
        let response: [UInt8]
    }

    /// Runs the benchmark and prints one line.
    ///
    /// - Parameter arguments: The arguments after `benchmark-registry`.
    /// - Returns: Whether every sign-in verified.
    /// - Throws: ``SiteConfigurationError`` for bad arguments; file, JSON and registry errors.
    public static func run(arguments: [String]) async throws -> Bool {
        let arguments = [""] + arguments
        guard arguments.count == 5 || arguments.count == 6, let url = URL(string: arguments[2]), let host = url.host else {
            throw SiteConfigurationError(usage)
        }
        let directory = arguments[1]
        let accountID = arguments[3]
        let concurrency = arguments.count == 6 ? max(1, Int(arguments[5]) ?? 1) : 1

        var prepared: [Prepared] = []
        let text = try String(contentsOfFile: arguments[4], encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let ceremonyID = object["ceremonyID"] as? String, let credential = object["credential"]
            else { continue }
            prepared.append(Prepared(ceremonyID: ceremonyID, response: Array(try JSONSerialization.data(withJSONObject: credential))))
        }

        let relyingParty = RelyingParty(
            configuration: RelyingParty.Configuration(rpID: host, rpName: "KeyBridge", allowedOrigins: [arguments[2]]))
        let registry = try MFAMethodRegistry(
            databasePath: directory + "/keybridge.sqlite", keyFile: directory + "/keybridge.key",
            smsOutboxPath: directory + "/sms-outbox.jsonl", notificationOutboxPath: directory + "/mail-outbox.jsonl",
            relyingParty: relyingParty)

        let work = prepared
        let clock = ContinuousClock()
        let started = clock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var failed = 0
                    for index in stride(from: worker, to: work.count, by: concurrency) {
                        do {
                            _ = try await registry.completeSignIn(
                                accountID: accountID,
                                proof: .securityKey(ceremonyID: work[index].ceremonyID, response: work[index].response),
                                context: SignInContext(), rememberDevice: false)
                        } catch {
                            failed += 1
                        }
                    }
                    return failed
                }
            }
            var total = 0
            for await failed in group { total += failed }
            return total
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = (
            String(
                format: "in-process registry: %d sign-ins verified in %.2f s with %d task(s): %.0f/s (%d failed)",
                work.count - failures, seconds, concurrency, Double(work.count - failures) / seconds, failures))
        print(summary)
        return failures == 0
    }
}
