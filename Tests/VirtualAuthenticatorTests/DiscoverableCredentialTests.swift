import CBOR
import OpenSSLWrapper
import Testing
import VirtualAuthenticator
import WebAuthn

/// Discoverable credentials: getAssertion without an allow list, getNextAssertion, credential management
/// (CTAP 2.1 §6.2, §6.3, §6.8), credProtect and hmac-secret.
@Suite struct DiscoverableCredentialTests {
    /// A device with a PIN and three discoverable credentials: two for example.com, one for other.example.
    static func populated(protocolNumber: Int = 2) throws -> (VirtualAuthenticator, Platform, [Platform.Registration]) {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        guard try platform.setPIN("1234", protocolNumber: protocolNumber) == 0 else {
            throw Platform.Failure(description: "setPIN failed")
        }
        var made: [Platform.Registration] = []
        for (rpID, user) in [("example.com", "alice"), ("example.com", "bob"), ("other.example", "carol")] {
            guard let token = try platform.pinToken("1234", protocolNumber: protocolNumber, permissions: 0x01, rpID: rpID).session,
                let registration = try platform.makeCredential(
                    rpID: rpID, userID: Array("id-\(user)".utf8), userName: user, residentKey: true, pin: token
                ).registration
            else { throw Platform.Failure(description: "makeCredential failed") }
            made.append(registration)
        }
        return (device, platform, made)
    }

    @Test("Without an allow list, getAssertion returns the newest credential first, then getNextAssertion the rest")
    func discoverableAssertions() throws {
        let (device, platform, made) = try Self.populated()
        #expect(device.discoverableCredentialCount == 3)
        let aliceRecord = try WebAuthnCheck.verify(made[0])
        let bobRecord = try WebAuthnCheck.verify(made[1])
        let first = try #require(try platform.getAssertion().assertion)
        #expect(first.numberOfCredentials == 2)
        #expect(first.credentialID == made[1].credentialID)
        #expect(first.userHandle == Array("id-bob".utf8))
        // Without UV the user's name is withheld.
        #expect(first.user?[text: "name"] == nil)
        _ = try WebAuthnCheck.verify(first, record: bobRecord)
        let second = try #require(try platform.getNextAssertion(after: first).assertion)
        #expect(second.credentialID == made[0].credentialID)
        #expect(second.numberOfCredentials == nil)
        #expect(second.signCount > first.signCount)
        _ = try WebAuthnCheck.verify(second, record: aliceRecord)
        #expect(try platform.getNextAssertion(after: first).status == 0x30)
    }

    @Test("getNextAssertion without a preceding getAssertion is CTAP2_ERR_NOT_ALLOWED")
    func nextWithoutFirst() throws {
        let (_, platform, _) = try Self.populated()
        _ = try platform.getAssertion()
        _ = try platform.expectOK(0x04, nil)
        #expect(try platform.send(0x08, nil).status == 0x30)
    }

    @Test("An RP without credentials gets CTAP2_ERR_NO_CREDENTIALS")
    func noCredentials() throws {
        let (_, platform, _) = try Self.populated()
        #expect(try platform.getAssertion(rpID: "nobody.example").status == 0x2E)
    }

    @Test("Credential management lists RPs and credentials, and deletes one", arguments: [1, 2])
    func credentialManagement(protocolNumber: Int) throws {
        let (device, platform, made) = try Self.populated(protocolNumber: protocolNumber)
        let session = try #require(try platform.pinToken("1234", protocolNumber: protocolNumber, permissions: 0x04).session)
        func request(_ sub: Int, _ parameters: CBORMap? = nil, command: UInt8 = 0x0A) throws -> (UInt8, CBORMap?) {
            var message: [UInt8] = [UInt8(sub)]
            if let parameters { message += CBOREncoder.encode(.map(parameters)) }
            var map = CBORMap([(CBORValue(1), CBORValue(sub))])
            if let parameters { map[CBORValue(2)] = .map(parameters) }
            map[CBORValue(3)] = CBORValue(protocolNumber)
            map[CBORValue(4)] = .bytes(session.authenticate(key: session.token, message))
            return try platform.send(command, map)
        }
        // getCredsMetadata, on the preview command byte libfido2 1.12 uses.
        let (metaStatus, metadata) = try request(0x01, command: 0x41)
        #expect(metaStatus == 0)
        #expect(metadata?[int: 1]?.intValue == 3)
        #expect(metadata?[int: 2]?.intValue == 97)

        let (rpStatus, firstRP) = try request(0x02)
        #expect(rpStatus == 0)
        #expect(firstRP?[int: 5]?.intValue == 2)
        let nextRP = try platform.expectOK(0x0A, CBORMap([(CBORValue(1), CBORValue(3))]))
        let rpIDs = [firstRP?[int: 3]?.mapValue?[text: "id"]?.textValue, nextRP[int: 3]?.mapValue?[text: "id"]?.textValue]
        #expect(Set(rpIDs.compactMap { $0 }) == ["example.com", "other.example"])
        #expect(firstRP?[int: 4]?.bytesValue == Digest.sha256(Array((rpIDs[0] ?? "").utf8)))

        let rpHash = CBORMap([(CBORValue(1), .bytes(Digest.sha256(Array("example.com".utf8))))])
        let (credStatus, firstCredential) = try request(0x04, rpHash)
        #expect(credStatus == 0)
        #expect(firstCredential?[int: 9]?.intValue == 2)
        let nextCredential = try platform.expectOK(0x0A, CBORMap([(CBORValue(1), CBORValue(5))]))
        let listed = [firstCredential, nextCredential].compactMap { $0?[int: 7]?.mapValue?[text: "id"]?.bytesValue }
        #expect(Set(listed) == [made[0].credentialID, made[1].credentialID])
        // The listed public key is the registered one.
        let record = try WebAuthnCheck.verify(made[0])
        let aliceEntry = [firstCredential, nextCredential].first { $0?[int: 7]?.mapValue?[text: "id"]?.bytesValue == made[0].credentialID }
        #expect(aliceEntry??[int: 8].map { CBOREncoder.encode($0) } == record.publicKeyBytes)
        #expect(aliceEntry??[int: 6]?.mapValue?[text: "name"]?.textValue == "alice")

        let descriptor = CBORMap([(CBORValue(2), .map(CBORMap([(.text("id"), .bytes(made[0].credentialID)), (.text("type"), "public-key")])))])
        #expect(try request(0x06, descriptor).0 == 0)
        #expect(device.discoverableCredentialCount == 2)
        #expect(try platform.getAssertion(allowList: [made[0].credentialID]).status == 0x2E)
        #expect(try request(0x06, descriptor).0 == 0x2E)
    }

    @Test("Credential management refuses a wrong pinUvAuthParam and a token without the cm permission")
    func credentialManagementAuthentication() throws {
        let (_, platform, _) = try Self.populated()
        let mcOnly = try #require(try platform.pinToken("1234", protocolNumber: 2, permissions: 0x01, rpID: "example.com").session)
        let map = CBORMap([
            (CBORValue(1), CBORValue(1)), (CBORValue(3), CBORValue(2)),
            (CBORValue(4), .bytes(mcOnly.authenticate(key: mcOnly.token, [0x01]))),
        ])
        #expect(try platform.send(0x0A, map).status == 0x33)
        #expect(try platform.send(0x0A, CBORMap([(CBORValue(1), CBORValue(1))])).status == 0x36)
        let cm = try #require(try platform.pinToken("1234", protocolNumber: 2, permissions: 0x04).session)
        let wrong = CBORMap([
            (CBORValue(1), CBORValue(1)), (CBORValue(3), CBORValue(2)),
            (CBORValue(4), .bytes(cm.authenticate(key: cm.token, [0x02]))),
        ])
        #expect(try platform.send(0x0A, wrong).status == 0x33)
        #expect(try platform.send(0x0A, CBORMap([(CBORValue(1), CBORValue(3))])).status == 0x30)
    }

    @Test("credProtect 2 hides a credential from discovery without UV; credProtect 3 also from the allow list")
    func credProtect() throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        #expect(try platform.setPIN("1234", protocolNumber: 2) == 0)
        var ids: [Int: [UInt8]] = [:]
        for level in [2, 3] {
            let token = try #require(try platform.pinToken("1234", protocolNumber: 2, permissions: 0x01, rpID: "example.com").session)
            let made = try #require(try platform.makeCredential(
                userID: [UInt8(level)], residentKey: true,
                extensions: CBORMap([(.text("credProtect"), CBORValue(level))]), pin: token).registration)
            ids[level] = made.credentialID
        }
        #expect(try platform.getAssertion().status == 0x2E)
        #expect(try platform.getAssertion(allowList: [try #require(ids[2])]).status == 0)
        #expect(try platform.getAssertion(allowList: [try #require(ids[3])]).status == 0x2E)
        let token = try #require(try platform.pinToken("1234", protocolNumber: 2, permissions: 0x02, rpID: "example.com").session)
        let assertion = try #require(try platform.getAssertion(pin: token).assertion)
        #expect(assertion.numberOfCredentials == 2)
    }

    @Test("hmac-secret gives the same output for the same salt and another for a second salt",
          arguments: [1, 2])
    func hmacSecret(protocolNumber: Int) throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        let made = try #require(try platform.makeCredential(extensions: CBORMap([(.text("hmac-secret"), true)])).registration)
        func output(salt: [UInt8]) throws -> [UInt8] {
            let session = try platform.keyAgreement(protocolNumber: protocolNumber)
            let saltEnc = try session.encrypt(salt)
            var input = CBORMap([
                (CBORValue(1), session.platformCOSEKey), (CBORValue(2), .bytes(saltEnc)),
                (CBORValue(3), .bytes(session.authenticate(key: session.sharedSecret, saltEnc))),
            ])
            if protocolNumber == 2 { input[CBORValue(4)] = CBORValue(2) }
            let assertion = try #require(try platform.getAssertion(
                allowList: [made.credentialID], extensions: CBORMap([(.text("hmac-secret"), .map(input))])).assertion)
            #expect(assertion.flags & 0x80 != 0)
            let extensions = try #require(try CBORDecoder().decodePrefix(assertion.authData[37...]).value.mapValue)
            let encrypted = try #require(extensions[text: "hmac-secret"]?.bytesValue)
            return try session.decrypt(encrypted)
        }
        let salt1 = [UInt8](repeating: 0xA5, count: 32)
        let salt2 = [UInt8](repeating: 0x96, count: 32)
        let one = try output(salt: salt1)
        #expect(one.count == 32)
        #expect(try output(salt: salt1) == one)
        let two = try output(salt: salt1 + salt2)
        #expect(two.count == 64)
        #expect(Array(two.prefix(32)) == one)
        #expect(Array(two.suffix(32)) != one)
    }

    @Test("A bad saltAuth is refused")
    func hmacSecretBadAuth() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        let made = try #require(try platform.makeCredential(extensions: CBORMap([(.text("hmac-secret"), true)])).registration)
        let session = try platform.keyAgreement(protocolNumber: 2)
        let saltEnc = try session.encrypt([UInt8](repeating: 1, count: 32))
        let input = CBORMap([
            (CBORValue(1), session.platformCOSEKey), (CBORValue(2), .bytes(saltEnc)),
            (CBORValue(3), .bytes([UInt8](repeating: 0, count: 32))), (CBORValue(4), CBORValue(2)),
        ])
        let status = try platform.getAssertion(
            allowList: [made.credentialID], extensions: CBORMap([(.text("hmac-secret"), .map(input))])).status
        #expect(status == 0x33)
    }

    @Test("A second credential for the same RP and user replaces the first")
    func sameUserReplaces() throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        let first = try #require(try platform.makeCredential(residentKey: true).registration)
        let second = try #require(try platform.makeCredential(residentKey: true).registration)
        #expect(device.discoverableCredentialCount == 1)
        #expect(try platform.getAssertion(allowList: [first.credentialID]).status == 0x2E)
        #expect(try platform.getAssertion().assertion?.credentialID == second.credentialID)
    }

    @Test("The store refuses credentials beyond its capacity with CTAP2_ERR_KEY_STORE_FULL")
    func keyStoreFull() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.maximumDiscoverableCredentials = 2
        let platform = Platform(direct: try VirtualAuthenticator(configuration: configuration))
        #expect(try platform.makeCredential(userID: [1], residentKey: true).status == 0)
        #expect(try platform.makeCredential(userID: [2], residentKey: true).status == 0)
        #expect(try platform.makeCredential(userID: [3], residentKey: true).status == 0x28)
        let info = try platform.expectOK(0x04, nil)
        #expect(info[int: 0x14]?.intValue == 0)
    }
}
