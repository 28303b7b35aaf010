import OneTimeCodes
import OpenSSLWrapper

/// Issue 4's TOTP rows: verifications per second beside libcrypto's raw keyed HMAC-SHA-1 rate, measured in the
/// same run (target: at least 300,000 wrong-code verifications per second per core; pyotp does about 46,000 here).
enum OneTimeCodeBenchmark {
    static let section = "TOTP (RFC 6238, SHA-1, 6 digits, 30 s): verify with a ±1 step window"
    static let referenceName = "libcrypto HMAC-SHA-1, one-shot HMAC() over 8 bytes (reference)"
    static let wrongCodeName = "TOTP verify, wrong code (3 HMAC-SHA-1)"
    static let target = 300_000.0

    /// The fixed moment every row verifies at.
    static let now: Int64 = 1_700_000_000

    static func referenceRate(_ duration: Duration) throws -> Double {
        let key = SecureRandom.bytes(20)
        var message: [UInt8] = [0, 0, 0, 0, 3, 0x2A, 0x9A, 0x55]
        var sink = 0
        let rate = try RateMeter.rate(for: duration) {
            message[7] &+= 1
            sink &+= Int(HMAC.authenticationCode(.sha1, key: key, message: message)[0])
        }
        if sink == Int.min { print(sink) }  // keeps the work observable
        return rate
    }

    /// A generator and a code that matches none of the three steps of the window.
    static func generatorAndWrongCode() throws -> (TOTP, String, String) {
        let totp = try TOTP(secret: OTPSecret.generate(for: .sha1))
        let window = try [now - 30, now, now + 30].map { try totp.code(at: $0) }
        var candidate = 0
        while window.contains(String(repeating: "0", count: 6 - String(candidate).count) + String(candidate)) {
            candidate += 1
        }
        let wrong = String(repeating: "0", count: 6 - String(candidate).count) + String(candidate)
        return (totp, wrong, try totp.code(at: now))
    }

    static func wrongCodeRate(_ duration: Duration) throws -> Double {
        let (totp, wrong, _) = try generatorAndWrongCode()
        return try RateMeter.rate(for: duration) {
            do {
                _ = try totp.verify(wrong, at: now, window: 1)
                throw BenchmarkFailure("a wrong TOTP code was accepted")
            } catch let error as OneTimeCodeError where error.code == .invalidCode {
            }
        }
    }

    static func rightCodeRate(_ duration: Duration) throws -> Double {
        let (totp, _, right) = try generatorAndWrongCode()
        return try RateMeter.rate(for: duration) {
            _ = try totp.verify(right, at: now, window: 1)
        }
    }
}
