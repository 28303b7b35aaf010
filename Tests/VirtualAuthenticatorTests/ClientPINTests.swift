import CBOR
import OpenSSLWrapper
import Testing
import VirtualAuthenticator

/// authenticatorClientPIN with PIN/UV auth protocols 1 and 2 (CTAP 2.1 §6.5).
@Suite struct ClientPINTests {
    static let protocols = [1, 2]

    /// The platform side of a PIN exchange, done by Python's `cryptography` (independent of the Swift code):
    /// from the platform scalar and the authenticator's key-agreement point it derives the shared secret
    /// (protocol 1: SHA-256(Z); protocol 2: HKDF-SHA-256, zero salt, "CTAP2 HMAC key" || "CTAP2 AES key"),
    /// decrypts pinHashEnc and the returned token, and prints shared secret, PIN hash and token in hex.
    static let pythonPlatform = """
        import sys
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        proto = int(sys.argv[1])
        d = ec.derive_private_key(int(sys.argv[2], 16), ec.SECP256R1())
        peer = ec.EllipticCurvePublicNumbers(int(sys.argv[3], 16), int(sys.argv[4], 16), ec.SECP256R1()).public_key()
        z = d.exchange(ec.ECDH(), peer)
        if proto == 1:
            h = hashes.Hash(hashes.SHA256()); h.update(z); secret = h.finalize()
            aes_key = secret
        else:
            def kdf(info):
                return HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes(32), info=info).derive(z)
            secret = kdf(b"CTAP2 HMAC key") + kdf(b"CTAP2 AES key")
            aes_key = secret[32:]
        def dec(data):
            if proto == 1:
                iv, body = bytes(16), data
            else:
                iv, body = data[:16], data[16:]
            d = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
            return d.update(body) + d.finalize()
        print(secret.hex(), dec(bytes.fromhex(sys.argv[5])).hex(), dec(bytes.fromhex(sys.argv[6])).hex())
        """

    @Test("setPIN then getPinToken works, and Python's cryptography derives the same secret and token",
          arguments: protocols)
    func pinTokenMatchesIndependentPlatform(protocolNumber: Int) throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        #expect(try platform.setPIN("1234", protocolNumber: protocolNumber) == 0)
        #expect(try platform.pinRetries() == 8)

        // A fixed platform key (the P-256 test scalar of RFC 6979 A.2.5) so the Python side can redo the ECDH.
        let scalar = [UInt8](hex: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
        let (status, session, encrypted) = try platform.pinToken("1234", protocolNumber: protocolNumber, platformScalar: scalar)
        #expect(status == 0)
        let pin = try #require(session)
        let point = try #require(pin.authenticatorKey.ecPublicPoint)
        let pinHashEnc = try pin.encrypt(Array(Digest.sha256(Array("1234".utf8)).prefix(16)))
        let output = try ExternalTool.python(
            Self.pythonPlatform,
            ["\(protocolNumber)", scalar.hex, point.x.hex, point.y.hex, pinHashEnc.hex, try #require(encrypted).hex])
        #expect(output.count == 3)
        #expect(output.first == pin.sharedSecret.hex)
        #expect(output.dropFirst().first == Array(Digest.sha256(Array("1234".utf8)).prefix(16)).hex)
        #expect(output.last == pin.token.hex)
        #expect(pin.token.count == 32)
        // Protocol 2 prepends a random IV to the 32-byte token; protocol 1 does not.
        #expect(encrypted?.count == (protocolNumber == 1 ? 32 : 48))
    }

    @Test("A PIN token with the mc permission gives a UV credential and assertion", arguments: protocols)
    func userVerifiedCeremony(protocolNumber: Int) throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        #expect(try platform.setPIN("correct horse", protocolNumber: protocolNumber) == 0)
        let mc = try #require(try platform.pinToken(
            "correct horse", protocolNumber: protocolNumber, permissions: 0x01, rpID: "example.com").session)
        let made = try #require(try platform.makeCredential(residentKey: true, pin: mc).registration)
        #expect(made.flags & 0x04 == 0x04)
        let record = try WebAuthnCheck.verify(made, requireUserVerification: true)

        // The token's mc permission is used up by the first makeCredential.
        #expect(try platform.makeCredential(pin: mc).status == 0x33)

        let ga = try #require(try platform.pinToken(
            "correct horse", protocolNumber: protocolNumber, permissions: 0x02, rpID: "example.com").session)
        let assertion = try #require(try platform.getAssertion(pin: ga).assertion)
        #expect(assertion.flags & 0x04 == 0x04)
        #expect(assertion.user?[text: "name"]?.textValue == "alice")
        _ = try WebAuthnCheck.verify(assertion, record: record, requireUserVerification: true)
    }

    @Test("A token bound to one RP ID is refused for another")
    func tokenBoundToRPID() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        #expect(try platform.setPIN("1234", protocolNumber: 2) == 0)
        let token = try #require(try platform.pinToken("1234", protocolNumber: 2, permissions: 0x01, rpID: "example.com").session)
        #expect(try platform.makeCredential(rpID: "other.example", pin: token).status == 0x33)
    }

    @Test("A wrong pinUvAuthParam is CTAP2_ERR_PIN_AUTH_INVALID", arguments: protocols)
    func wrongPinUvAuthParam(protocolNumber: Int) throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        #expect(try platform.setPIN("1234", protocolNumber: protocolNumber) == 0)
        var token = try #require(try platform.pinToken("1234", protocolNumber: protocolNumber).session)
        token.token = [UInt8](repeating: 0x55, count: 32)
        #expect(try platform.makeCredential(pin: token).status == 0x33)
    }

    @Test("Wrong PINs count down the retries, block after three until a power cycle, and lock at zero",
          arguments: protocols)
    func retriesAndBlocking(protocolNumber: Int) throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        #expect(try platform.setPIN("1234", protocolNumber: protocolNumber) == 0)
        #expect(try platform.pinToken("0000", protocolNumber: protocolNumber).status == 0x31)
        #expect(try platform.pinToken("0000", protocolNumber: protocolNumber).status == 0x31)
        #expect(try platform.pinToken("0000", protocolNumber: protocolNumber).status == 0x34)
        #expect(try platform.pinRetries() == 5)
        // Blocked until a power cycle, even with the right PIN, without using a retry.
        #expect(try platform.pinToken("1234", protocolNumber: protocolNumber).status == 0x34)
        #expect(try platform.pinRetries() == 5)
        device.powerCycle()
        #expect(try platform.pinToken("1234", protocolNumber: protocolNumber).status == 0)
        #expect(try platform.pinRetries() == 8)
        var statuses: [UInt8] = []
        for round in 0..<8 {
            if round > 0 && round % 3 == 0 { device.powerCycle() }
            statuses.append(try platform.pinToken("9999", protocolNumber: protocolNumber).status)
        }
        #expect(statuses.last == 0x32)
        #expect(try platform.pinRetries() == 0)
        #expect(try platform.pinToken("1234", protocolNumber: protocolNumber).status == 0x32)
    }

    @Test("changePIN replaces the PIN and needs the old one", arguments: protocols)
    func changePIN(protocolNumber: Int) throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        #expect(try platform.changePIN(from: "1234", to: "5678", protocolNumber: protocolNumber) == 0x35)
        #expect(try platform.setPIN("1234", protocolNumber: protocolNumber) == 0)
        #expect(try platform.setPIN("4321", protocolNumber: protocolNumber) == 0x30)
        #expect(try platform.changePIN(from: "1111", to: "5678", protocolNumber: protocolNumber) == 0x31)
        #expect(try platform.changePIN(from: "1234", to: "5678", protocolNumber: protocolNumber) == 0)
        #expect(try platform.pinToken("1234", protocolNumber: protocolNumber).status == 0x31)
        #expect(try platform.pinToken("5678", protocolNumber: protocolNumber).status == 0)
    }

    @Test("A PIN shorter than four code points is CTAP2_ERR_PIN_POLICY_VIOLATION")
    func pinPolicy() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        #expect(try platform.setPIN("123", protocolNumber: 2) == 0x37)
        #expect(try platform.setPIN("ééé", protocolNumber: 2) == 0x37)
        #expect(try platform.setPIN("éééé", protocolNumber: 2) == 0)
    }

    @Test("With a PIN set, a discoverable credential needs a token; a non-discoverable one does not")
    func pinRequiredForResidentKeys() throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        #expect(try platform.setPIN("1234", protocolNumber: 1) == 0)
        #expect(try platform.makeCredential(residentKey: true).status == 0x36)
        let made = try #require(try platform.makeCredential(residentKey: false).registration)
        #expect(made.flags & 0x04 == 0)
    }

    @Test("Unknown protocols and subcommands are refused with the CTAP codes")
    func badParameters() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        #expect(try platform.send(0x06, CBORMap([(CBORValue(1), CBORValue(3)), (CBORValue(2), CBORValue(2))])).status == 0x02)
        #expect(try platform.send(0x06, CBORMap([(CBORValue(2), CBORValue(2))])).status == 0x14)
        #expect(try platform.send(0x06, CBORMap([(CBORValue(1), CBORValue(2)), (CBORValue(2), CBORValue(7))])).status == 0x3E)
        #expect(try platform.pinToken("1234", protocolNumber: 2).status == 0x35)
    }

    @Test("getInfo reports clientPin false before and true after setPIN")
    func clientPinOption() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        let before = try platform.expectOK(0x04, nil)
        #expect(before[int: 4]?.mapValue?[text: "clientPin"] == false)
        #expect(try platform.setPIN("1234", protocolNumber: 2) == 0)
        let after = try platform.expectOK(0x04, nil)
        #expect(after[int: 4]?.mapValue?[text: "clientPin"] == true)
    }
}
