internal import OpenSSLWrapper

/// Measures TOTP verification against the raw HMAC-SHA-1 rate of libcrypto, for the benchmark
/// table (target: at least 300 000 wrong-code verifications per second per core with a ±1 window).
package enum OneTimeCodesBenchmark {
    /// Rates measured in one run, each on one thread.
    package struct Result: Sendable, CustomStringConvertible {
        /// `TOTP.verify` of a wrong code with window 1 (three HMAC-SHA-1 each), per second.
        package let totpWrongCodeVerificationsPerSecond: Double
        /// `TOTP.verify` of the current code with window 1, per second.
        package let totpRightCodeVerificationsPerSecond: Double
        /// libcrypto's one-shot `HMAC()` with SHA-1 over an 8-byte message (keying it every time), per second.
        package let libcryptoOneShotHMACSHA1PerSecond: Double
        /// HMAC-SHA-1 over an 8-byte message with the key state precomputed (``HMACKey``), per second.
        package let precomputedHMACSHA1PerSecond: Double

        /// The rates as a Markdown table.
        package var description: String {
            func format(_ rate: Double) -> String {
                let rounded = Int(rate.rounded())
                var digits = Array(String(rounded))
                var index = digits.count - 3
                while index > 0 {
                    digits.insert(",", at: index)
                    index -= 3
                }
                return String(digits).padding(toLength: 14)
            }
            return """
                | measurement                                          | per second     |
                |------------------------------------------------------|----------------|
                | TOTP verify, wrong code, ±1 window (3 HMAC-SHA-1)    | \(format(totpWrongCodeVerificationsPerSecond)) |
                | TOTP verify, right code, ±1 window                   | \(format(totpRightCodeVerificationsPerSecond)) |
                | libcrypto HMAC() one-shot, SHA-1, 8-byte message     | \(format(libcryptoOneShotHMACSHA1PerSecond)) |
                | HMAC-SHA-1 with precomputed key state (HMACKey)      | \(format(precomputedHMACSHA1PerSecond)) |
                """
        }
    }

    /// Runs each measurement for about `seconds` seconds.
    ///
    /// - Parameter seconds: Time per measurement.
    /// - Returns: The rates.
    package static func run(seconds: Double = 1) -> Result {
        let secret = OTPSecret.generate(for: .sha1)
        let now: Int64 = 1_700_000_000
        // Setting up an HMAC over a fresh secret fails only without memory or the default provider.
        guard let totp = try? TOTP(secret: secret) else { fatalError("cannot set up HMAC-SHA-1") }
        let right = (try? totp.code(at: now)) ?? "000000"
        // A code that matches none of the three steps in the window.
        var wrongValue = 0
        while [-30, 0, 30].contains(where: { (try? totp.code(at: now + Int64($0))) == OneTimeCodeFormat.text(of: UInt32(wrongValue), digits: 6) }) {
            wrongValue += 1
        }
        let wrong = OneTimeCodeFormat.text(of: UInt32(wrongValue), digits: 6)

        let wrongRate = measure(seconds: seconds) { iterations in
            var rejected = 0
            for _ in 0..<iterations {
                do { _ = try totp.verify(wrong, at: now, window: 1) } catch { rejected += 1 }
            }
            return rejected
        }
        let rightRate = measure(seconds: seconds) { iterations in
            var accepted = 0
            for _ in 0..<iterations {
                if (try? totp.verify(right, at: now, window: 1)) != nil { accepted += 1 }
            }
            return accepted
        }
        let key = secret.bytes
        var message: [UInt8] = [0, 0, 0, 0, 3, 0x2A, 0x9A, 0x55]
        let oneShotRate = measure(seconds: seconds) { iterations in
            var sink = 0
            for index in 0..<iterations {
                message[7] = UInt8(truncatingIfNeeded: index)
                sink &+= Int(HMAC.authenticationCode(.sha1, key: key, message: message)[0])
            }
            return sink
        }
        let precomputed = totp.hotp.key
        let precomputedRate = measure(seconds: seconds) { iterations in
            var sink = 0
            for index in 0..<iterations {
                message[7] = UInt8(truncatingIfNeeded: index)
                sink &+= message.withUnsafeBytes { message in
                    precomputed.withAuthenticationCode(of: message) { Int($0[0]) }
                }
            }
            return sink
        }
        return Result(
            totpWrongCodeVerificationsPerSecond: wrongRate, totpRightCodeVerificationsPerSecond: rightRate,
            libcryptoOneShotHMACSHA1PerSecond: oneShotRate, precomputedHMACSHA1PerSecond: precomputedRate)
    }

    /// Runs `body` in growing batches until `seconds` have passed; returns iterations per second.
    private static func measure(seconds: Double, _ body: (Int) -> Int) -> Double {
        let clock = ContinuousClock()
        var batch = 1_000
        var iterations = 0
        var sink = 0
        let start = clock.now
        var elapsed = 0.0
        while elapsed < seconds {
            sink &+= body(batch)
            iterations += batch
            let duration = clock.now - start
            elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
            if elapsed < seconds / 10 { batch *= 2 }
        }
        // Keep the work observable so the optimiser cannot drop it.
        if sink == Int.min { print(sink) }
        return Double(iterations) / max(elapsed, 1e-9)
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
