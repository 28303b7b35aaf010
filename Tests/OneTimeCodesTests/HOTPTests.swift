import Foundation
import Testing
@testable import OneTimeCodes

/// RFC 4226 Appendix D: the secret is the ASCII string "12345678901234567890"; the HOTP values for
/// counters 0 to 9 are listed in the last table of the appendix.
private let rfc4226Secret = Array("12345678901234567890".utf8)
private let rfc4226Codes = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]

@Suite struct HOTPTests {
    @Test("HOTP matches the RFC 4226 Appendix D values for counters 0 to 9", arguments: 0..<10)
    func rfc4226(counter: Int) throws {
        let hotp = try HOTP(secret: OTPSecret(bytes: rfc4226Secret))
        #expect(hotp.code(counter: UInt64(counter)) == rfc4226Codes[counter])
    }

    @Test("HOTP verification finds the counter within the look-ahead window and refuses codes past it")
    func lookAhead() throws {
        let hotp = try HOTP(secret: OTPSecret(bytes: rfc4226Secret))
        #expect(try hotp.verify("162583", counter: 5, lookAhead: 2) == 7)
        #expect(try hotp.verify("254676", counter: 5, lookAhead: 0) == 5)
        #expect(throws: OneTimeCodeError(.invalidCode, "")) { try hotp.verify("399871", counter: 5, lookAhead: 2) }
        // An accepted counter is stored plus one, so its code is refused next time.
        #expect(throws: OneTimeCodeError(.invalidCode, "")) { try hotp.verify("254676", counter: 6, lookAhead: 3) }
    }

    @Test("HOTP refuses digit counts outside 6...8 and malformed input")
    func parameters() throws {
        let secret = try OTPSecret(bytes: rfc4226Secret)
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try HOTP(secret: secret, digits: 5) }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try HOTP(secret: secret, digits: 9) }
        let hotp = try HOTP(secret: secret)
        for input in ["75522", "7552244", "75522a", "", "755224\u{0}", "٧٥٥٢٢٤"] {
            #expect(throws: OneTimeCodeError(.invalidCode, "")) { try hotp.verify(input, counter: 0) }
        }
        #expect(try hotp.verify("755 224", counter: 0) == 0)
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try hotp.verify("755224", counter: 0, lookAhead: 101) }
    }

    @Test("HOTP agrees with oathtool for random secrets, counters and digit counts",
          .enabled(if: Tool.exists("oathtool")))
    func oathtoolHOTP() throws {
        var random = SplitMix64(state: 4226)
        for _ in 0..<40 {
            let secret = random.bytes(16 + Int(random.next() % 48))
            let counter = random.next() % 10_000_000_000
            let digits = 6 + Int(random.next() % 3)
            let expected = try Tool.run("oathtool", ["--hotp", "-d", "\(digits)", "-c", "\(counter)", secret.hex]).output
            let hotp = try HOTP(secret: OTPSecret(bytes: secret), digits: digits)
            #expect(hotp.code(counter: counter) == expected.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
