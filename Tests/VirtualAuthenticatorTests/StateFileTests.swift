import CBOR
import Foundation
import Testing
import VirtualAuthenticator
import WebAuthn

/// The state file: created with mode 0600, reloaded with its keys, PIN, counter and credentials.
@Suite struct StateFileTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kb-virtual-\(UUID().uuidString).json").path
    }

    @Test("The signature counter, credentials, PIN and attestation root survive a reload")
    func reloadKeepsState() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try VirtualAuthenticator(stateFile: path)
        let platform = Platform(direct: first)
        let made = try #require(try platform.makeCredential().registration)
        let resident = try #require(try platform.makeCredential(userID: [9], residentKey: true).registration)
        #expect(try platform.setPIN("1234", protocolNumber: 2) == 0)
        let record = try WebAuthnCheck.verify(made)
        let assertion = try #require(try platform.getAssertion(allowList: [made.credentialID]).assertion)
        let root = first.exportRootPEM()
        let counter = first.signatureCounter

        let second = try VirtualAuthenticator(stateFile: path)
        #expect(second.exportRootPEM() == root)
        #expect(second.signatureCounter == counter)
        #expect(second.discoverableCredentialCount == 1)
        let reloaded = Platform(direct: second)
        #expect(try reloaded.pinRetries() == 8)
        #expect(try reloaded.pinToken("1234", protocolNumber: 2).status == 0)
        let later = try #require(try reloaded.getAssertion(allowList: [made.credentialID]).assertion)
        #expect(later.signCount > assertion.signCount)
        let result = try WebAuthnCheck.verify(later, record: record)
        #expect(result.record.signCount == later.signCount)
        #expect(try reloaded.getAssertion(allowList: [resident.credentialID]).status == 0)
    }

    @Test("The state file has mode 0600 and no temporary files are left beside it")
    func filePermissions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kb-virtual-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        let device = try VirtualAuthenticator(stateFile: path)
        _ = try Platform(direct: device).makeCredential()
        try device.save()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["state.json"])
    }

    @Test("A file that is not a state is refused with state-file-invalid")
    func invalidFile() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"format\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: VirtualAuthenticatorError(.stateFileInvalid, "")) { try VirtualAuthenticator(stateFile: path) }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: VirtualAuthenticatorError(.stateFileInvalid, "")) { try VirtualAuthenticator(stateFile: path) }
    }

    @Test("A state file in a missing directory cannot be created")
    func unwritableLocation() {
        let path = "/nonexistent-\(UUID().uuidString)/state.json"
        #expect(throws: VirtualAuthenticatorError(.stateFileWriteFailed, "")) { try VirtualAuthenticator(stateFile: path) }
    }

    @Test("authenticatorReset forgets credentials and the PIN but keeps the attestation root and the counter")
    func reset() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let device = try VirtualAuthenticator(stateFile: path)
        let platform = Platform(direct: device)
        let made = try #require(try platform.makeCredential().registration)
        #expect(try platform.makeCredential(userID: [1], residentKey: true).status == 0)
        #expect(try platform.setPIN("1234", protocolNumber: 1) == 0)
        let root = device.exportRootPEM()
        let counter = device.signatureCounter
        #expect(try platform.send(0x07, nil).status == 0)
        #expect(device.discoverableCredentialCount == 0)
        #expect(try platform.getAssertion(allowList: [made.credentialID]).status == 0x2E)
        #expect(try platform.pinToken("1234", protocolNumber: 1).status == 0x35)
        #expect(device.exportRootPEM() == root)
        #expect(device.signatureCounter == counter)
        let reloaded = try VirtualAuthenticator(stateFile: path)
        #expect(reloaded.discoverableCredentialCount == 0)
    }

    @Test("Reset outside the power-up window is CTAP2_ERR_NOT_ALLOWED, and allowed again after a power cycle")
    func resetWindow() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.resetWindow = .milliseconds(50)
        let device = try VirtualAuthenticator(configuration: configuration)
        let platform = Platform(direct: device)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try platform.send(0x07, nil).status == 0x30)
        device.powerCycle()
        #expect(try platform.send(0x07, nil).status == 0)
    }
}
