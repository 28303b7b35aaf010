import Foundation
import MFA
import Testing
import WebAuthn

/// kill -9 durability of the SQLite store: the `MFAStoreStress` helper runs enrollment-like and sign-in-like
/// write transactions against one file and is killed with SIGKILL at random moments; after every kill the
/// file must pass SQLite's integrity check and hold every step the helper reported committed, each complete.
@Suite("SQLiteMFAStore durability under kill -9")
struct StoreDurabilityTests {
    /// The `MFAStoreStress` binary in the build products folder, beside the test bundle.
    static let helper = KilledProcess.helper(named: "MFAStoreStress")

    /// Checks that steps 0..<committed are each complete and step `committed` left no trace.
    private func verify(_ store: SQLiteMFAStore, committed: Int) throws {
        try store.testRead { (tx) throws in
            // The steps present are exactly 0..<committed, each once.
            let steps = try tx.auditEvents(accountID: "stress-log", after: 0, limit: Int(Int32.max)).map(\.detail)
            #expect(steps == (0..<committed).map(String.init))
            for step in 0..<committed {
                switch step % 3 {
                case 0:
                    let methods = try tx.methods(accountID: "a\(step)")
                    #expect(methods.count == 4, "step \(step)")
                    #expect(try tx.account(id: "a\(step)")?.preferredMethodID == "t\(step)", "step \(step)")
                case 1:
                    let base = "a\(step - 1)"
                    let signIns = try tx.signIns(accountID: base, limit: 10)
                    #expect(signIns.map(\.outcome) == ["stress-\(step)"], "step \(step)")
                    guard case .totp(let data)? = try tx.method(id: "t\(step - 1)")?.details else {
                        Issue.record("step \(step): the TOTP method has no details")
                        continue
                    }
                    #expect(data.lastAcceptedTimeStep == UInt64(step), "step \(step)")
                    guard case .securityKey(let record)? = try tx.method(id: "k\(step - 1)")?.details else {
                        Issue.record("step \(step): the security key has no credential")
                        continue
                    }
                    #expect(record.signCount == 1, "step \(step)")
                    // The device it trusted stays until the next step revokes it.
                    #expect((try tx.trustedDevice(id: "d\(step)") != nil) == (step + 1 >= committed), "step \(step)")
                default:
                    let base = "a\(step - 2)"
                    #expect(try tx.account(id: base)?.configurationGeneration == 1, "step \(step)")
                    #expect(try tx.method(id: "p\(step - 2)")?.state == .removed, "step \(step)")
                    #expect(try tx.smsChallenges(accountID: base).count == 1, "step \(step)")
                }
            }
            // The step after the last committed one left nothing behind.
            let next = committed
            switch next % 3 {
            case 0:
                #expect(try tx.account(id: "a\(next)") == nil)
            case 1:
                #expect(try tx.signIns(accountID: "a\(next - 1)", limit: 10).isEmpty)
                #expect(try tx.trustedDevice(id: "d\(next)") == nil)
            default:
                #expect(try tx.account(id: "a\(next - 2)")?.configurationGeneration == 0)
                #expect(try tx.smsChallenges(accountID: "a\(next - 2)").isEmpty)
            }
        }
    }

    @Test("Killed with SIGKILL at 20 random moments, the store stays sound and keeps every reported commit",
          .timeLimit(.minutes(5)))
    func killNineLoop() throws {
        let helper = try #require(Self.helper, "MFAStoreStress was not built beside the tests")
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/stress.sqlite"
        var generator = SystemRandomNumberGenerator()
        var reported: Set<Int> = []
        var kills = 0
        for iteration in 0..<20 {
            // Early kills land in process start and schema migration; later ones in the middle of the work.
            let delay = iteration < 2 ? Int.random(in: 1...40, using: &generator) : Int.random(in: 40...400, using: &generator)
            let run = try KilledProcess.run(helper, [database], killAfter: delay)
            if run.killed {
                kills += 1
            } else {
                Issue.record("the helper ended by itself with status \(run.status): \(run.stderr)")
            }
            reported.formUnion(run.reported)
            // Reopen as the next process would, and check the file as it is.
            let store = try SQLiteMFAStore(path: database)
            #expect(try store.consistencyProblems() == [], "after kill \(iteration)")
            let committed = try store.testRead { (tx) throws in
                try tx.auditEvents(accountID: "stress-log", after: 0, limit: Int(Int32.max)).count
            }
            // Every step printed was committed; at most the last step before the kill was committed unprinted.
            #expect(reported.allSatisfy { $0 < committed }, "after kill \(iteration)")
            #expect(committed - (reported.max() ?? -1) - 1 <= 1, "after kill \(iteration)")
            try verify(store, committed: committed)
        }
        #expect(kills == 20)
        #expect(reported.count > 20, "the helper committed too few steps to mean anything")
        // An independent reader, the sqlite3 shell, agrees that the file is sound.
        if let shell = Self.sqliteShell {
            let process = Process()
            process.executableURL = shell
            process.arguments = ["-batch", database, "PRAGMA integrity_check; PRAGMA foreign_key_check;"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(text == "ok\n")
        }
    }

    static let sqliteShell: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: "\($0)/sqlite3") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}
