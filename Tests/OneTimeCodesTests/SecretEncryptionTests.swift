import Foundation
import Testing
import OneTimeCodes
import OpenSSLWrapper

/// AES-GCM test cases 13 to 16 (AES-256) of McGrew and Viega, "The Galois/Counter Mode of Operation
/// (GCM)", the specification submitted to NIST for SP 800-38D (Appendix B).
struct GCMVector: Sendable, CustomTestStringConvertible {
    let name: String
    let key: String
    let nonce: String
    let plaintext: String
    let associatedData: String
    let ciphertext: String
    let tag: String
    var testDescription: String { name }

    static let all: [GCMVector] = [
        GCMVector(
            name: "Test Case 13", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
            plaintext: "", associatedData: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        GCMVector(
            name: "Test Case 14", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
            plaintext: String(repeating: "00", count: 16), associatedData: "",
            ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        GCMVector(
            name: "Test Case 15", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            nonce: "cafebabefacedbaddecaf888",
            plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
            associatedData: "",
            ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            tag: "b094dac5d93471bdec1a502270e3cc6c"),
        GCMVector(
            name: "Test Case 16", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            nonce: "cafebabefacedbaddecaf888",
            plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            associatedData: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]
}

@Suite struct SecretEncryptionTests {
    @Test("AES-256-GCM matches the GCM specification's test cases 13 to 16", arguments: GCMVector.all)
    func gcmVectors(vector: GCMVector) throws {
        let key = SecretEncryptionKeyTestAccess.key(vector.key)
        let sealed = try key.seal(
            [UInt8](hex: vector.plaintext), associatedData: [UInt8](hex: vector.associatedData),
            nonce: [UInt8](hex: vector.nonce))
        // The sealed form is 0x01 ‖ nonce ‖ ciphertext ‖ tag, with the version byte authenticated as well, so
        // check the raw primitive against the vector and the wrapper's layout separately.
        let raw = try AESGCM.seal(
            [UInt8](hex: vector.plaintext), key: [UInt8](hex: vector.key), nonce: [UInt8](hex: vector.nonce),
            authenticating: [UInt8](hex: vector.associatedData))
        #expect(raw.ciphertext == [UInt8](hex: vector.ciphertext))
        #expect(raw.tag == [UInt8](hex: vector.tag))
        #expect(
            try AESGCM.open(
                raw.ciphertext, tag: raw.tag, key: [UInt8](hex: vector.key), nonce: [UInt8](hex: vector.nonce),
                authenticating: [UInt8](hex: vector.associatedData)) == [UInt8](hex: vector.plaintext))
        #expect(Array(sealed.prefix(13)) == [1] + [UInt8](hex: vector.nonce))
        #expect(Array(sealed.dropFirst(13).dropLast(16)) == [UInt8](hex: vector.ciphertext))
        #expect(try key.open(sealed, associatedData: [UInt8](hex: vector.associatedData)) == [UInt8](hex: vector.plaintext))
    }

    @Test("A sealed secret opens with Python's cryptography AESGCM (the version byte is authenticated data)")
    func pythonOpens() throws {
        let key = SecretEncryptionKey.generate()
        let secret = OTPSecret.generate(for: .sha256)
        let associated = SecretEncryptionKey.associatedData(accountID: "acct-1", methodID: "totp-7")
        let sealed = try key.seal(secret, associatedData: associated)
        let lines = try Tool.python(
            """
            import sys
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            key, sealed, aad = (bytes.fromhex(a) for a in sys.argv[1:4])
            print(AESGCM(key).decrypt(sealed[1:13], sealed[13:], sealed[:1] + aad).hex())
            """, [key.bytes.hex, sealed.hex, associated.hex])
        #expect(lines == [secret.bytes.hex])
        #expect(try key.openSecret(sealed, associatedData: associated) == secret)
    }

    @Test("Two seals of one secret differ (fresh nonces)")
    func freshNonces() throws {
        let key = SecretEncryptionKey.generate()
        let a = try key.seal([1, 2, 3], associatedData: [])
        let b = try key.seal([1, 2, 3], associatedData: [])
        #expect(a != b)
        #expect(a.count == 1 + 12 + 3 + 16)
    }

    @Test("Tampering, a wrong key, other associated data (another row) or truncation fail with decryption-failed")
    func failures() throws {
        let key = SecretEncryptionKey.generate()
        let associated = SecretEncryptionKey.associatedData(accountID: "alice", methodID: "m1")
        let sealed = try key.seal(Array("JBSWY3DPEHPK3PXP".utf8), associatedData: associated)
        for index in 0..<sealed.count {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: OneTimeCodeError(.decryptionFailed, ""), "byte \(index)") {
                try key.open(tampered, associatedData: associated)
            }
        }
        #expect(throws: OneTimeCodeError(.decryptionFailed, "")) {
            try SecretEncryptionKey.generate().open(sealed, associatedData: associated)
        }
        for other in [
            SecretEncryptionKey.associatedData(accountID: "alice", methodID: "m2"),
            SecretEncryptionKey.associatedData(accountID: "bob", methodID: "m1"),
            SecretEncryptionKey.associatedData(accountID: "alicem", methodID: "1"),
            [],
        ] {
            #expect(throws: OneTimeCodeError(.decryptionFailed, "")) { try key.open(sealed, associatedData: other) }
        }
        for length in [0, 1, 28, sealed.count - 1] {
            #expect(throws: OneTimeCodeError(.decryptionFailed, "")) {
                try key.open(Array(sealed.prefix(length)), associatedData: associated)
            }
        }
        #expect(throws: OneTimeCodeError(.invalidKey, "")) { try SecretEncryptionKey(bytes: [UInt8](repeating: 0, count: 31)) }
    }

    @Test("Key files of 32 raw bytes or 64 hex characters load; open permissions and bad content are refused")
    func keyFiles() throws {
        let directory = try Tool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let raw = (0..<32).map { UInt8($0 * 7 + 1) }
        func write(_ name: String, _ bytes: [UInt8], mode: Int) throws -> String {
            let path = directory.appendingPathComponent(name).path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }
        let rawPath = try write("raw.key", raw, mode: 0o600)
        let hexPath = try write("hex.key", Array((raw.hex.uppercased() + "\n").utf8), mode: 0o640)
        let sealed = try SecretEncryptionKey(bytes: raw).seal([9, 9], associatedData: [1])
        #expect(try SecretEncryptionKey(contentsOfFile: rawPath).open(sealed, associatedData: [1]) == [9, 9])
        #expect(try SecretEncryptionKey(contentsOfFile: hexPath).open(sealed, associatedData: [1]) == [9, 9])
        #expect(try SecretEncryptionKey(contentsOfFile: hexPath).bytes == raw)
        _ = try CodeHashingKey(contentsOfFile: rawPath)

        let worldReadable = try write("world.key", raw, mode: 0o644)
        let groupWritable = try write("group.key", raw, mode: 0o660)
        for path in [worldReadable, groupWritable] {
            #expect(throws: OneTimeCodeError(.insecureKeyFile, "")) { try SecretEncryptionKey(contentsOfFile: path) }
            #expect(throws: OneTimeCodeError(.insecureKeyFile, "")) { try CodeHashingKey(contentsOfFile: path) }
        }
        let short = try write("short.key", Array(raw.prefix(31)), mode: 0o600)
        let badHex = try write("bad.key", Array(String(repeating: "zz", count: 32).utf8), mode: 0o600)
        for path in [short, badHex] {
            #expect(throws: OneTimeCodeError(.invalidKey, "")) { try SecretEncryptionKey(contentsOfFile: path) }
        }
        #expect(throws: OneTimeCodeError(.keyFileUnreadable, "")) {
            try SecretEncryptionKey(contentsOfFile: directory.appendingPathComponent("missing").path)
        }
        #expect(throws: OneTimeCodeError(.keyFileUnreadable, "")) { try SecretEncryptionKey(contentsOfFile: directory.path) }
    }
}

/// Builds keys from hex for the vector runner.
enum SecretEncryptionKeyTestAccess {
    static func key(_ hex: String) -> SecretEncryptionKey {
        // The vectors' keys are 32 bytes, so this cannot fail.
        try! SecretEncryptionKey(bytes: [UInt8](hex: hex))
    }
}
