import Foundation
import Testing
import _TestSupport

/// The `keybridge verify` command-line contract (issue 2 point 8): exit codes, stdout shapes and every option.
@Suite struct VerifyCommandTests {
    static let challenge: [UInt8] = Array(repeating: 0x42, count: 32)
    /// base64url of 32 bytes of 0x42, written out by hand (RFC 4648 §5 alphabet).
    static let challengeText = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"

    static let registrationArguments = [
        "verify", "registration", "--rp-id", "example.org", "--origin", "https://example.org", "--challenge", challengeText,
    ]

    static func authenticationArguments(record: URL, challenge: String = challengeText) -> [String] {
        [
            "verify", "authentication", "--rp-id", "example.org", "--origin", "https://example.org",
            "--challenge", challenge, "--credential", record.path,
        ]
    }

    @Test("--help prints the commands to stdout and exits 0")
    func helpExitsZero() throws {
        let top = try KeyBridgeProcess.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("verify"))
        let sub = try KeyBridgeProcess.run(["verify", "registration", "--help"])
        #expect(sub.status == 0)
        #expect(sub.stdout.contains("--trust-anchor"))
        #expect(sub.stdout.contains("--require-trusted-attestation"))
    }

    @Test(
        "Usage errors exit 64 with the reason on stderr and nothing on stdout",
        arguments: [
            ["verify"],
            ["verify", "nonsense"],
            ["verify", "registration", "--origin", "https://example.org", "--challenge", challengeText],
            ["verify", "registration", "--rp-id", "example.org", "--challenge", challengeText],
            ["verify", "registration", "--rp-id", "example.org", "--origin", "https://example.org"],
            registrationArguments + ["--unknown-flag"],
            registrationArguments + ["--time", "yesterday"],
            registrationArguments + ["--time", "-5"],
            registrationArguments + ["--trust-anchor", "/nonexistent/anchor.pem"],
            registrationArguments + ["--rp-id", "example.org"],
            ["verify", "registration", "--rp-id", "example.org", "--origin", "https://example.org", "--challenge", "not base64url!"],
            ["verify", "authentication", "--rp-id", "example.org", "--origin", "https://example.org", "--challenge", challengeText],
            ["verify", "authentication", "--rp-id", "example.org", "--origin", "https://example.org", "--challenge", challengeText,
             "--credential", "/nonexistent/record.json"],
            registrationArguments + ["stray-word"],
        ])
    func usageErrorsExit64(_ arguments: [String]) throws {
        let result = try KeyBridgeProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test("A trust anchor file that holds no certificate is a usage error")
    func trustAnchorWithoutCertificateIsUsageError() throws {
        let file = try KeyBridgeProcess.temporaryFile("not a certificate", suffix: ".pem")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try KeyBridgeProcess.run(Self.registrationArguments + ["--trust-anchor", file.path])
        #expect(result.status == 64)
    }

    @Test("A valid registration prints the credential record with every member the contract names")
    func registrationPrintsRecord() throws {
        let authenticator = TestAuthenticator()
        let result = try KeyBridgeProcess.run(
            Self.registrationArguments, stdin: authenticator.registrationResponse(challenge: Self.challenge))
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let record = try #require(result.json)
        // The test authenticator's credential ID is bytes 0...31, its AAGUID sixteen 0xAA bytes.
        #expect(record["id"] as? String == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
        #expect(record["aaguid"] as? String == "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")
        #expect(record["algorithm"] as? Int == -7)
        #expect(record["signCount"] as? Int == 0)
        #expect(record["attestationFormat"] as? String == "none")
        #expect(record["attestationType"] as? String == "none")
        #expect(record["attestationTrusted"] as? Bool == false)
        #expect(record["userVerified"] as? Bool == true)
        #expect(record["backupEligible"] as? Bool == false)
        #expect(record["backupState"] as? Bool == false)
        #expect(record["transports"] is [Any])
        #expect(record["publicKey"] is String)
    }

    @Test("A rejected registration exits 1 with {error, message} on stdout")
    func rejectedRegistrationPrintsError() throws {
        let authenticator = TestAuthenticator()
        let other = Array(repeating: UInt8(0x43), count: 32)
        let result = try KeyBridgeProcess.run(
            Self.registrationArguments, stdin: authenticator.registrationResponse(challenge: other))
        #expect(result.status == 1)
        let body = try #require(result.json)
        #expect(body["error"] as? String == "challenge-mismatch")
        #expect((body["message"] as? String)?.isEmpty == false)
        #expect(body.count == 2)
    }

    @Test("Input that is not JSON is rejected with exit 1, never a crash", arguments: ["", "{", "[]", "null", "\u{0}\u{1}"])
    func garbageInputIsRejected(_ input: String) throws {
        let result = try KeyBridgeProcess.run(Self.registrationArguments, stdin: input)
        #expect(result.status == 1)
        #expect(result.json?["error"] is String)
    }

    @Test("--require-user-verification refuses a response without UV")
    func requireUserVerification() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.authenticatorData.userVerified = false
        let response = TestAuthenticator().registrationResponse(challenge: Self.challenge, knobs: knobs)
        let relaxed = try KeyBridgeProcess.run(Self.registrationArguments, stdin: response)
        #expect(relaxed.status == 0)
        let strict = try KeyBridgeProcess.run(Self.registrationArguments + ["--require-user-verification"], stdin: response)
        #expect(strict.status == 1)
        #expect(strict.json?["error"] as? String == "user-not-verified")
    }

    @Test("--allow-cross-origin and --top-origin govern cross-origin responses")
    func crossOriginOptions() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.clientData.crossOrigin = true
        knobs.clientData.topOrigin = "https://top.example"
        let response = TestAuthenticator().registrationResponse(challenge: Self.challenge, knobs: knobs)
        let refused = try KeyBridgeProcess.run(Self.registrationArguments, stdin: response)
        #expect(refused.json?["error"] as? String == "cross-origin-not-allowed")
        let wrongTop = try KeyBridgeProcess.run(
            Self.registrationArguments + ["--allow-cross-origin", "--top-origin", "https://elsewhere.example"], stdin: response)
        #expect(wrongTop.json?["error"] as? String == "top-origin-mismatch")
        let accepted = try KeyBridgeProcess.run(
            Self.registrationArguments + ["--allow-cross-origin", "--top-origin", "https://top.example"], stdin: response)
        #expect(accepted.status == 0, "\(accepted.stdout)")
    }

    @Test("Several --origin values are all accepted")
    func severalOrigins() throws {
        let authenticator = TestAuthenticator(origin: "https://login.example.org")
        let response = authenticator.registrationResponse(challenge: Self.challenge)
        let one = try KeyBridgeProcess.run(Self.registrationArguments, stdin: response)
        #expect(one.json?["error"] as? String == "origin-mismatch")
        let two = try KeyBridgeProcess.run(Self.registrationArguments + ["--origin", "https://login.example.org"], stdin: response)
        #expect(two.status == 0)
    }

    @Test("Authentication prints the record with the new sign count, and refuses a replay as counter-regression")
    func authenticationUpdatesCountAndRefusesReplay() throws {
        var authenticator = TestAuthenticator()
        let registration = try KeyBridgeProcess.run(
            Self.registrationArguments, stdin: authenticator.registrationResponse(challenge: Self.challenge))
        try #require(registration.status == 0)
        let recordFile = try KeyBridgeProcess.temporaryFile(registration.stdout)
        defer { try? FileManager.default.removeItem(at: recordFile) }

        authenticator.signCount = 7
        let assertion = authenticator.assertion(challenge: Self.challenge)
        let first = try KeyBridgeProcess.run(Self.authenticationArguments(record: recordFile), stdin: assertion)
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        let updated = try #require(first.json)
        #expect(updated["signCount"] as? Int == 7)
        #expect(updated["id"] as? String == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")

        try first.stdout.write(to: recordFile, atomically: true, encoding: .utf8)
        let replay = try KeyBridgeProcess.run(Self.authenticationArguments(record: recordFile), stdin: assertion)
        #expect(replay.status == 1)
        #expect(replay.json?["error"] as? String == "counter-regression")
    }

    @Test("A record file with only id, publicKey and signCount is enough")
    func minimalRecordFile() throws {
        var authenticator = TestAuthenticator()
        let registration = try KeyBridgeProcess.run(
            Self.registrationArguments, stdin: authenticator.registrationResponse(challenge: Self.challenge))
        let full = try #require(registration.json)
        let minimal: [String: Any] = ["id": full["id"] ?? "", "publicKey": full["publicKey"] ?? "", "signCount": 3]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: minimal), as: UTF8.self)
        let recordFile = try KeyBridgeProcess.temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: recordFile) }
        authenticator.signCount = 4
        let result = try KeyBridgeProcess.run(
            Self.authenticationArguments(record: recordFile), stdin: authenticator.assertion(challenge: Self.challenge))
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.json?["signCount"] as? Int == 4)
    }

    @Test("A tampered assertion signature is refused as signature-invalid")
    func tamperedSignature() throws {
        let authenticator = TestAuthenticator()
        let registration = try KeyBridgeProcess.run(
            Self.registrationArguments, stdin: authenticator.registrationResponse(challenge: Self.challenge))
        let recordFile = try KeyBridgeProcess.temporaryFile(registration.stdout)
        defer { try? FileManager.default.removeItem(at: recordFile) }
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.corruptSignature = true
        let result = try KeyBridgeProcess.run(
            Self.authenticationArguments(record: recordFile), stdin: authenticator.assertion(challenge: Self.challenge, knobs: knobs))
        #expect(result.status == 1)
        #expect(result.json?["error"] as? String == "signature-invalid")
    }

    @Test("The README's example (W3C WebAuthn L3 §16.3 packed self attestation) registers and then authenticates")
    func readmeExampleVerifies() throws {
        let folder = PackageGraphTests.packageRoot.appendingPathComponent("Vectors/webauthn-l3")
        let registration = try #require(FileManager.default.contents(
            atPath: folder.appendingPathComponent("packed-self-es256.registration.json").path))
        let result = try KeyBridgeProcess.run(
            ["verify", "registration", "--rp-id", "example.org", "--origin", "https://example.org",
             "--challenge", "eGnCt3LUtY66k3jPjynibPk1qnffDaifqZwL3Ap29-U"], stdin: Array(registration))
        #expect(result.status == 0, "\(result.stdout)")
        let record = try #require(result.json)
        #expect(record["attestationFormat"] as? String == "packed")
        #expect(record["attestationType"] as? String == "self")
        // The §16.3 AAGUID, df850e09db6afbdfab51697791506cfc in the specification's hex.
        #expect(record["aaguid"] as? String == "df850e09-db6a-fbdf-ab51-697791506cfc")

        let recordFile = try KeyBridgeProcess.temporaryFile(result.stdout)
        defer { try? FileManager.default.removeItem(at: recordFile) }
        let assertion = try #require(FileManager.default.contents(
            atPath: folder.appendingPathComponent("packed-self-es256.authentication.json").path))
        let authenticated = try KeyBridgeProcess.run(
            Self.authenticationArguments(record: recordFile, challenge: "RHihCxNSNI3RYME1Ow1Gm12xnrkcJ_ffpv7Tn-Jq8gs"),
            stdin: Array(assertion))
        #expect(authenticated.status == 0, "\(authenticated.stdout)")
    }
}
