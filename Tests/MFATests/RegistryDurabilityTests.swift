import Foundation
import MFA
import Testing

/// kill -9 durability at the registry level: `MFARegistryStress` enrolls accounts in TOTP and signs them in
/// through `MFAMethodRegistry` on one SQLite file, and is killed with SIGKILL at random moments. After every kill
/// the file must be sound, every step the helper reported must be whole (an active authenticator app, the
/// decisions and the MFA sign-in in the history, a trusted device), and no account may hold half a method.
@Suite("MFAMethodRegistry durability under kill -9")
struct RegistryDurabilityTests {
    static let helper = KilledProcess.helper(named: "MFARegistryStress")

    @Test("Killed with SIGKILL at 15 random moments during enrollment and sign-in, the registry keeps every reported step whole",
          .timeLimit(.minutes(5)))
    func killNineLoop() throws {
        let helper = try #require(Self.helper, "MFARegistryStress was not built beside the tests")
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/registry.sqlite"
        let keyFile = directory + "/registry.key"
        _ = try MFAServerKeys.createKeyFile(atPath: keyFile)
        var generator = SystemRandomNumberGenerator()
        var reported: Set<Int> = []
        var kills = 0
        for iteration in 0..<15 {
            let delay = iteration < 2 ? Int.random(in: 5...60, using: &generator) : Int.random(in: 60...500, using: &generator)
            let run = try KilledProcess.run(helper, [database, keyFile, directory], killAfter: delay)
            if run.killed { kills += 1 } else { Issue.record("the helper ended by itself: \(run.stderr)") }
            reported.formUnion(run.reported)

            let store = try SQLiteMFAStore(path: database)
            #expect(try store.consistencyProblems() == [], "after kill \(iteration)")
            try store.testRead { (tx) throws in
                for step in reported.sorted() {
                    let account = "u\(step)"
                    let methods = try tx.methods(accountID: account)
                    #expect(methods.count == 1 && methods.first?.state == .active, "\(account): \(methods.map(\.state))")
                    #expect(try tx.account(id: account)?.preferredMethodID == methods.first?.id, "\(account)")
                    #expect(try tx.trustedDevices(accountID: account).count == 1, "\(account)")
                    let outcomes = try tx.signIns(accountID: account, limit: 10).map(\.outcome)
                    #expect(outcomes.count >= 3, "\(account): \(outcomes)")
                }
                // Every account, reported or cut short, holds whole methods only: each method is pending (begun,
                // not confirmed) or active, never anything in between, and its TOTP secret is sealed.
                for account in try tx.accounts() {
                    for method in try tx.methods(accountID: account.id) {
                        #expect(method.state == .pending || method.state == .active, "\(account.id): \(method.state)")
                    }
                }
            }
        }
        #expect(kills == 15)
        #expect(reported.count >= 10, "the helper completed too few steps to mean anything")
    }
}
