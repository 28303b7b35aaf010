import Foundation
import MFA
import OneTimeCodes
import Testing
import WebAuthn
import _TestSupport

/// The two store implementations the shared suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case inMemory

    var testDescription: String { self == .sqlite ? "SQLiteMFAStore" : "InMemoryMFAStore" }
}

/// A fresh store of one kind; for SQLite, in its own temporary directory, removed at the end.
final class StoreFixture: Sendable {
    let store: any MFARegistryStore
    let directory: String?

    init(_ kind: StoreKind) throws {
        switch kind {
        case .inMemory:
            store = InMemoryMFAStore()
            directory = nil
        case .sqlite:
            let directory = try StoreFixture.makeDirectory()
            self.directory = directory
            store = try SQLiteMFAStore(path: directory + "/mfa.sqlite")
        }
    }

    static func makeDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Fixed keys and sample records (the keys are test constants, never used outside tests).
enum StoreSamples {
    static let now: Int64 = 1_700_000_000
    static let codeKey: CodeHashingKey = {
        do { return try CodeHashingKey(bytes: Array(repeating: 0x5A, count: 32)) } catch { fatalError("\(error)") }
    }()
    static let secretKey: SecretEncryptionKey = {
        do { return try SecretEncryptionKey(bytes: Array(repeating: 0xA5, count: 32)) } catch { fatalError("\(error)") }
    }()

    static func account(_ id: String, interactive: Bool = true) -> MFAAccount {
        MFAAccount(id: id, createdAt: now, isInteractive: interactive, userHandle: Array("handle-\(id)".utf8))
    }

    static func credential(_ id: [UInt8], signCount: UInt32 = 0) throws -> CredentialRecord {
        CredentialRecord(
            uncheckedID: id, publicKey: try COSEKey(encoded: TestCredentialKey.es256.coseKey), signCount: signCount,
            aaguid: nil, attestationFormat: "none", attestationType: AttestationType.none, attestationTrusted: false,
            transports: [AuthenticatorTransport(rawValue: "usb")], userVerified: true, backupEligible: false,
            backupState: false, userHandle: Array("handle".utf8))
    }

    static func totpMethod(_ id: String, account: String, at time: Int64 = now) throws -> MFAMethodRecord {
        let secret = OTPSecret.generate()
        let sealed = try secretKey.seal(
            secret, associatedData: SecretEncryptionKey.associatedData(accountID: account, methodID: id))
        return MFAMethodRecord(
            id: id, accountID: account, name: "Phone app",
            details: .totp(TOTPMethodData(sealedSecret: sealed, configuration: TOTPConfiguration(digits: 8))),
            createdAt: time)
    }

    static func smsMethod(_ id: String, account: String, phone: String = "+447700900123", at time: Int64 = now)
        throws -> MFAMethodRecord
    {
        MFAMethodRecord(
            id: id, accountID: account, name: "Mobile", details: .sms(try PhoneNumber(phone)), createdAt: time)
    }

    static func keyMethod(_ id: String, account: String, credentialID: [UInt8], signCount: UInt32 = 0) throws
        -> MFAMethodRecord
    {
        MFAMethodRecord(
            id: id, accountID: account, name: "YubiKey",
            details: .securityKey(try credential(credentialID, signCount: signCount)), createdAt: now)
    }

    static func recoveryMethod(_ id: String, account: String) -> (codes: [String], method: MFAMethodRecord) {
        let (codes, set) = RecoveryCodeSet.generate(key: codeKey, at: now)
        return (codes, MFAMethodRecord(id: id, accountID: account, name: "Recovery codes", details: .recoveryCodes(set), createdAt: now))
    }

    static let relyingParty = RelyingParty(
        configuration: RelyingParty.Configuration(
            rpID: "example.org", rpName: "Example", allowedOrigins: ["https://example.org"]))
}

/// Runs `count` copies of `attempt` at once and returns how many returned true.
func raceCount(_ count: Int, _ attempt: @escaping @Sendable () throws -> Bool) async throws -> Int {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        for _ in 0..<count { group.addTask { try attempt() } }
        var wins = 0
        for try await won in group where won { wins += 1 }
        return wins
    }
}

extension MFARegistryStore {
    /// ``MFARegistryStore/write(_:)`` for test bodies that use `#expect` and helpers throwing any error: a
    /// non-``MFAError`` rolls the transaction back and is rethrown as it was.
    @discardableResult
    func testWrite<R: Sendable>(_ body: (any MFAStoreTransaction) throws -> R) throws -> R {
        var other: (any Error)? = nil
        do {
            return try write { (tx) throws(MFAError) -> R in
                do {
                    return try body(tx)
                } catch let error as MFAError {
                    throw error
                } catch {
                    other = error
                    throw MFAError(.invalidArgument, "the test body threw \(error)")
                }
            }
        } catch {
            if let other { throw other }
            throw error
        }
    }

    /// ``MFARegistryStore/read(_:)`` for test bodies, as ``testWrite(_:)``.
    @discardableResult
    func testRead<R: Sendable>(_ body: (any MFAStoreReading) throws -> R) throws -> R {
        var other: (any Error)? = nil
        do {
            return try read { (tx) throws(MFAError) -> R in
                do {
                    return try body(tx)
                } catch let error as MFAError {
                    throw error
                } catch {
                    other = error
                    throw MFAError(.invalidArgument, "the test body threw \(error)")
                }
            }
        } catch {
            if let other { throw other }
            throw error
        }
    }
}
