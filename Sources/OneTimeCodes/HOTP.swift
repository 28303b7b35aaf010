internal import OpenSSLWrapper

/// An HMAC-based one-time password generator and verifier (RFC 4226), the core under ``TOTP``.
///
/// The HMAC key state is computed once, when the generator is made, and reused for every code, so a
/// verification costs one HMAC per candidate counter and allocates nothing. A generator is immutable and
/// safe to share across threads.
public struct HOTP: Sendable {
    /// The HMAC hash function.
    public let algorithm: OTPAlgorithm
    /// The number of decimal digits in a code, 6 to 8.
    public let digits: Int

    let key: HMACKey
    /// 10^digits.
    let modulus: UInt32

    /// A generator for `secret`.
    ///
    /// - Parameters:
    ///   - secret: The shared secret.
    ///   - algorithm: The HMAC hash function (SHA-1 unless the authenticator was told otherwise).
    ///   - digits: 6, 7 or 8.
    /// - Throws: ``OneTimeCodeError/Code/invalidParameter`` for a digit count outside 6...8, and
    ///   ``OneTimeCodeError/Code/internalError`` when libcrypto cannot set up the HMAC.
    public init(secret: OTPSecret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6) throws(OneTimeCodeError) {
        guard (6...8).contains(digits) else {
            throw OneTimeCodeError(.invalidParameter, "a code has 6 to 8 digits, not \(digits)")
        }
        self.algorithm = algorithm
        self.digits = digits
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        self.modulus = modulus
        do {
            var bytes = secret.bytes
            defer { secureZero(&bytes) }
            key = try HMACKey(algorithm.digest, key: bytes)
        } catch {
            throw OneTimeCodeError(.internalError, "cannot set up the HMAC: \(error)")
        }
    }

    /// The code for `counter`, zero-padded to ``digits`` digits.
    ///
    /// - Parameter counter: The moving factor (RFC 4226 §5.2).
    /// - Returns: The code as decimal text.
    public func code(counter: UInt64) -> String {
        OneTimeCodeFormat.text(of: value(counter: counter), digits: digits)
    }

    /// Checks `code` against counters `counter`, `counter + 1`, …, `counter + lookAhead` (RFC 4226 §7.4).
    ///
    /// Every candidate is computed and compared in constant time; the search does not stop at a match. The
    /// caller stores the returned counter plus one as the next expected counter, so a code is never accepted
    /// twice.
    ///
    /// - Parameters:
    ///   - code: The code the user entered (ASCII digits; spaces are ignored).
    ///   - counter: The next expected counter.
    ///   - lookAhead: How many counters past `counter` to try, 0 to 100.
    /// - Returns: The counter that matched (the smallest, if several did).
    /// - Throws: ``OneTimeCodeError/Code/invalidCode`` when no candidate matches (or the input is not
    ///   ``digits`` digits), ``OneTimeCodeError/Code/invalidParameter`` for a look-ahead outside 0...100.
    public func verify(_ code: String, counter: UInt64, lookAhead: Int = 0) throws(OneTimeCodeError) -> UInt64 {
        guard (0...100).contains(lookAhead) else {
            throw OneTimeCodeError(.invalidParameter, "look-ahead \(lookAhead) is outside 0...100")
        }
        guard let entered = OneTimeCodeFormat.parse(code, digits: digits) else {
            throw OneTimeCodeError(.invalidCode, "the code is not as many digits as configured")
        }
        var found: UInt64 = 0
        var matched: UInt64 = 0
        for offset in 0...UInt64(lookAhead) {
            let (candidate, overflow) = counter.addingReportingOverflow(offset)
            if overflow { break }
            let equal = constantTimeEqualMask(value(counter: candidate), entered)
            // Keep the first match: take this candidate only when it matches and nothing matched before.
            let take = equal & (found ^ 1)
            matched |= candidate & (0 &- take)
            found |= equal
        }
        guard found == 1 else {
            throw OneTimeCodeError(.invalidCode, "the code matches no counter in the look-ahead window")
        }
        return matched
    }

    /// The truncated code value for `counter`: RFC 4226 §5.3 dynamic truncation, modulo 10^digits.
    ///
    /// For SHA-256 and SHA-512 the offset comes from the low 4 bits of the last byte of the longer HMAC,
    /// as in the reference implementation of RFC 6238 Appendix A.
    func value(counter: UInt64) -> UInt32 {
        var message = counter.bigEndian
        return withUnsafeBytes(of: &message) { message in
            key.withAuthenticationCode(of: message) { mac in
                let offset = Int(mac[mac.count - 1] & 0x0f)
                let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
                    | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
                return binary % modulus
            }
        }
    }
}
