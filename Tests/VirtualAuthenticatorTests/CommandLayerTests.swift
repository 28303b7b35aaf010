import CBOR
import OpenSSLWrapper
import Testing
import VirtualAuthenticator

/// The CTAP2 command layer: getInfo, unknown commands, malformed CBOR and parameters.
@Suite struct CommandLayerTests {
    @Test("getInfo is canonical CBOR with the versions, extensions, options, limits and algorithms")
    func getInfo() throws {
        let device = try VirtualAuthenticator()
        let raw = device.handle(command: 0x04, payload: [])
        #expect(raw.first == 0)
        let body = Array(raw.dropFirst())
        let value = try CBORDecoder(requireCanonicalMapOrder: true).decode(body)
        #expect(CBOREncoder.encode(value) == body)
        let info = try #require(value.mapValue)
        #expect(info[int: 1] == ["FIDO_2_0", "FIDO_2_1"])
        #expect(info[int: 2] == ["credProtect", "hmac-secret"])
        #expect(info[int: 3]?.bytesValue == device.aaguid)
        let options = try #require(info[int: 4]?.mapValue)
        #expect(options[text: "rk"] == true)
        #expect(options[text: "up"] == true)
        #expect(options[text: "uv"] == nil)
        #expect(options[text: "clientPin"] == false)
        #expect(options[text: "credMgmt"] == true)
        #expect(options[text: "pinUvAuthToken"] == true)
        #expect(info[int: 5]?.intValue == 7609)
        #expect(info[int: 6] == [2, 1])
        #expect(info[int: 7]?.intValue == 16)
        #expect(info[int: 8]?.intValue == 63)
        let algorithms = try #require(info[int: 0x0A]?.arrayValue).compactMap { $0.mapValue?[text: "alg"]?.intValue }
        #expect(algorithms == [-7, -8])
        #expect(info[int: 0x0E]?.intValue == 1)
        #expect(info[int: 0x14]?.intValue == 100)
    }

    @Test("The AAGUID is the configured one for a new state")
    func configuredAAGUID() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.aaguid = Array(1...16)
        #expect(try VirtualAuthenticator(configuration: configuration).aaguid == Array(1...16))
        #expect(try VirtualAuthenticator().aaguid == VirtualAuthenticator.defaultAAGUID)
        configuration.aaguid = [1]
        #expect(throws: VirtualAuthenticatorError.self) { try VirtualAuthenticator(configuration: configuration) }
    }

    @Test("bioEnrollment (0x09, preview 0x40), config and unknown commands are CTAP1_ERR_INVALID_COMMAND")
    func unknownCommands() throws {
        let device = try VirtualAuthenticator()
        for command: UInt8 in [0x09, 0x40, 0x0C, 0x0D, 0x03, 0x05, 0x42, 0xFF] {
            #expect(device.handle(command: command, payload: []) == [0x01])
        }
    }

    @Test("Malformed CBOR is CTAP2_ERR_INVALID_CBOR, a non-map CTAP2_ERR_CBOR_UNEXPECTED_TYPE, an oversized one CTAP2_ERR_REQUEST_TOO_LARGE")
    func malformedCBOR() throws {
        let device = try VirtualAuthenticator()
        for command: UInt8 in [0x01, 0x02, 0x06, 0x0A, 0x41] {
            #expect(device.handle(command: command, payload: [0xA1, 0x01]) == [0x12])
            #expect(device.handle(command: command, payload: [0xA1, 0x01, 0x01, 0x00]) == [0x12])
            #expect(device.handle(command: command, payload: [0x5F, 0xFF]) == [0x12])
            #expect(device.handle(command: command, payload: [0x83, 1, 2, 3]) == [0x11])
            #expect(device.handle(command: command, payload: [0xC1, 0xA0]) == [0x12])
        }
        #expect(device.handle(command: 0x04, payload: [0xA0]) == [0x03])
        #expect(device.handle(command: 0x01, payload: [0xA1] + [UInt8](repeating: 0, count: 8_000)) == [0x39])
    }

    @Test("Missing and mistyped makeCredential parameters get the CTAP codes")
    func makeCredentialParameters() throws {
        let device = try VirtualAuthenticator()
        let good = Platform.makeCredentialRequest(clientDataHash: [UInt8](repeating: 0, count: 32))
        func status(_ change: (inout CBORMap) -> Void) -> UInt8 {
            var map = good
            change(&map)
            return device.handle(command: 0x01, payload: CBOREncoder.encode(.map(map))).first ?? 0xFF
        }
        #expect(status { _ in } == 0)
        #expect(status { $0[CBORValue(1)] = nil } == 0x14)
        #expect(status { $0[CBORValue(2)] = nil } == 0x14)
        #expect(status { $0[CBORValue(3)] = nil } == 0x14)
        #expect(status { $0[CBORValue(4)] = nil } == 0x14)
        #expect(status { $0[CBORValue(1)] = "hash" } == 0x11)
        #expect(status { $0[CBORValue(2)] = .map(CBORMap([(.text("id"), CBORValue(5))])) } == 0x11)
        #expect(status { $0[CBORValue(4)] = .map(CBORMap()) } == 0x11)
        #expect(status { $0[CBORValue(7)] = .map(CBORMap([(.text("up"), false)])) } == 0x2C)
        #expect(status { $0[CBORValue(7)] = .map(CBORMap([(.text("uv"), true)])) } == 0x2C)
        #expect(status { $0[CBORValue(7)] = .map(CBORMap([(.text("rk"), "yes")])) } == 0x11)
        #expect(status { $0[CBORValue(8)] = .bytes([1, 2, 3]) } == 0x14)
        #expect(status { $0[CBORValue(8)] = .bytes([1, 2, 3]); $0[CBORValue(9)] = CBORValue(7) } == 0x02)
        #expect(status { $0[CBORValue(8)] = .bytes([1, 2, 3]); $0[CBORValue(9)] = CBORValue(2) } == 0x33)
        #expect(status { $0[CBORValue(5)] = [CBORValue(1)] } == 0x11)
        #expect(status { $0[CBORValue(6)] = .map(CBORMap([(.text("credProtect"), CBORValue(9))])) } == 0x2C)
        #expect(status { $0[CBORValue(0x0A)] = CBORValue(1) } == 0x02)
    }

    @Test("A zero-length pinUvAuthParam waits for a touch and answers PIN_NOT_SET, or PIN_INVALID once a PIN is set")
    func touchSelection() throws {
        let device = try VirtualAuthenticator()
        var map = Platform.makeCredentialRequest(clientDataHash: [UInt8](repeating: 0, count: 32))
        map[CBORValue(8)] = .bytes([])
        map[CBORValue(9)] = CBORValue(1)
        #expect(device.handle(command: 0x01, payload: CBOREncoder.encode(.map(map))) == [0x35])
        #expect(try Platform(direct: device).setPIN("1234", protocolNumber: 1) == 0)
        #expect(device.handle(command: 0x01, payload: CBOREncoder.encode(.map(map))) == [0x31])
        #expect(device.handle(command: 0x0B, payload: []) == [0x00])
    }

    @Test("getAssertion parameter errors get the CTAP codes")
    func getAssertionParameters() throws {
        let device = try VirtualAuthenticator()
        func status(_ pairs: [(CBORValue, CBORValue)]) -> UInt8 {
            device.handle(command: 0x02, payload: CBOREncoder.encode(.map(CBORMap(pairs)))).first ?? 0xFF
        }
        let hash = CBORValue.bytes([UInt8](repeating: 0, count: 32))
        #expect(status([(CBORValue(2), hash)]) == 0x14)
        #expect(status([(CBORValue(1), "example.com")]) == 0x14)
        #expect(status([(CBORValue(1), "example.com"), (CBORValue(2), hash)]) == 0x2E)
        #expect(status([(CBORValue(1), "example.com"), (CBORValue(2), hash), (CBORValue(5), .map(CBORMap([(.text("rk"), true)])))]) == 0x2B)
        #expect(status([(CBORValue(1), "example.com"), (CBORValue(2), hash), (CBORValue(3), [.map(CBORMap([(.text("type"), "public-key")]))])]) == 0x14)
    }

    @Test("Random payloads to every command give a status byte and never trap", arguments: [UInt8(0x01), 0x02, 0x06, 0x08, 0x0A, 0x41, 0x07])
    func randomPayloads(command: UInt8) throws {
        let device = try VirtualAuthenticator()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<300 {
            let length = Int.random(in: 0...80, using: &generator)
            var payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half the time start with a small map header so the decoder gets past the first byte.
            if round % 2 == 0, !payload.isEmpty { payload[0] = 0xA0 | UInt8.random(in: 1...5, using: &generator) }
            let response = device.handle(command: command, payload: payload)
            #expect(!response.isEmpty)
        }
    }

    @Test("Random reports give packets or silence and never trap")
    func randomReports() throws {
        let device = try VirtualAuthenticator()
        var host = HIDHost(device: device)
        try host.initialize()
        for round in 0..<500 {
            var report = [UInt8(0)] + (0..<64).map { _ in UInt8.random(in: 0...255) }
            if round % 3 == 0 {
                let cid = host.channel
                report[1] = UInt8(cid >> 24); report[2] = UInt8((cid >> 16) & 0xFF)
                report[3] = UInt8((cid >> 8) & 0xFF); report[4] = UInt8(cid & 0xFF)
            }
            try device.write(report: report)
            while let packet = device.read() { #expect(packet.count == 64) }
        }
    }
}
