// MFAStoreStress: drives an SQLiteMFAStore with enrollment-like and sign-in-like transactions, for the kill -9
// durability test (Tests/MFATests/StoreDurabilityTests.swift).
//
//     MFAStoreStress DATABASE [STEPS]
//
// Continues after the last step the database holds (so it can be killed and restarted at any moment), runs
// STEPS steps (forever without), and after each commit writes `committed N` to stdout unbuffered: a line
// printed is a step the store reported durable. Each step is one write transaction:
//
//   N % 3 == 0  enrollment: account aN with a TOTP, an SMS, a security-key and a recovery-codes method, all
//               active; a registration ceremony state; a throttle state.
//   N % 3 == 1  sign-in for a(N-1): consume its ceremony state, accept TOTP step N, bump the credential's
//               counter 0 → 1 (compare-and-set), replace the recovery codes, record the sign-in, trust device dN.
//   N % 3 == 2  reset-like for a(N-2): bump the configuration generation, revoke trusted devices (exactly one),
//               remove the SMS method, store a new SMS challenge and the number's send ledger.
//
// Every step also appends the audit event ("stress-step", detail "N") for account "stress-log". Exit status:
// 0 when STEPS are done, 1 for a store failure, 2 for bad arguments, 3 when the database contradicts the
// steps it holds (a half-written step).

import Glibc
import MFA
import OneTimeCodes
import WebAuthn

let logAccount = "stress-log"
let stepAction = "stress-step"

/// A fixed P-256 public key (made once with `openssl ecparam -genkey -name prime256v1 | openssl ec -pubout`);
/// the helper never verifies a signature with it.
let credentialKeyPEM = """
    -----BEGIN PUBLIC KEY-----
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnylRtVh1/cQZzDM73QZyQtFxtEB6
    cpbpEOY4e/vNP2MChWvTgdr/xwR1rLjkWSdyfYehprMjo6oIY4D4B5jYHQ==
    -----END PUBLIC KEY-----
    """

/// Writes `text` to a file descriptor with write(2): unbuffered, so nothing waits in a buffer when the
/// process is killed.
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
    emit("MFAStoreStress: \(message)\n", to: 2)
    exit(status)
}

func broken(_ message: String) -> MFAError {
    MFAError(.corruptRecord, "inconsistent database: \(message)")
}

/// The phone number of step `step`'s account: a UK mobile in the Ofcom drama range.
func phoneNumber(for step: Int) throws(OneTimeCodeError) -> PhoneNumber {
    let digits = String(step % 1000)
    return try PhoneNumber("+447700900" + String(repeating: "0", count: 3 - digits.count) + digits)
}

struct Context {
    let secretKey: SecretEncryptionKey
    let codeKey: CodeHashingKey
    let relyingParty: RelyingParty
    let credentialKey: COSEKey
}

func enroll(_ step: Int, _ tx: any MFAStoreTransaction, _ context: Context, at now: Int64) throws(MFAError) {
    let account = "a\(step)"
    try tx.insertAccount(MFAAccount(id: account, createdAt: now, userHandle: Array("user-\(step)".utf8)))
    let sealed: [UInt8]
    let phone: PhoneNumber
    do {
        sealed = try context.secretKey.seal(
            OTPSecret.generate(), associatedData: SecretEncryptionKey.associatedData(accountID: account, methodID: "t\(step)"))
        phone = try phoneNumber(for: step)
    } catch {
        throw MFAError(.invalidArgument, "cannot prepare step \(step): \(error)")
    }
    let credential = CredentialRecord(
        uncheckedID: Array("cred-\(step)".utf8), publicKey: context.credentialKey, signCount: 0,
        attestationFormat: "none", transports: [AuthenticatorTransport(rawValue: "usb")],
        userHandle: Array("user-\(step)".utf8))
    let methods: [MFAMethodRecord] = [
        MFAMethodRecord(
            id: "t\(step)", accountID: account, name: "Authenticator app",
            details: .totp(TOTPMethodData(sealedSecret: sealed, configuration: .default)), createdAt: now),
        MFAMethodRecord(id: "p\(step)", accountID: account, name: "Mobile", details: .sms(phone), createdAt: now),
        MFAMethodRecord(
            id: "k\(step)", accountID: account, name: "Security key", details: .securityKey(credential), createdAt: now),
        MFAMethodRecord(
            id: "r\(step)", accountID: account, name: "Recovery codes",
            details: .recoveryCodes(RecoveryCodeSet.generate(key: context.codeKey, at: now).set), createdAt: now),
    ]
    for method in methods {
        try tx.insertMethod(method)
        try tx.setMethodState(id: method.id, to: .confirmed, at: now)
        try tx.setMethodState(id: method.id, to: .active, at: now)
    }
    try tx.setPreferredMethod(accountID: account, methodID: "t\(step)")
    let user = PublicKeyCredentialUserEntity(id: Array("user-\(step)".utf8), name: account, displayName: account)
    let registration = context.relyingParty.startRegistration(user: user).state
    try tx.insertCeremonyState(
        StoredCeremonyState(id: "ceremony-\(step)", accountID: account, state: .registration(registration), createdAt: now))
    var throttle = ThrottleState()
    throttle.recordFailure(at: now)
    try tx.saveThrottleState(throttle, accountID: account)
}

func signIn(_ step: Int, _ tx: any MFAStoreTransaction, _ context: Context, at now: Int64) throws(MFAError) {
    let base = step - 1
    let account = "a\(base)"
    guard try tx.consumeCeremonyState(id: "ceremony-\(base)") != nil else {
        throw broken("ceremony-\(base) is missing before step \(step)")
    }
    guard try tx.advanceTOTPTimeStep(methodID: "t\(base)", to: UInt64(step), at: now) else {
        throw broken("TOTP step \(step) of t\(base) was taken before step \(step)")
    }
    guard case .securityKey(let stored)? = try tx.method(id: "k\(base)")?.details else {
        throw broken("security key k\(base) is missing")
    }
    let updated = CredentialRecord(
        uncheckedID: stored.id, publicKey: stored.publicKey, signCount: 1, attestationFormat: stored.attestationFormat,
        transports: stored.transports, userHandle: stored.userHandle)
    guard try tx.updateCredential(updated, expectedSignCount: 0, at: now) else {
        throw broken("the counter of k\(base) moved before step \(step)")
    }
    try tx.replaceRecoveryCodeSet(
        methodID: "r\(base)", with: RecoveryCodeSet.generate(key: context.codeKey, at: now).set, at: now)
    try tx.appendSignIn(
        StoredSignIn(
            accountID: account, time: now, deviceID: "d\(step)", ipAddress: "192.0.2.\(step % 250 + 1)",
            location: StoredSignIn.Coordinates(latitude: 51.5, longitude: -0.12), outcome: "stress-\(step)",
            methodKind: .securityKey))
    try tx.insertTrustedDevice(
        TrustedDeviceRecord(
            id: "d\(step)", accountID: account, secretHash: Array("secret-hash-\(step)".utf8),
            configurationGeneration: 0, createdAt: now, expiresAt: now + 5 * 86_400))
    var throttle = try tx.throttleState(accountID: account)
    throttle.reset()
    try tx.saveThrottleState(throttle, accountID: account)
}

func reset(_ step: Int, _ tx: any MFAStoreTransaction, _ context: Context, at now: Int64) throws(MFAError) {
    let base = step - 2
    let account = "a\(base)"
    guard try tx.bumpConfigurationGeneration(accountID: account) == 1 else {
        throw broken("the generation of \(account) moved before step \(step)")
    }
    guard try tx.revokeTrustedDevices(accountID: account) == 1 else {
        throw broken("\(account) does not have exactly one trusted device before step \(step)")
    }
    try tx.setMethodState(id: "p\(base)", to: .removed, at: now)
    let phone: PhoneNumber
    var ledger: SMSSendLedger
    let challenge: SMSChallenge
    do {
        phone = try phoneNumber(for: base)
        ledger = try tx.smsSendLedger(phoneNumber: phone)
        challenge = try SMSCodeIssuer(key: context.codeKey).issue(to: phone, ledger: &ledger, at: now).challenge
    } catch let error as MFAError {
        throw error
    } catch {
        throw MFAError(.invalidArgument, "cannot issue the SMS code of step \(step): \(error)")
    }
    try tx.insertSMSChallenge(
        StoredSMSChallenge(challenge: challenge, accountID: account, methodID: "p\(base)", purpose: .phoneChange))
    try tx.saveSMSSendLedger(ledger, phoneNumber: phone)
}

// MARK: - Main

let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 3 else {
    fail(2, "usage: MFAStoreStress DATABASE [STEPS]")
}
let limit: Int? = arguments.count == 3 ? Int(arguments[2]) : nil
if arguments.count == 3 && limit == nil { fail(2, "STEPS must be a number") }

do {
    let context = Context(
        secretKey: try SecretEncryptionKey(bytes: Array(repeating: 0x11, count: 32)),
        codeKey: try CodeHashingKey(bytes: Array(repeating: 0x22, count: 32)),
        relyingParty: RelyingParty(
            configuration: RelyingParty.Configuration(
                rpID: "stress.example", rpName: "Stress", allowedOrigins: ["https://stress.example"])),
        credentialKey: try COSEKey(pem: credentialKeyPEM, algorithm: .es256))
    let store = try SQLiteMFAStore(path: arguments[1])
    let done = try store.read { (tx) throws(MFAError) -> [Int] in
        try tx.auditEvents(accountID: logAccount, after: 0, limit: Int(Int32.max)).compactMap { Int($0.detail) }
    }
    var step = (done.max() ?? -1) + 1
    guard done.sorted() == Array(0..<step) else {
        fail(3, "the committed steps are not 0..<\(step): \(done.sorted())")
    }
    var ran = 0
    while limit.map({ ran < $0 }) ?? true {
        let now = 1_700_000_000 + Int64(step) * 10
        let current = step
        try store.write { (tx) throws(MFAError) in
            switch current % 3 {
            case 0: try enroll(current, tx, context, at: now)
            case 1: try signIn(current, tx, context, at: now)
            default: try reset(current, tx, context, at: now)
            }
            try tx.appendAuditEvent(AuditEvent(time: now, accountID: logAccount, action: stepAction, detail: "\(current)"))
        }
        emit("committed \(current)\n", to: 1)
        step += 1
        ran += 1
    }
} catch let error as MFAError where error.code == .corruptRecord {
    fail(3, "\(error)")
} catch {
    fail(1, "\(error)")
}
