import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn
import _TestSupport

@Suite struct AuthenticatorDataTests {
    let authenticator = TestAuthenticator()

    @Test("parses rpIdHash, flags, counter and attested credential data of a registration")
    func parsesRegistration() throws {
        var knobs = TestAuthenticator.AuthenticatorDataKnobs()
        knobs.signCount = 0x0102_0304
        knobs.backupEligible = true
        let bytes = authenticator.authenticatorData(attested: true, knobs: knobs)
        let data = try AuthenticatorData(bytes: bytes)
        #expect(data.rawValue == bytes)
        #expect(data.rpIDHash == Digest.sha256(Array("example.org".utf8)))
        #expect(data.flags == [.userPresent, .userVerified, .backupEligible, .attestedCredentialData])
        #expect(data.signCount == 0x0102_0304)
        let attested = try #require(data.attestedCredentialData)
        #expect(attested.aaguid.bytes == authenticator.aaguid)
        #expect(attested.credentialID == authenticator.credentialID)
        #expect(attested.credentialPublicKey == TestCredentialKey.es256.coseKey)
        #expect(data.extensions == nil)
    }

    @Test("parses a 37-byte assertion and an extensions map after the attested data")
    func parsesAssertionAndExtensions() throws {
        let assertion = try AuthenticatorData(bytes: authenticator.authenticatorData(attested: false))
        #expect(assertion.attestedCredentialData == nil)
        #expect(assertion.rawValue.count == 37)
        var knobs = TestAuthenticator.AuthenticatorDataKnobs()
        knobs.extensions = .map(CBORMap([("credProtect", 2)]))
        let data = try AuthenticatorData(bytes: authenticator.authenticatorData(attested: true, knobs: knobs))
        #expect(data.flags.contains(.extensionData))
        #expect(data.extensions?[text: "credProtect"] == 2)
    }

    @Test("formats the AAGUID as a lowercase UUID and reads it back")
    func aaguidText() throws {
        let aaguid = try AAGUID(bytes: [0xCB, 0x69, 0x48, 0x1E, 0x8F, 0xF7, 0x40, 0x39, 0x93, 0xEC, 0x0A, 0x27, 0x29, 0xA1, 0x54, 0xA8])
        #expect(aaguid.description == "cb69481e-8ff7-4039-93ec-0a2729a154a8")
        #expect(AAGUID(uuidString: "CB69481E-8FF7-4039-93EC-0A2729A154A8") == aaguid)
        #expect(AAGUID(uuidString: "cb69481e8ff7-4039-93ec-0a2729a154a8-") == nil)
        #expect(AAGUID(uuidString: "cb69481e-8ff7-4039-93ec-0a2729a154ag") == nil)
        #expect(throws: WebAuthnError(.malformedInput, "")) { try AAGUID(bytes: [1, 2, 3]) }
    }

    struct Broken: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let bytes: [UInt8]
        let code: WebAuthnError.Code
    }

    static var broken: [Broken] {
        let a = TestAuthenticator()
        func make(_ attested: Bool, _ adjust: (inout TestAuthenticator.AuthenticatorDataKnobs) -> Void) -> [UInt8] {
            var knobs = TestAuthenticator.AuthenticatorDataKnobs()
            adjust(&knobs)
            return a.authenticatorData(attested: attested, knobs: knobs)
        }
        let full = a.authenticatorData(attested: true)
        return [
            Broken(testDescription: "fewer than 37 bytes", bytes: Array(full.prefix(36)), code: .malformedAuthenticatorData),
            Broken(testDescription: "AT flag without attested data", bytes: make(false) { $0.setFlags = 0x40 },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "attested data without the AT flag", bytes: make(true) { $0.clearFlags = 0x40 },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "trailing byte after the COSE key", bytes: make(true) { $0.trailingBytes = [0x00] },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "trailing byte after an assertion", bytes: make(false) { $0.trailingBytes = [0xA0] },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "ED flag without extensions", bytes: make(false) { $0.setFlags = 0x80 },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "extensions without the ED flag",
                   bytes: make(false) { $0.extensions = .map(CBORMap()); $0.clearFlags = 0x80 },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "extensions that are not a map",
                   bytes: make(false) { $0.extensions = .array([]) }, code: .malformedAuthenticatorData),
            Broken(testDescription: "bytes after the extensions map",
                   bytes: make(false) { $0.extensions = .map(CBORMap()); $0.trailingBytes = [0xA0] },
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "credential ID of 1024 bytes",
                   bytes: make(true) { $0.credentialID = Array(repeating: 7, count: 1024) }, code: .credentialIDTooLong),
            Broken(testDescription: "truncated AAGUID", bytes: Array(full.prefix(37 + 10)), code: .malformedAuthenticatorData),
            Broken(testDescription: "credential ID longer than the data", bytes: Array(full.prefix(37 + 18 + 10)),
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "no COSE key after the credential ID", bytes: Array(full.prefix(37 + 18 + 32)),
                   code: .malformedAuthenticatorData),
            Broken(testDescription: "truncated COSE key", bytes: Array(full.dropLast(3)), code: .invalidCBOR),
            Broken(testDescription: "COSE key with indefinite length",
                   bytes: make(true) { $0.credentialPublicKey = [0xBF, 0x01, 0x02, 0xFF] }, code: .invalidCBOR),
            Broken(testDescription: "extensions with a duplicate key",
                   bytes: make(false) { $0.setFlags = 0x80; $0.trailingBytes = [0xA2, 0x01, 0x01, 0x01, 0x02] },
                   code: .invalidCBOR),
        ]
    }

    @Test("rejects malformed authenticator data with its code", arguments: broken)
    func rejectsBroken(_ testCase: Broken) {
        #expect(throws: WebAuthnError(testCase.code, "")) { try AuthenticatorData(bytes: testCase.bytes) }
    }

    @Test("accepts a credential ID of exactly 1023 bytes")
    func accepts1023ByteID() throws {
        var knobs = TestAuthenticator.AuthenticatorDataKnobs()
        knobs.credentialID = Array(repeating: 9, count: 1023)
        let data = try AuthenticatorData(bytes: authenticator.authenticatorData(attested: true, knobs: knobs))
        #expect(data.attestedCredentialData?.credentialID.count == 1023)
    }
}
