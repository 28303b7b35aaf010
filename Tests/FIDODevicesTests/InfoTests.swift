import FIDODevices
import Foundation
import Testing
import VirtualAuthenticator

/// authenticatorGetInfo and the open-time capabilities, read through libfido2.
@Suite struct InfoTests {
    @Test("The CTAP2 virtual authenticator opens as FIDO2: libfido2 accepted its getInfo as canonical CBOR")
    func opensAsFIDO2() async throws {
        let key = try await VirtualKey.open()
        let capabilities = await key.device.capabilities
        // A getInfo libfido2 rejects would have failed the open (FIDO_DISABLE_U2F_FALLBACK) or made it U2F.
        #expect(capabilities.isFIDO2)
        #expect(capabilities.supportsPIN)
        #expect(!capabilities.hasPIN)
        #expect(capabilities.supportsCredentialManagement)
        #expect(capabilities.supportsCredentialProtection)
        // CTAPHID capability flags (CTAP 2.1 §11.2.9.1.3): CBOR set, NMSG set on a key without U2F.
        #expect(capabilities.capabilityFlags & 0x04 != 0)
        #expect(capabilities.capabilityFlags & 0x08 != 0)
    }

    @Test("Info reports what the authenticator implements, and the PIN retries")
    func info() async throws {
        let key = try await VirtualKey.open()
        let info = try await key.device.info()
        #expect(info.versions.contains("FIDO_2_0"))
        #expect(info.versions.contains("FIDO_2_1"))
        #expect(!info.versions.contains("U2F_V2"))
        #expect(Set(info.extensions).isSuperset(of: ["credProtect", "hmac-secret"]))
        #expect(info.aaguid == key.authenticator.aaguid)
        #expect(info.option("rk") == true)
        #expect(info.option("clientPin") == false)
        #expect(info.option("up") == true)
        #expect(info.pinUVAuthProtocols.contains(1))
        #expect(info.pinUVAuthProtocols.contains(2))
        #expect(Set(info.algorithms.map(\.coseIdentifier)) == [-7, -8])
        #expect(info.algorithms.allSatisfy { $0.type == "public-key" })
        #expect(info.maximumCredentialCountInList > 0)
        #expect(info.maximumCredentialIDLength > 0)
        #expect(info.pinRetries == 8)
    }

    @Test("The info JSON carries the AAGUID in its 8-4-4-4-12 form and the options as an object")
    func infoJSON() async throws {
        var configuration = VirtualAuthenticator.Configuration()
        // The AAGUID of RFC 9562's example UUID text "f81d4fae-7dec-11d0-a765-00a0c91e6bf6".
        configuration.aaguid = [
            0xF8, 0x1D, 0x4F, 0xAE, 0x7D, 0xEC, 0x11, 0xD0, 0xA7, 0x65, 0x00, 0xA0, 0xC9, 0x1E, 0x6B, 0xF6,
        ]
        let device = try await FIDODevice.open(transport: try VirtualAuthenticator(configuration: configuration))
        let info = try await device.info()
        #expect(info.aaguidString == "f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.jsonBytes())) as? [String: Any])
        #expect(object["aaguid"] as? String == "f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
        #expect((object["options"] as? [String: Bool])?["rk"] == true)
        #expect(object["pinRetries"] as? Int == 8)
        #expect((object["versions"] as? [String])?.contains("FIDO_2_1") == true)
    }
}
