import FIDODevices
import OpenSSLWrapper
import Testing
import VirtualAuthenticator

/// Credential management (libfido2's credman, command 0x41 in 1.12) and reset.
@Suite struct CredentialManagementTests {
    @Test("Relying parties and their credentials are listed, and a deleted credential is gone")
    func listAndDelete() async throws {
        let key = try await VirtualKey.open()
        let pin = try VirtualKey.pin("2468")
        try await key.device.setPIN(pin)
        #expect(try await key.device.relyingParties(pin: pin).isEmpty)

        let alice = try await key.device.makeCredential(
            VirtualKey.registration(residentKey: true, userName: "alice"), pin: pin)
        let bob = try await key.device.makeCredential(
            VirtualKey.registration(residentKey: true, userName: "bob"), pin: pin)
        var other = VirtualKey.registration(algorithm: .eddsa, residentKey: true, userName: "carol")
        other.rpID = "other.example"
        other.origin = "https://other.example"
        let carol = try await key.device.makeCredential(other, pin: pin)
        _ = try await key.device.makeCredential(VirtualKey.registration())  // not discoverable: not listed

        let counts = try await key.device.discoverableCredentialCounts(pin: pin)
        #expect(counts.existing == 3)
        #expect(counts.remaining == 97)

        let parties = try await key.device.relyingParties(pin: pin)
        #expect(Set(parties.map(\.id)) == ["example.com", "other.example"])
        let hashes = Dictionary(uniqueKeysWithValues: parties.map { ($0.id, $0.idHash) })
        #expect(hashes["example.com"] == Digest.sha256(Array("example.com".utf8)))

        let credentials = try await key.device.discoverableCredentials(rpID: "example.com", pin: pin)
        #expect(Set(credentials.map(\.credentialID)) == [alice.credentialID, bob.credentialID])
        let aliceEntry = try #require(credentials.first { $0.credentialID == alice.credentialID })
        #expect(aliceEntry.userID == alice.request.userID)
        #expect(aliceEntry.userName == "alice")
        #expect(aliceEntry.algorithm == .es256)
        let carolEntry = try #require(
            try await key.device.discoverableCredentials(rpID: "other.example", pin: pin).first)
        #expect(carolEntry.credentialID == carol.credentialID)
        #expect(carolEntry.algorithm == .eddsa)
        #expect(try await key.device.discoverableCredentials(rpID: "nobody.example", pin: pin).isEmpty)

        try await key.device.deleteCredential(id: bob.credentialID, pin: pin)
        let remaining = try await key.device.discoverableCredentials(rpID: "example.com", pin: pin)
        #expect(remaining.map(\.credentialID) == [alice.credentialID])
        await #expect(throws: FIDOError(.noCredentials, "")) {
            try await key.device.getAssertion(VirtualKey.assertion(allow: [bob.credentialID]), pin: pin)
        }
        #expect(key.authenticator.discoverableCredentialCount == 2)
    }

    @Test("Credential management needs the right PIN")
    func wrongPIN() async throws {
        let key = try await VirtualKey.open()
        try await key.device.setPIN(try VirtualKey.pin("2468"))
        await #expect(throws: FIDOError(.pinInvalid, "")) {
            try await key.device.relyingParties(pin: try VirtualKey.pin("1111"))
        }
    }

    @Test("Reset deletes the credentials and the PIN")
    func reset() async throws {
        let key = try await VirtualKey.open()
        let pin = try VirtualKey.pin("2468")
        try await key.device.setPIN(pin)
        let registration = try await key.device.makeCredential(VirtualKey.registration(residentKey: true), pin: pin)
        try await key.device.reset()
        #expect(key.authenticator.discoverableCredentialCount == 0)
        #expect(try await key.device.info().option("clientPin") == false)
        await #expect(throws: FIDOError(.noCredentials, "")) {
            try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID]))
        }
    }

    @Test("A reset after the power-up window is refused with reset-not-allowed, and the reason says to replug")
    func resetWindow() async throws {
        let key = try await VirtualKey.open(configure: { $0.resetWindow = .seconds(1) })
        try await Task.sleep(for: .milliseconds(1100))
        let error = await #expect(throws: FIDOError.self) { try await key.device.reset() }
        #expect(error?.code == .resetNotAllowed)
        #expect(error?.reason.contains("plug it back in") == true)
        // After a replug the key accepts it again.
        key.authenticator.powerCycle()
        let fresh = try await FIDODevice.open(transport: key.authenticator)
        try await fresh.reset()
    }
}
