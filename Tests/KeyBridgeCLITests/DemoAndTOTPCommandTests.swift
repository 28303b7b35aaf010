import Foundation
import Testing

/// `keybridge demo` (the README's main job) and `keybridge totp code`, through the built binary.
@Suite struct DemoCommandTests {
    @Test(
        "With no key plugged in, demo says it uses the software authenticator, registers with trusted attestation and signs in with a rising counter",
        .enabled(if: !DeviceCommandTests.hasHIDRaw))
    func demoFallsBackToTheSoftwareAuthenticator() throws {
        let result = try KeyBridgeProcess.run(["demo", "--json", "--sign-ins", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Using KeyBridge's software authenticator (no security key is plugged in)"))
        let report = try DeviceCommandTests.singleJSONObject(result)
        #expect((report["authenticator"] as? String)?.contains("software authenticator") == true)
        #expect(report["rpId"] as? String == "example.org")
        #expect(report["attestationFormat"] as? String == "packed")
        #expect(report["attestationTrusted"] as? Bool == true)
        #expect(report["signIns"] as? Int == 3)
        let counts = try #require(report["signCounts"] as? [Int])
        #expect(counts.count == 4)
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 < $1 }, "\(counts)")
    }

    @Test("demo --virtual keeps the state file: a second run's counter continues above the first run's")
    func demoWithAStateFileContinuesTheCounter() throws {
        let workspace = try DeviceCommandTests.Workspace()
        let first = try workspace.run(["demo", "--json", "--sign-ins", "1", "--algorithm", "eddsa"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try workspace.run(["demo", "--json", "--sign-ins", "1", "--algorithm", "eddsa"])
        #expect(second.status == 0, "\(second.stderr)")
        let firstCounts = try #require(try DeviceCommandTests.singleJSONObject(first)["signCounts"] as? [Int])
        let secondCounts = try #require(try DeviceCommandTests.singleJSONObject(second)["signCounts"] as? [Int])
        #expect(try DeviceCommandTests.singleJSONObject(second)["algorithm"] as? String == "EdDSA")
        #expect(try #require(secondCounts.first) > (try #require(firstCounts.last)))
    }

    @Test("demo prints a readable summary by default and refuses --sign-ins 0 as a usage error")
    func demoTextAndUsage() throws {
        let workspace = try DeviceCommandTests.Workspace()
        let text = try workspace.run(["demo"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("registered:"))
        #expect(text.stdout.contains("signed in:      2 times, each verified"))
        let bad = try KeyBridgeProcess.run(["demo", "--sign-ins", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--sign-ins"))
    }
}

@Suite struct TOTPCodeCommandTests {
    /// RFC 6238 Appendix B: the seeds ("12345678901234567890" repeated to 20, 32 and 64 bytes, here in Base32,
    /// RFC 4648 §6) and the 8-digit codes of its table.
    static let seeds = [
        "SHA1": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "SHA256": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====",
        "SHA512": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=",
    ]
    static let rfc6238: [(time: Int64, sha1: String, sha256: String, sha512: String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test("totp code prints the RFC 6238 Appendix B codes for SHA1, SHA256 and SHA512, the secret read from stdin")
    func rfc6238Vectors() throws {
        for row in Self.rfc6238 {
            for (algorithm, expected) in [("SHA1", row.sha1), ("SHA256", row.sha256), ("SHA512", row.sha512)] {
                let result = try KeyBridgeProcess.run(
                    ["totp", "code", "--secret", "-", "--algorithm", algorithm, "--digits", "8", "--time",
                     String(row.time)], stdin: try #require(Self.seeds[algorithm]) + "\n")
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout == expected + "\n", "\(algorithm) at \(row.time)")
                #expect(result.stderr.isEmpty)
            }
        }
    }

    @Test("A secret on the command line works but warns, a secret file works, and bad Base32 fails with exit 1")
    func secretSources() throws {
        let literal = try KeyBridgeProcess.run(
            ["totp", "code", "--secret", "gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "--time", "59"])
        #expect(literal.status == 0, "\(literal.stderr)")
        // RFC 6238 Appendix B, SHA1 at T = 59, the last 6 of its 8 digits (RFC 4226 §5.3: modulo 10^6).
        #expect(literal.stdout == "287082\n")
        #expect(literal.stderr.contains("warning: a secret on the command line is visible"))

        let file = try KeyBridgeProcess.temporaryFile("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n", suffix: ".txt")
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try KeyBridgeProcess.run(["totp", "code", "--secret-file", file.path, "--time", "1111111109"])
        #expect(fromFile.stdout == "081804\n")
        #expect(fromFile.stderr.isEmpty)

        let bad = try KeyBridgeProcess.run(["totp", "code", "--secret", "-"], stdin: "not base32 at all!\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not usable Base32"))
        let usage = try KeyBridgeProcess.run(["totp", "code", "--secret", "-", "--digits", "9"], stdin: "GEZDGNBV\n")
        #expect(usage.status == 64)
    }

    @Test("totp code agrees with oathtool on random secrets, times, digit counts, periods and algorithms")
    func agreesWithOathtool() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<25 {
            let secret = (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let hex = secret.map { String(format: "%02x", $0) }.joined()
            let base32 = try oathtoolBase32(hex: hex)
            let algorithm = ["SHA1", "SHA256", "SHA512"].randomElement(using: &generator) ?? "SHA1"
            let digits = Int.random(in: 6...8, using: &generator)
            let period = [30, 60, 15].randomElement(using: &generator) ?? 30
            let time = Int64.random(in: 0...4_000_000_000, using: &generator)
            let ours = try KeyBridgeProcess.run(
                ["totp", "code", "--secret", "-", "--algorithm", algorithm, "--digits", String(digits), "--period",
                 String(period), "--time", String(time)], stdin: base32 + "\n")
            #expect(ours.status == 0, "\(ours.stderr)")
            let theirs = try Oathtool.run(
                ["--totp=\(algorithm.lowercased())", "--digits=\(digits)", "--time-step-size=\(period)s",
                 "--now=@\(time)", hex])
            #expect(ours.stdout == theirs, "\(algorithm) \(digits) digits, \(period) s, at \(time)")
        }
    }

    /// The Base32 form of a hex secret, as oathtool itself prints it (`oathtool -v` "Base32 secret:").
    func oathtoolBase32(hex: String) throws -> String {
        let verbose = try Oathtool.run(["--totp", "-v", hex])
        let line = try #require(verbose.split(separator: "\n").first { $0.hasPrefix("Base32 secret: ") })
        return String(line.dropFirst("Base32 secret: ".count))
    }
}
