import Logging
import HTTPTypes
import CRPCrypto
import Foundation

/// Memory-hard password hashing with OpenSSL's scrypt (RFC 7914).
///
/// The stored form is `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`, so the cost can be raised
/// later and old hashes still verify. The defaults follow OWASP's minimum for scrypt: N = 2^17, r = 8,
/// p = 1 (128 MiB and a few hundred milliseconds per hash). Passwords are never logged or stored.
public struct PasswordHasher: Sendable {
    /// log2 of the CPU/memory cost N.
    public let logN: Int
    /// The block size r.
    public let blockSize: Int
    /// The parallelism p.
    public let parallelism: Int

    static let saltLength = 16
    static let hashLength = 32

    /// Creates a hasher.
    ///
    /// - Parameters:
    ///   - logN: log2 of N; 17 by default.
    ///   - blockSize: r; 8 by default.
    ///   - parallelism: p; 1 by default.
    public init(logN: Int = 17, blockSize: Int = 8, parallelism: Int = 1) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Hashes `password` with a fresh random salt.
    ///
    /// - Parameter password: The password, as typed.
    /// - Returns: The stored form.
    /// - Throws: ``APIError`` `internal-error` when OpenSSL fails.
    public func hash(_ password: String) throws(APIError) -> String {
        var salt = [UInt8](repeating: 0, count: Self.saltLength)
        guard RAND_bytes(&salt, Int32(salt.count)) == 1 else { throw Self.failure }
        let derived = try Self.scrypt(
            password: Array(password.utf8), salt: salt, logN: logN, r: blockSize, p: parallelism)
        return "scrypt$\(logN)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$"
            + Data(derived).base64EncodedString()
    }

    /// Checks `password` against a stored form in constant time.
    ///
    /// - Parameters:
    ///   - password: The password, as typed.
    ///   - stored: A string ``hash(_:)`` produced.
    /// - Returns: Whether they match; false for a malformed stored form.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]),
            let p = Int(parts[3]), (10...20).contains(logN), (1...32).contains(r), (1...16).contains(p),
            let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
            expected.count == Self.hashLength
        else { return false }
        guard let derived = try? Self.scrypt(password: Array(password.utf8), salt: Array(salt), logN: logN, r: r, p: p)
        else { return false }
        let expectedBytes = Array(expected)
        return derived.withUnsafeBytes { lhs in
            expectedBytes.withUnsafeBytes { rhs in
                CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, Self.hashLength) == 0
            }
        }
    }

    /// Spends the same work as a real verification, so an unknown user name takes as long as a wrong password.
    ///
    /// - Parameter password: The password, as typed.
    public func burn(_ password: String) {
        _ = try? Self.scrypt(
            password: Array(password.utf8), salt: [UInt8](repeating: 0, count: Self.saltLength), logN: logN,
            r: blockSize, p: parallelism)
    }

    private static let failure = APIError(.internalServerError, "internal-error", "Something went wrong. Try again.")

    private static func scrypt(password: [UInt8], salt: [UInt8], logN: Int, r: Int, p: Int) throws(APIError)
        -> [UInt8]
    {
        var out = [UInt8](repeating: 0, count: hashLength)
        let n = UInt64(1) << UInt64(logN)
        // scrypt needs 128·N·r·p bytes; allow twice that so OpenSSL's own bound never refuses a valid cost.
        let maxMemory = 256 * n * UInt64(r) * UInt64(p)
        let passChars = password.map { CChar(bitPattern: $0) }
        let status = EVP_PBE_scrypt(
            passChars, passChars.count, salt, salt.count, n, UInt64(r), UInt64(p), maxMemory, &out, out.count)
        guard status == 1 else { throw failure }
        return out
    }
}
