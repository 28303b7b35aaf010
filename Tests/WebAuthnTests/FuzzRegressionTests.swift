import CBOR
import Foundation
import Testing
@_spi(ExpertsOnly) @_spi(Fuzzing) import WebAuthn
import _TestSupport

/// Replays every input a WebAuthn fuzz target ever crashed on (Fuzz/FailCases/<Target>/, see Fuzz/README.md)
/// through the parser that target feeds, and what the target runs behind it.
///
/// Each file must give a value or a ``WebAuthnError`` (the APIs throw that type only), never a trap; an accepted
/// input must also keep the invariants below that the targets check. A trap here crashes the test process, which
/// fails the run. The seed corpora (Fuzz/Corpus/<Target>/) are checked too: a fuzzer that starts from seeds its
/// parser refuses explores little.
@Suite("WebAuthn fuzz regressions")
struct FuzzRegressionTests {
    /// The fuzz targets that feed this module.
    static let targets = [
        "FuzzAttestationObject", "FuzzAuthenticatorData", "FuzzCOSEKey", "FuzzRegistrationResponseJSON",
        "FuzzAuthenticationResponseJSON",
    ]

    /// Fuzz/ in this checkout, found from this file's path.
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files (not dot files) of Fuzz/<folder>/<target>/, sorted.
    static func files(_ folder: String, _ target: String) -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target)
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    static func isDirectory(_ folder: String, _ target: String) -> Bool {
        var isDirectory: ObjCBool = false
        let path = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target).path
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    @Test("Every WebAuthn fuzz target has a fail-case folder and a non-empty seed corpus", arguments: targets)
    func foldersExist(target: String) {
        #expect(Self.isDirectory("FailCases", target))
        #expect(!Self.files("Corpus", target).isEmpty)
    }

    @Test("Every recorded fuzz crash now gives a value or a typed error, keeping the target's invariants", arguments: targets)
    func replayFailCases(target: String) throws {
        for file in Self.files("FailCases", target) {
            let input = [UInt8](try Data(contentsOf: file))
            Self.replay(target, input, file: file.lastPathComponent)
        }
    }

    @Test("Every committed seed is accepted by the parser its target feeds", arguments: targets)
    func seedsParse(target: String) throws {
        for file in Self.files("Corpus", target) {
            let input = [UInt8](try Data(contentsOf: file))
            let accepted: Bool
            switch target {
            case "FuzzAttestationObject": accepted = (try? AttestationObject(bytes: input)) != nil
            case "FuzzAuthenticatorData": accepted = (try? AuthenticatorData(bytes: input)) != nil
            case "FuzzCOSEKey":
                let length = (try? CBORDecoder().decodePrefix(input[...]))?.length ?? 0
                accepted = (try? COSEKey(encoded: Array(input.prefix(length)), allowRS1: true)) != nil
            case "FuzzRegistrationResponseJSON": accepted = (try? RegistrationResponseJSON(jsonBytes: input)) != nil
            default: accepted = (try? AuthenticationResponseJSON(jsonBytes: input)) != nil
            }
            #expect(accepted, "\(target) seed \(file.lastPathComponent) is refused")
        }
    }

    // MARK: - Replay, per target

    /// The fixed inputs the targets use besides the fuzz input.
    static let challenge = Array("KeyBridge fuzz challenge 32 byte".utf8)
    static let verificationTime: Int64 = 1_767_225_600
    static let coseMessage = Array("KeyBridge fuzz COSE message".utf8)

    static func replay(_ target: String, _ input: [UInt8], file: String) {
        switch target {
        case "FuzzAttestationObject": replayAttestationObject(input, file)
        case "FuzzAuthenticatorData": replayAuthenticatorData(input, file)
        case "FuzzCOSEKey": replayCOSEKey(input, file)
        case "FuzzRegistrationResponseJSON": replayRegistrationResponse(input, file)
        default: replayAuthenticationResponse(input, file)
        }
    }

    static func replayAttestationObject(_ input: [UInt8], _ file: String) {
        guard let object = try? AttestationObject(bytes: input) else { return }
        checkLayout(object.authenticatorData, file)
        let verify = {
            Result { () throws(WebAuthnError) in
                try FuzzingEntryPoints.verifyAttestationStatement(
                    object, clientDataHash: Array(repeating: 0x5A, count: 32), verificationTime: verificationTime)
            }
        }
        switch (verify(), verify()) {
        case (.success(let a), .success(let b)):
            #expect(a.type == b.type && a.trustPath == b.trustPath && !a.isTrusted, "\(file): verification not repeatable")
        case (.failure(let a), .failure(let b)):
            #expect(a.code == b.code, "\(file): verification fails differently twice")
        default:
            Issue.record("\(file): verification outcome not repeatable")
        }
    }

    static func replayAuthenticatorData(_ input: [UInt8], _ file: String) {
        guard let data = try? AuthenticatorData(bytes: input) else { return }
        checkLayout(data, file)
        var offset = 37
        if let attested = data.attestedCredentialData {
            offset += 18 + attested.credentialID.count + attested.credentialPublicKey.count
            _ = Result { () throws(WebAuthnError) in try COSEKey(encoded: attested.credentialPublicKey) }
        }
        if let extensions = data.extensions {
            // The extensions are the CBOR map that ends the input, compared as encoded items (NaN included).
            let decoded = try? CBORDecoder().decode(input[min(offset, input.count)...])
            #expect(decoded?.isIdentical(to: .map(extensions)) == true, "\(file): extensions are not the final map")
        } else {
            #expect(offset == input.count, "\(file): bytes follow the last parsed field")
        }
        #expect((try? AuthenticatorData(bytes: input + [0])) == nil, "\(file): a trailing byte is accepted")
    }

    /// rawValue, rpIdHash, flags and counter come from their bytes; AT and ED match the parsed content.
    static func checkLayout(_ data: AuthenticatorData, _ file: String) {
        let raw = data.rawValue
        #expect(raw.count >= 37, "\(file): authenticator data shorter than 37 bytes")
        guard raw.count >= 37 else { return }
        #expect(data.rpIDHash == Array(raw[0..<32]) && data.flags.rawValue == raw[32], "\(file): rpIdHash or flags")
        #expect(data.signCount == UInt32(raw[33]) << 24 | UInt32(raw[34]) << 16 | UInt32(raw[35]) << 8 | UInt32(raw[36]))
        #expect((data.attestedCredentialData != nil) == data.flags.contains(.AT), "\(file): AT flag")
        #expect((data.extensions != nil) == data.flags.contains(.ED), "\(file): ED flag")
    }

    static func replayCOSEKey(_ input: [UInt8], _ file: String) {
        guard let length = (try? CBORDecoder().decodePrefix(input[...]))?.length else {
            #expect(throws: WebAuthnError.self) { try COSEKey(encoded: input) }
            return
        }
        let signature = Array(input[length...])
        guard let key = try? COSEKey(encoded: Array(input[..<length]), allowRS1: true) else { return }
        let verifies = key.verifySignature(signature, over: coseMessage)
        if verifies {
            #expect(!key.verifySignature(signature, over: coseMessage + [0]), "\(file): one signature, two messages")
        }
        let spki = key.subjectPublicKeyInfoDER()
        let roundTrip = try? COSEKey(subjectPublicKeyInfoDER: spki, algorithm: key.algorithm)
        #expect(roundTrip?.subjectPublicKeyInfoDER() == spki, "\(file): SPKI round trip")
        #expect(roundTrip?.verifySignature(signature, over: coseMessage) == verifies, "\(file): round-tripped verdict")
    }

    static func replayRegistrationResponse(_ input: [UInt8], _ file: String) {
        guard let response = try? RegistrationResponseJSON(jsonBytes: input) else { return }
        #expect((try? JSONParser().parse(input)) != nil, "\(file): accepted, but the tree JSON parser refuses it")
        let party = RelyingParty(
            configuration: .init(rpID: "example.org", rpName: "KeyBridge fuzz", allowedOrigins: ["https://example.org"]))
        let state = RegistrationState(
            challenge: challenge, rpID: "example.org", allowedOrigins: ["https://example.org"],
            requireUserVerification: false, allowCrossOrigin: true, allowedTopOrigins: ["https://top.example"],
            expiresAt: Int64.max)
        _ = Result { () throws(WebAuthnError) in try party.finishRegistration(response, state: state) }
        #expect(throws: WebAuthnError.self) { try party.finishRegistration(response, state: state) }
    }

    static func replayAuthenticationResponse(_ input: [UInt8], _ file: String) {
        guard let response = try? AuthenticationResponseJSON(jsonBytes: input) else { return }
        #expect((try? JSONParser().parse(input)) != nil, "\(file): accepted, but the tree JSON parser refuses it")
        guard let key = try? COSEKey(encoded: TestCredentialKey.es256.coseKey) else {
            Issue.record("the ES256 test key does not parse")
            return
        }
        let party = RelyingParty(
            configuration: .init(rpID: "example.org", rpName: "KeyBridge fuzz", allowedOrigins: ["https://example.org"]))
        let state = AuthenticationState(
            challenge: challenge, rpID: "example.org", allowedOrigins: ["https://example.org"],
            requireUserVerification: false, allowCrossOrigin: true, allowedTopOrigins: ["https://top.example"],
            expiresAt: Int64.max)
        let credential = CredentialRecord(uncheckedID: response.rawID, publicKey: key, signCount: 0)
        _ = Result { () throws(WebAuthnError) in
            try party.finishAuthentication(response, state: state, credential: credential)
        }
        #expect(throws: WebAuthnError.self) { try party.finishAuthentication(response, state: state, credential: credential) }
    }
}
