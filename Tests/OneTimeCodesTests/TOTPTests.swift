import Foundation
import Testing
@testable import OneTimeCodes

/// RFC 6238 Appendix B: seeds are the ASCII digits "1234567890" repeated to 20 bytes (SHA-1), 32 bytes
/// (SHA-256) and 64 bytes (SHA-512); 8-digit codes, X = 30 s, T0 = 0.
struct RFC6238Vector: Sendable, CustomTestStringConvertible {
    let time: Int64
    let step: UInt64
    let algorithm: OTPAlgorithm
    let code: String

    var testDescription: String { "\(algorithm) at \(time)" }

    var seed: [UInt8] {
        let length = algorithm.recommendedSecretLength
        return Array(String(repeating: "1234567890", count: 7).utf8.prefix(length))
    }

    static let all: [RFC6238Vector] = {
        let rows: [(Int64, UInt64, String, String, String)] = [
            (59, 0x1, "94287082", "46119246", "90693936"),
            (1_111_111_109, 0x23523EC, "07081804", "68084774", "25091201"),
            (1_111_111_111, 0x23523ED, "14050471", "67062674", "99943326"),
            (1_234_567_890, 0x273EF07, "89005924", "91819424", "93441116"),
            (2_000_000_000, 0x3F940AA, "69279037", "90698825", "38618901"),
            (20_000_000_000, 0x27BC86AA, "65353130", "77737706", "47863826"),
        ]
        return rows.flatMap { row in
            [
                RFC6238Vector(time: row.0, step: row.1, algorithm: .sha1, code: row.2),
                RFC6238Vector(time: row.0, step: row.1, algorithm: .sha256, code: row.3),
                RFC6238Vector(time: row.0, step: row.1, algorithm: .sha512, code: row.4),
            ]
        }
    }()
}

@Suite struct TOTPTests {
    static let defaultSecret = try! OTPSecret(bytes: Array("12345678901234567890".utf8))

    @Test("TOTP matches RFC 6238 Appendix B for SHA-1, SHA-256 and SHA-512", arguments: RFC6238Vector.all)
    func rfc6238(vector: RFC6238Vector) throws {
        let totp = try TOTP(
            secret: OTPSecret(bytes: vector.seed), configuration: .init(algorithm: vector.algorithm, digits: 8))
        #expect(totp.timeStep(at: vector.time) == vector.step)
        #expect(try totp.code(at: vector.time) == vector.code)
        let match = try totp.verify(vector.code, at: vector.time, window: 0)
        #expect(match == TOTPMatch(timeStep: vector.step, drift: 0))
    }

    @Test("The default is SHA-1, 6 digits, 30 seconds")
    func defaults() throws {
        let totp = try TOTP(secret: Self.defaultSecret)
        #expect(totp.configuration == TOTPConfiguration(algorithm: .sha1, digits: 6, period: 30))
        // RFC 6238's SHA-1 value at T = 59 is 94287082; the 6-digit code is its last six digits.
        #expect(try totp.code(at: 59) == "287082")
        #expect(totp.secondsRemaining(at: 59) == 1)
        #expect(totp.secondsRemaining(at: 60) == 30)
    }

    @Test("A code one step early or late passes with the default window of 1 and fails with window 0")
    func window() throws {
        let totp = try TOTP(secret: Self.defaultSecret)
        let now: Int64 = 1_700_000_000
        let previous = try totp.code(at: now - 30)
        let next = try totp.code(at: now + 30)
        let current = try #require(totp.timeStep(at: now))
        #expect(try totp.verify(previous, at: now) == TOTPMatch(timeStep: current - 1, drift: -1))
        #expect(try totp.verify(next, at: now) == TOTPMatch(timeStep: current + 1, drift: 1))
        #expect(throws: OneTimeCodeError(.invalidCode, "")) { try totp.verify(previous, at: now, window: 0) }
        #expect(throws: OneTimeCodeError(.invalidCode, "")) { try totp.verify(next, at: now, window: 0) }
    }

    @Test("A phone clock off by more than the window fails; a wider window accepts it")
    func clockSkew() throws {
        let totp = try TOTP(secret: Self.defaultSecret)
        let now: Int64 = 1_700_000_000
        let twoStepsAhead = try totp.code(at: now + 60)
        let threeStepsBehind = try totp.code(at: now - 90)
        for code in [twoStepsAhead, threeStepsBehind] where code != (try totp.code(at: now)) {
            #expect(throws: OneTimeCodeError(.invalidCode, "")) { try totp.verify(code, at: now) }
        }
        #expect(try totp.verify(twoStepsAhead, at: now, window: 2).drift == 2)
        #expect(try totp.verify(threeStepsBehind, at: now, window: 3).drift == -3)
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try totp.verify("123456", at: now, window: 11) }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try totp.verify("123456", at: now, window: -1) }
    }

    @Test("A time step accepted once is never accepted again, nor any step before it")
    func replay() throws {
        let totp = try TOTP(secret: Self.defaultSecret)
        let now: Int64 = 1_700_000_000
        let code = try totp.code(at: now)
        let first = try totp.verify(code, at: now, lastAcceptedTimeStep: nil)
        #expect(throws: OneTimeCodeError(.codeReused, "")) {
            try totp.verify(code, at: now, lastAcceptedTimeStep: first.timeStep)
        }
        // Still refused later in the same step (now is 20 s into its step), and in the next step, whose
        // window reaches back to it.
        for later in [now + 5, now + 15] {
            #expect(throws: OneTimeCodeError(.codeReused, "")) {
                try totp.verify(code, at: later, lastAcceptedTimeStep: first.timeStep)
            }
        }
        // An older code (the previous step) is refused once a later step was accepted.
        let previous = try totp.code(at: now - 30)
        #expect(throws: OneTimeCodeError(.codeReused, "")) {
            try totp.verify(previous, at: now, lastAcceptedTimeStep: first.timeStep)
        }
        // The next step's code is fresh.
        let next = try totp.code(at: now + 30)
        #expect(try totp.verify(next, at: now + 30, lastAcceptedTimeStep: first.timeStep).timeStep == first.timeStep + 1)
    }

    @Test("Wrong, malformed and pre-epoch input is an invalid code whose user message is the articles' text")
    func wrongCodes() throws {
        let totp = try TOTP(secret: Self.defaultSecret)
        let now: Int64 = 1_700_000_000
        let right = try totp.code(at: now)
        let candidates = (0..<1000).map { OneTimeCodeFormat.text(of: UInt32($0), digits: 6) }
        let window = try [-30, 0, 30].map { try totp.code(at: now + Int64($0)) }
        let wrong = try #require(candidates.first { !window.contains($0) })
        do {
            _ = try totp.verify(wrong, at: now)
            Issue.record("a wrong code was accepted")
        } catch {
            #expect(error.code == .invalidCode)
            #expect(error.userMessage == "Code is not valid. Try again, or view troubleshooting tips")
        }
        for input in [String(right.dropLast()), right + "1", "abcdef", ""] {
            #expect(throws: OneTimeCodeError(.invalidCode, "")) { try totp.verify(input, at: now) }
        }
        #expect(throws: OneTimeCodeError(.invalidCode, "")) { try totp.verify(right, at: -1) }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try totp.code(at: -1) }
    }

    @Test("Configurations outside 6...8 digits or 1...86400 s periods are refused")
    func configuration() {
        for configuration in [
            TOTPConfiguration(digits: 5), TOTPConfiguration(digits: 9), TOTPConfiguration(period: 0),
            TOTPConfiguration(period: 86_401),
        ] {
            #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try TOTP(secret: Self.defaultSecret, configuration: configuration) }
        }
    }

    @Test("Generated secrets are 160, 256 and 512 bits and differ from one another")
    func secretGeneration() throws {
        for algorithm in OTPAlgorithm.allCases {
            let a = OTPSecret.generate(for: algorithm)
            let b = OTPSecret.generate(for: algorithm)
            #expect(a.byteCount * 8 == [OTPAlgorithm.sha1: 160, .sha256: 256, .sha512: 512][algorithm])
            #expect(a != b)
            #expect(try OTPSecret(base32: a.base32) == a)
        }
        #expect(throws: OneTimeCodeError(.invalidSecret, "")) { try OTPSecret(bytes: [UInt8](repeating: 1, count: 15)) }
        let shown = OTPSecret.generate()
        #expect(!shown.description.contains(shown.base32))
        #expect(!shown.description.contains(String(shown.base32.prefix(8))))
    }

    @Test("TOTP agrees with oathtool for random secrets, times, digits, periods and algorithms",
          .enabled(if: Tool.exists("oathtool")))
    func oathtoolTOTP() throws {
        var random = SplitMix64(state: 6238)
        for index in 0..<90 {
            let algorithm = OTPAlgorithm.allCases[index % 3]
            let secret = random.bytes(16 + Int(random.next() % 49))
            let digits = 6 + Int(random.next() % 3)
            let period = [30, 60, 15, 1, 45, 300][Int(random.next() % 6)]
            let time = Int64(random.next() % 4_000_000_000)
            let output = try Tool.run(
                "oathtool",
                ["--totp=\(algorithm.rawValue.lowercased())", "-d", "\(digits)", "-s", "\(period)", "-N", "@\(time)",
                 secret.hex]
            ).output.trimmingCharacters(in: .whitespacesAndNewlines)
            let totp = try TOTP(
                secret: OTPSecret(bytes: secret),
                configuration: .init(algorithm: algorithm, digits: digits, period: Int64(period)))
            #expect(try totp.code(at: time) == output, "\(algorithm) \(digits) digits, \(period) s, t=\(time)")
            #expect(try totp.verify(output, at: time, window: 0).drift == 0)
        }
    }
}
