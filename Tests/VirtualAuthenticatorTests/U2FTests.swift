import CBOR
import OpenSSLWrapper
import Testing
import VirtualAuthenticator
import WebAuthn

/// U2F (CTAP1) over CTAPHID_MSG: registrations verify as `fido-u2f` attestation (WebAuthn L3 §8.6).
@Suite struct U2FTests {
    /// A U2F-only key, as a client sees it over CTAPHID.
    static func u2fDevice(_ protocols: VirtualAuthenticator.Protocols = [.u2f]) throws -> (VirtualAuthenticator, HIDHost) {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.protocols = protocols
        let device = try VirtualAuthenticator(configuration: configuration)
        var host = HIDHost(device: device)
        try host.initialize()
        return (device, host)
    }

    /// An extended-length APDU (FIDO U2F Raw Message Formats §3.1.3).
    static func apdu(ins: UInt8, p1: UInt8 = 0, data: [UInt8]) -> [UInt8] {
        [0x00, ins, p1, 0x00, 0x00, UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data + [0x00, 0x00]
    }

    static func message(_ host: inout HIDHost, _ apdu: [UInt8]) throws -> [UInt8] {
        try host.send(command: HIDHost.msg, payload: apdu)
        let response = try host.receive()
        guard response.command == HIDHost.msg else { throw Platform.Failure(description: "not a MSG response") }
        return response.payload
    }

    /// The length of the DER element at the start of `bytes`.
    static func derLength(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= 2 else { return nil }
        let first = bytes[bytes.startIndex + 1]
        if first < 0x80 { return 2 + Int(first) }
        let count = Int(first & 0x7F)
        guard count <= 3, bytes.count >= 2 + count else { return nil }
        var length = 0
        for byte in bytes[(bytes.startIndex + 2)..<(bytes.startIndex + 2 + count)] { length = length << 8 | Int(byte) }
        return 2 + count + length
    }

    @Test("INIT on a U2F-only key advertises neither CBOR nor NMSG, and CBOR requests are unknown commands")
    func capabilities() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.protocols = [.u2f]
        let device = try VirtualAuthenticator(configuration: configuration)
        var host = HIDHost(device: device)
        let response = try host.initialize()
        #expect(response.payload[16] & 0x04 == 0)
        #expect(response.payload[16] & 0x08 == 0)
        try host.send(command: HIDHost.cbor, payload: [0x04])
        #expect(try host.receive() == HIDHost.Response(channel: host.channel, command: HIDHost.error, payload: [0x01]))
    }

    @Test("U2F_VERSION answers U2F_V2")
    func version() throws {
        var (_, host) = try Self.u2fDevice()
        #expect(try Self.message(&host, Self.apdu(ins: 0x03, data: [])) == Array("U2F_V2".utf8) + [0x90, 0x00])
        // Short form too.
        #expect(try Self.message(&host, [0x00, 0x03, 0x00, 0x00]) == Array("U2F_V2".utf8) + [0x90, 0x00])
        #expect(try Self.message(&host, [0x00, 0x09, 0x00, 0x00]) == [0x6D, 0x00])
        #expect(try Self.message(&host, [0x80, 0x03, 0x00, 0x00]) == [0x6E, 0x00])
    }

    @Test("A U2F registration verifies as fido-u2f attestation chaining to the exported root, and so does an authentication")
    func registrationVerifiesAsFIDOU2F() throws {
        var (device, host) = try Self.u2fDevice()
        let rpID = "example.com"
        let application = Digest.sha256(Array(rpID.utf8))
        let challenge = SecureRandom.bytes(32)
        let clientData = WebAuthnCheck.clientDataJSON(type: "webauthn.create", challenge: challenge, rpID: rpID)
        let response = try Self.message(&host, Self.apdu(ins: 0x01, data: Digest.sha256(clientData) + application))
        #expect(Array(response.suffix(2)) == [0x90, 0x00])
        #expect(response.first == 0x05)
        let publicKey = Array(response[1..<66])
        let handleLength = Int(response[66])
        let keyHandle = Array(response[67..<(67 + handleLength)])
        let certificateStart = 67 + handleLength
        let certificateLength = try #require(Self.derLength(response[certificateStart...]))
        let certificate = Array(response[certificateStart..<(certificateStart + certificateLength)])
        let signature = Array(response[(certificateStart + certificateLength)..<(response.count - 2)])

        // The client turns the raw registration into a fido-u2f attestation object (WebAuthn L3 §8.6).
        let coseKey = CBOREncoder.encode(.map(CBORMap([
            (CBORValue(1), CBORValue(2)), (CBORValue(3), CBORValue(-7)), (CBORValue(-1), CBORValue(1)),
            (CBORValue(-2), .bytes(Array(publicKey[1..<33]))), (CBORValue(-3), .bytes(Array(publicKey[33..<65]))),
        ])))
        let authData = application + [0x41, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
            + [UInt8(handleLength >> 8), UInt8(handleLength & 0xFF)] + keyHandle + coseKey
        let statement = CBORMap([(.text("sig"), .bytes(signature)), (.text("x5c"), .array([.bytes(certificate)]))])
        let record = try WebAuthnCheck.verifyRegistration(
            format: "fido-u2f", authData: authData, statement: statement, clientDataJSON: clientData,
            challenge: challenge, credentialID: keyHandle, rootPEM: device.exportRootPEM(), requireTrusted: true)
        #expect(record.attestationFormat == "fido-u2f")
        #expect(record.attestationTrusted == true)

        // U2F_AUTHENTICATE, turned into an assertion the same way.
        let getChallenge = SecureRandom.bytes(32)
        let getClientData = WebAuthnCheck.clientDataJSON(type: "webauthn.get", challenge: getChallenge, rpID: rpID)
        let authenticate = Digest.sha256(getClientData) + application + [UInt8(handleLength)] + keyHandle
        #expect(try Self.message(&host, Self.apdu(ins: 0x02, p1: 0x07, data: authenticate)) == [0x69, 0x85])
        let signed = try Self.message(&host, Self.apdu(ins: 0x02, p1: 0x03, data: authenticate))
        #expect(Array(signed.suffix(2)) == [0x90, 0x00])
        #expect(signed.first == 0x01)
        let assertionData = application + Array(signed[0..<5])
        let result = try WebAuthnCheck.verifyAssertion(
            credentialID: keyHandle, authData: assertionData, signature: Array(signed[5..<(signed.count - 2)]),
            userHandle: nil, clientDataJSON: getClientData, challenge: getChallenge, record: record)
        #expect(result.record.signCount == device.signatureCounter)

        // Another application, or a damaged key handle, is wrong data.
        let otherApp = Digest.sha256(Array("other.example".utf8))
        #expect(try Self.message(&host, Self.apdu(ins: 0x02, p1: 0x03, data: Digest.sha256(getClientData) + otherApp + [UInt8(handleLength)] + keyHandle)) == [0x6A, 0x80])
    }

    @Test("A key handle from U2F registration also works with CTAP2 getAssertion on a dual-protocol key")
    func u2fHandleWorksWithCTAP2() throws {
        var (device, host) = try Self.u2fDevice([.ctap2, .u2f])
        let application = Digest.sha256(Array("example.com".utf8))
        let response = try Self.message(&host, Self.apdu(ins: 0x01, data: SecureRandom.bytes(32) + application))
        let keyHandle = Array(response[67..<(67 + Int(response[66]))])
        #expect(try Platform(direct: device).getAssertion(allowList: [keyHandle]).status == 0)
        let info = try Platform(direct: device).expectOK(0x04, nil)
        #expect(info[int: 1]?.arrayValue?.contains("U2F_V2") == true)
    }

    @Test("Until the user is present, U2F register answers 0x6985 and the client retries")
    func presenceByRetry() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.protocols = [.u2f]
        configuration.userPresence = .afterPolls(2)
        let device = try VirtualAuthenticator(configuration: configuration)
        let request = Self.apdu(ins: 0x01, data: [UInt8](repeating: 1, count: 64))
        #expect(device.handleU2F(apdu: request) == [0x69, 0x85])
        #expect(device.handleU2F(apdu: request) == [0x69, 0x85])
        #expect(Array(device.handleU2F(apdu: request).suffix(2)) == [0x90, 0x00])
    }

    @Test("Malformed APDUs get status words, never a crash")
    func malformedAPDUs() throws {
        let device = try VirtualAuthenticator()
        #expect(device.handleU2F(apdu: []) == [0x67, 0x00])
        #expect(device.handleU2F(apdu: [0x00, 0x01, 0x00, 0x00, 0x05, 0x01]) == [0x67, 0x00])
        #expect(device.handleU2F(apdu: Self.apdu(ins: 0x01, data: [1, 2, 3])) == [0x67, 0x00])
        #expect(device.handleU2F(apdu: Self.apdu(ins: 0x02, p1: 0x03, data: [UInt8](repeating: 0, count: 66))) == [0x67, 0x00])
        #expect(device.handleU2F(apdu: Self.apdu(ins: 0x02, p1: 0x03, data: [UInt8](repeating: 0, count: 64) + [1, 0])) == [0x6A, 0x80])
    }
}
