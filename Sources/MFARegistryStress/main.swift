// MFARegistryStress: drives the MFA method registry (MFAMethodRegistry over SQLite) through enrollment and sign-in,
// for the registry-level kill -9 durability test (Tests/MFATests/RegistryDurabilityTests.swift).
//
//     MFARegistryStress DATABASE KEYFILE OUTBOXDIR [STEPS]
//
// Continues after the accounts the database already holds (so it can be killed and restarted at any moment) and
// runs STEPS steps (forever without). Step N, for account uN, is six registry calls, each its own transaction:
// createAccount; signIn (enrollment required); beginTOTPEnrollment; confirmTOTPEnrollment with the current code;
// signIn (challenge); completeSignIn with the next time step's code, remembering the device. After the last call
// it writes `committed N` to stdout with write(2): a line printed is a step whose every call the registry reported
// durable. Exit status: 0 when STEPS are done, 1 for a registry failure, 2 for bad arguments.

import Glibc
import MFA
import OneTimeCodes
import Synchronization

func emit(_ text: String, to descriptor: Int32) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        offset += written
    }
}

func fail(_ status: Int32, _ message: String) -> Never {
    emit("MFARegistryStress: \(message)\n", to: 2)
    exit(status)
}

/// The registry's clock: step N runs at base + 120 N, its sign-in 30 s later (the next TOTP time step).
let clock = Atomic<Int64>(0)
let base: Int64 = 1_800_000_000

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5 else {
    fail(2, "usage: MFARegistryStress DATABASE KEYFILE OUTBOXDIR [STEPS]")
}
let steps = arguments.count == 5 ? Int(arguments[4]) : nil
if arguments.count == 5 && (steps ?? -1) < 0 { fail(2, "STEPS must be a whole number, 0 or more") }

do {
    let registry = try MFAMethodRegistry(
        databasePath: arguments[1], keyFile: arguments[2], smsOutboxPath: arguments[3] + "/sms.jsonl",
        notificationOutboxPath: arguments[3] + "/notifications.jsonl",
        clock: { clock.load(ordering: .sequentiallyConsistent) })
    let first = try registry.accounts().count
    var step = first
    while steps.map({ step < first + $0 }) ?? true {
        let account = "u\(step)"
        let start = base + Int64(step) * 120
        clock.store(start, ordering: .sequentiallyConsistent)
        _ = try registry.createAccount(id: account)
        guard case .enrollmentRequired = try registry.signIn(accountID: account, context: SignInContext()) else {
            fail(1, "\(account): a new account was not asked to enroll")
        }
        let enrollment = try registry.beginTOTPEnrollment(accountID: account)
        let totp = try TOTP(secret: enrollment.uri.secret)
        _ = try await registry.confirmTOTPEnrollment(
            accountID: account, methodID: enrollment.methodID, code: try totp.code(at: start))
        clock.store(start + 30, ordering: .sequentiallyConsistent)
        guard case .challenge = try registry.signIn(accountID: account, context: SignInContext()) else {
            fail(1, "\(account): an enrolled account on an unknown device was not challenged")
        }
        let completion = try await registry.completeSignIn(
            accountID: account, proof: .totp(code: try totp.code(at: start + 30)), context: SignInContext(),
            rememberDevice: true)
        guard completion.trustedDeviceToken != nil else { fail(1, "\(account): no trusted-device token") }
        emit("committed \(step)\n", to: 1)
        step += 1
    }
} catch {
    fail(1, "\(error)")
}
