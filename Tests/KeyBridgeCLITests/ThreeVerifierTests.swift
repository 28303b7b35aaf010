import FIDODevices
import Foundation
import Testing

/// Issue 3's end-to-end check: what `keybridge register` and `keybridge authenticate --virtual` print is accepted
/// by three verifiers that share no code: `keybridge verify`, libfido2 (`fido_cred_verify`, `fido_assert_verify`)
/// and Duo Labs' py_webauthn (PyPI `webauthn`, installed into `.build-venv` by `scripts/test`).
@Suite struct ThreeVerifierTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python with py_webauthn: `KEYBRIDGE_PYTHON`, or the virtual environment `scripts/test` makes.
    static var python: String {
        ProcessInfo.processInfo.environment["KEYBRIDGE_PYTHON"]
            ?? packageRoot.appendingPathComponent(".build-venv/bin/python").path
    }

    /// Runs `Tests/Interop/py_webauthn_verify.py` with `input` on stdin.
    static func pyWebAuthn(_ arguments: [String], input: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no Python at \(python): run scripts/test (it installs py_webauthn into .build-venv) or set KEYBRIDGE_PYTHON")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [packageRoot.appendingPathComponent("Tests/Interop/py_webauthn_verify.py").path] + arguments
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let errorData = LockedData()
        let reader = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return (process.terminationStatus, String(decoding: out, as: UTF8.self),
                String(decoding: errorData.value, as: UTF8.self))
    }

    static func base64URLDecode(_ text: String) throws -> [UInt8] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Array(try #require(Data(base64Encoded: base64)))
    }

    static func base64URLEncode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func freshChallenge() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URLEncode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A registration through the CLI, and its acceptance by all three verifiers.
    struct Registered {
        let workspace: DeviceCommandTests.Workspace
        let response: [String: Any]
        let record: URL
        let publicKeyCOSE: [UInt8]
    }

    static func registerAndVerifyThreeTimes(algorithm: String) throws -> Registered {
        let workspace = try DeviceCommandTests.Workspace()
        let challenge = freshChallenge()
        let registered = try workspace.run(
            ["register", "--rp-id", "example.com", "--user", "alice", "--challenge", challenge, "--algorithm", algorithm])
        #expect(registered.status == 0, "\(registered.stderr)")
        // stdout is one RegistrationResponseJSON and nothing else; the progress went to stderr.
        let response = try DeviceCommandTests.singleJSONObject(registered)
        #expect(registered.stderr.contains("Registering alice with example.com"))
        let clientData = try DeviceCommandTests.clientData(response)
        #expect(clientData["origin"] as? String == "https://example.com")
        let root = try KeyBridgeProcess.run(["attestation-root", "--virtual", workspace.stateFile])
        #expect(root.status == 0, "\(root.stderr)")
        let rootFile = try workspace.file("root.pem", root.stdout)

        // 1. KeyBridge's verifier, requiring the attestation to chain to the software authenticator's root.
        let verified = try KeyBridgeProcess.run(
            ["verify", "registration", "--rp-id", "example.com", "--origin", "https://example.com", "--challenge",
             challenge, "--trust-anchor", rootFile.path, "--require-trusted-attestation"], stdin: registered.stdout)
        #expect(verified.status == 0, "\(verified.stdout)")
        let record = try workspace.file("record.json", verified.stdout)

        // 2. libfido2's fido_cred_verify, fed the bytes of the JSON.
        let inner = try #require(response["response"] as? [String: Any])
        try LibFIDO2Verification.verifyRegistration(
            rpID: "example.com", clientDataJSON: try base64URLDecode(try #require(inner["clientDataJSON"] as? String)),
            attestationObject: try base64URLDecode(try #require(inner["attestationObject"] as? String)))

        // 3. py_webauthn, with the same attestation root.
        let python = try pyWebAuthn(
            ["registration", "--rp-id", "example.com", "--origin", "https://example.com", "--challenge=" + challenge,
             "--root", rootFile.path], input: registered.stdout)
        #expect(python.status == 0, "\(python.stderr)")
        let pythonResult = try object(python.stdout)
        #expect(pythonResult["credentialId"] as? String == response["id"] as? String)
        #expect(pythonResult["fmt"] as? String == "packed")
        let cose = try base64URLDecode(try #require(pythonResult["publicKey"] as? String))
        return Registered(workspace: workspace, response: response, record: record, publicKeyCOSE: cose)
    }

    @Test(
        "register and three authenticates through libfido2 are accepted by keybridge verify, libfido2 and py_webauthn, the sign count rising each time",
        arguments: ["es256", "eddsa"])
    func threeVerifiersAgree(_ algorithm: String) throws {
        let registered = try Self.registerAndVerifyThreeTimes(algorithm: algorithm)
        let workspace = registered.workspace
        let id = try #require(registered.response["id"] as? String)
        var record = registered.record
        var previousCount = 0
        for round in 1...3 {
            let challenge = Self.freshChallenge()
            let authenticated = try workspace.run(
                ["authenticate", "--rp-id", "example.com", "--challenge", challenge, "--credential-id", id])
            #expect(authenticated.status == 0, "\(authenticated.stderr)")
            let assertion = try DeviceCommandTests.singleJSONObject(authenticated)
            #expect(assertion["id"] as? String == id)

            let verified = try KeyBridgeProcess.run(
                ["verify", "authentication", "--rp-id", "example.com", "--origin", "https://example.com",
                 "--challenge", challenge, "--credential", record.path], stdin: authenticated.stdout)
            #expect(verified.status == 0, "\(verified.stdout)")
            let keyBridgeCount = try #require(verified.json?["signCount"] as? Int)
            record = try workspace.file("record-\(round).json", verified.stdout)

            let inner = try #require(assertion["response"] as? [String: Any])
            let authenticatorData = try Self.base64URLDecode(try #require(inner["authenticatorData"] as? String))
            try LibFIDO2Verification.verifyAssertion(
                rpID: "example.com",
                clientDataJSON: try Self.base64URLDecode(try #require(inner["clientDataJSON"] as? String)),
                authenticatorData: authenticatorData,
                signature: try Self.base64URLDecode(try #require(inner["signature"] as? String)),
                credentialPublicKey: registered.publicKeyCOSE)

            let python = try Self.pyWebAuthn(
                // `--name=value`: a base64url value may start with "-", which argparse would take for an option.
                ["authentication", "--rp-id", "example.com", "--origin", "https://example.com",
                 "--challenge=" + challenge, "--public-key=" + Self.base64URLEncode(registered.publicKeyCOSE),
                 "--sign-count", String(previousCount)], input: authenticated.stdout)
            #expect(python.status == 0, "\(python.stderr)")
            let pythonCount = try #require(try Self.object(python.stdout)["newSignCount"] as? Int)
            // WebAuthn L3 §6.1: the counter is bytes 33-36 of the authenticator data, big-endian.
            let counter = authenticatorData[33..<37].reduce(0) { $0 << 8 | Int($1) }
            #expect(keyBridgeCount == counter)
            #expect(pythonCount == counter)
            #expect(counter > previousCount)
            previousCount = counter
        }
    }

    @Test("An assertion with one signature byte changed is refused by all three verifiers")
    func tamperedSignatureRefusedByAll() throws {
        let registered = try Self.registerAndVerifyThreeTimes(algorithm: "es256")
        let id = try #require(registered.response["id"] as? String)
        let challenge = Self.freshChallenge()
        let authenticated = try registered.workspace.run(
            ["authenticate", "--rp-id", "example.com", "--challenge", challenge, "--credential-id", id])
        #expect(authenticated.status == 0, "\(authenticated.stderr)")
        var assertion = try DeviceCommandTests.singleJSONObject(authenticated)
        var inner = try #require(assertion["response"] as? [String: Any])
        var signature = try Self.base64URLDecode(try #require(inner["signature"] as? String))
        // The last byte of a DER ECDSA signature is inside s: changing it keeps the DER valid.
        signature[signature.count - 1] ^= 0x01
        inner["signature"] = Self.base64URLEncode(signature)
        assertion["response"] = inner
        let tampered = String(decoding: try JSONSerialization.data(withJSONObject: assertion), as: UTF8.self)

        let verified = try KeyBridgeProcess.run(
            ["verify", "authentication", "--rp-id", "example.com", "--origin", "https://example.com", "--challenge",
             challenge, "--credential", registered.record.path], stdin: tampered)
        #expect(verified.status == 1)
        #expect(verified.json?["error"] as? String == "signature-invalid")

        #expect(throws: FIDOError(.signatureInvalid, "")) {
            try LibFIDO2Verification.verifyAssertion(
                rpID: "example.com",
                clientDataJSON: try Self.base64URLDecode(try #require(inner["clientDataJSON"] as? String)),
                authenticatorData: try Self.base64URLDecode(try #require(inner["authenticatorData"] as? String)),
                signature: signature, credentialPublicKey: registered.publicKeyCOSE)
        }

        let python = try Self.pyWebAuthn(
            ["authentication", "--rp-id", "example.com", "--origin", "https://example.com", "--challenge=" + challenge,
             "--public-key=" + Self.base64URLEncode(registered.publicKeyCOSE), "--sign-count", "0"], input: tampered)
        #expect(python.status == 1)
        #expect(python.stderr.contains("InvalidAuthenticationResponse"), "\(python.stderr)")
    }
}
