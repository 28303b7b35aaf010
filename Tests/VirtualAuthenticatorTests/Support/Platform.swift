import CBOR
import OpenSSLWrapper
import VirtualAuthenticator

/// The platform (client) side of CTAP2, written from CTAP 2.1 for the tests: builds requests, reads
/// responses, and runs PIN/UV auth protocols 1 and 2. It reaches the authenticator either at the command
/// level or through ``HIDHost``.
final class Platform {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let device: VirtualAuthenticator
    private var host: HIDHost?

    /// A platform that calls ``VirtualAuthenticator/handle(command:payload:)``.
    init(direct device: VirtualAuthenticator) {
        self.device = device
    }

    /// A platform that speaks CTAPHID reports to `device`.
    init(hid device: VirtualAuthenticator) throws {
        self.device = device
        var host = HIDHost(device: device)
        try host.initialize()
        self.host = host
    }

    /// Sends a command; returns the status and the decoded response map (nil when there is no body).
    func send(_ command: UInt8, _ parameters: CBORMap?) throws -> (status: UInt8, body: CBORMap?) {
        let payload = parameters.map { CBOREncoder.encode(.map($0)) } ?? []
        let raw: [UInt8]
        if var host {
            raw = try host.cbor(command, payload)
            self.host = host
        } else {
            raw = device.handle(command: command, payload: payload)
        }
        guard let status = raw.first else { throw Failure(description: "empty CTAP response") }
        guard raw.count > 1 else { return (status, nil) }
        // Replies must be CTAP2 canonical CBOR (libfido2 rejects anything else).
        let decoder = CBORDecoder(requireCanonicalMapOrder: true)
        let value = try decoder.decode(Array(raw.dropFirst()))
        guard let map = value.mapValue else { throw Failure(description: "response is not a map") }
        guard CBOREncoder.encode(value) == Array(raw.dropFirst()) else {
            throw Failure(description: "response is not canonical CBOR")
        }
        return (status, map)
    }

    /// Sends a command that must succeed; returns its response map (empty when there is no body).
    func expectOK(_ command: UInt8, _ parameters: CBORMap?) throws -> CBORMap {
        let (status, body) = try send(command, parameters)
        guard status == 0 else { throw Failure(description: "command \(command) failed with status \(status)") }
        return body ?? CBORMap()
    }

    // MARK: - makeCredential / getAssertion

    struct Registration {
        let format: String
        let authData: [UInt8]
        let statement: CBORMap
        let clientDataJSON: [UInt8]
        let challenge: [UInt8]
        var credentialID: [UInt8] {
            let length = Int(authData[53]) << 8 | Int(authData[54])
            return Array(authData[55..<(55 + length)])
        }
        var signCount: UInt32 { UInt32(authData[33]) << 24 | UInt32(authData[34]) << 16 | UInt32(authData[35]) << 8 | UInt32(authData[36]) }
        var flags: UInt8 { authData[32] }
    }

    struct Assertion {
        let credentialID: [UInt8]
        let authData: [UInt8]
        let signature: [UInt8]
        let user: CBORMap?
        let numberOfCredentials: Int?
        let clientDataJSON: [UInt8]
        let challenge: [UInt8]
        var signCount: UInt32 { UInt32(authData[33]) << 24 | UInt32(authData[34]) << 16 | UInt32(authData[35]) << 8 | UInt32(authData[36]) }
        var flags: UInt8 { authData[32] }
        var userHandle: [UInt8]? { user?[text: "id"]?.bytesValue }
    }

    /// The makeCredential parameters (CTAP 2.1 §6.1) for a fresh challenge.
    static func makeCredentialRequest(
        clientDataHash: [UInt8], rpID: String = "example.com", userID: [UInt8] = Array("user-alice".utf8),
        userName: String = "alice", algorithms: [Int] = [-7], residentKey: Bool = false, excludeList: [[UInt8]] = [],
        extensions: CBORMap? = nil, pinAuth: (protocolNumber: Int, param: [UInt8])? = nil
    ) -> CBORMap {
        var map = CBORMap()
        map[CBORValue(1)] = .bytes(clientDataHash)
        map[CBORValue(2)] = .map(CBORMap([(.text("id"), .text(rpID)), (.text("name"), .text("Example"))]))
        map[CBORValue(3)] = .map(CBORMap([
            (.text("id"), .bytes(userID)), (.text("name"), .text(userName)), (.text("displayName"), .text("Display " + userName)),
        ]))
        map[CBORValue(4)] = .array(algorithms.map { .map(CBORMap([(.text("alg"), CBORValue($0)), (.text("type"), "public-key")])) })
        if !excludeList.isEmpty {
            map[CBORValue(5)] = .array(excludeList.map { .map(CBORMap([(.text("id"), .bytes($0)), (.text("type"), "public-key")])) })
        }
        if let extensions { map[CBORValue(6)] = .map(extensions) }
        if residentKey { map[CBORValue(7)] = .map(CBORMap([(.text("rk"), true)])) }
        if let pinAuth {
            map[CBORValue(8)] = .bytes(pinAuth.param)
            map[CBORValue(9)] = CBORValue(pinAuth.protocolNumber)
        }
        return map
    }

    /// makeCredential with a fresh challenge and the clientDataJSON a browser would send.
    func makeCredential(
        rpID: String = "example.com", userID: [UInt8] = Array("user-alice".utf8), userName: String = "alice",
        algorithms: [Int] = [-7], residentKey: Bool = false, excludeList: [[UInt8]] = [], extensions: CBORMap? = nil,
        pin: PINSession? = nil
    ) throws -> (status: UInt8, registration: Registration?) {
        let challenge = SecureRandom.bytes(32)
        let clientData = WebAuthnCheck.clientDataJSON(type: "webauthn.create", challenge: challenge, rpID: rpID)
        let hash = Digest.sha256(clientData)
        let request = Self.makeCredentialRequest(
            clientDataHash: hash, rpID: rpID, userID: userID, userName: userName, algorithms: algorithms,
            residentKey: residentKey, excludeList: excludeList, extensions: extensions,
            pinAuth: pin.map { ($0.protocolNumber, $0.authenticate(key: $0.token, hash)) })
        let (status, body) = try send(0x01, request)
        guard status == 0, let body else { return (status, nil) }
        guard let format = body[int: 1]?.textValue, let authData = body[int: 2]?.bytesValue,
            let statement = body[int: 3]?.mapValue
        else { throw Failure(description: "malformed makeCredential response") }
        return (status, Registration(format: format, authData: authData, statement: statement, clientDataJSON: clientData, challenge: challenge))
    }

    /// getAssertion with a fresh challenge.
    func getAssertion(
        rpID: String = "example.com", allowList: [[UInt8]] = [], userPresence: Bool? = nil, extensions: CBORMap? = nil,
        pin: PINSession? = nil
    ) throws -> (status: UInt8, assertion: Assertion?) {
        let challenge = SecureRandom.bytes(32)
        let clientData = WebAuthnCheck.clientDataJSON(type: "webauthn.get", challenge: challenge, rpID: rpID)
        let hash = Digest.sha256(clientData)
        var map = CBORMap()
        map[CBORValue(1)] = .text(rpID)
        map[CBORValue(2)] = .bytes(hash)
        if !allowList.isEmpty {
            map[CBORValue(3)] = .array(allowList.map { .map(CBORMap([(.text("id"), .bytes($0)), (.text("type"), "public-key")])) })
        }
        if let extensions { map[CBORValue(4)] = .map(extensions) }
        if let userPresence { map[CBORValue(5)] = .map(CBORMap([(.text("up"), .bool(userPresence))])) }
        if let pin {
            map[CBORValue(6)] = .bytes(pin.authenticate(key: pin.token, hash))
            map[CBORValue(7)] = CBORValue(pin.protocolNumber)
        }
        let (status, body) = try send(0x02, map)
        guard status == 0, let body else { return (status, nil) }
        return (status, try Self.assertion(body, clientData: clientData, challenge: challenge))
    }

    /// getNextAssertion, paired with the clientDataJSON of the getAssertion it continues.
    func getNextAssertion(after first: Assertion) throws -> (status: UInt8, assertion: Assertion?) {
        let (status, body) = try send(0x08, nil)
        guard status == 0, let body else { return (status, nil) }
        return (status, try Self.assertion(body, clientData: first.clientDataJSON, challenge: first.challenge))
    }

    private static func assertion(_ body: CBORMap, clientData: [UInt8], challenge: [UInt8]) throws -> Assertion {
        guard let credential = body[int: 1]?.mapValue, let id = credential[text: "id"]?.bytesValue,
            let authData = body[int: 2]?.bytesValue, let signature = body[int: 3]?.bytesValue
        else { throw Failure(description: "malformed getAssertion response") }
        return Assertion(
            credentialID: id, authData: authData, signature: signature, user: body[int: 4]?.mapValue,
            numberOfCredentials: body[int: 5]?.intValue, clientDataJSON: clientData, challenge: challenge)
    }

    // MARK: - clientPIN

    /// getKeyAgreement, then a fresh platform key: the shared secret for `protocolNumber`.
    func keyAgreement(protocolNumber: Int, platformScalar: [UInt8]? = nil) throws -> PINSession {
        let body = try expectOK(0x06, CBORMap([(CBORValue(1), CBORValue(protocolNumber)), (CBORValue(2), CBORValue(2))]))
        guard let key = body[int: 1]?.mapValue else { throw Failure(description: "no keyAgreement") }
        return try PINSession(protocolNumber: protocolNumber, authenticatorKey: key, platformScalar: platformScalar)
    }

    /// The PIN padded to 64 bytes, as setPIN and changePIN send it (CTAP 2.1 §6.5.5.5).
    static func paddedPIN(_ pin: String) -> [UInt8] {
        let bytes = Array(pin.utf8)
        return bytes + [UInt8](repeating: 0, count: max(0, 64 - bytes.count))
    }

    /// setPIN; returns the status.
    func setPIN(_ pin: String, protocolNumber: Int) throws -> UInt8 {
        let session = try keyAgreement(protocolNumber: protocolNumber)
        let newPinEnc = try session.encrypt(Self.paddedPIN(pin))
        let request = CBORMap([
            (CBORValue(1), CBORValue(protocolNumber)), (CBORValue(2), CBORValue(3)), (CBORValue(3), session.platformCOSEKey),
            (CBORValue(4), .bytes(session.authenticate(key: session.sharedSecret, newPinEnc))), (CBORValue(5), .bytes(newPinEnc)),
        ])
        return try send(0x06, request).status
    }

    /// changePIN; returns the status.
    func changePIN(from old: String, to new: String, protocolNumber: Int) throws -> UInt8 {
        let session = try keyAgreement(protocolNumber: protocolNumber)
        let newPinEnc = try session.encrypt(Self.paddedPIN(new))
        let pinHashEnc = try session.encrypt(Array(Digest.sha256(Array(old.utf8)).prefix(16)))
        let request = CBORMap([
            (CBORValue(1), CBORValue(protocolNumber)), (CBORValue(2), CBORValue(4)), (CBORValue(3), session.platformCOSEKey),
            (CBORValue(4), .bytes(session.authenticate(key: session.sharedSecret, newPinEnc + pinHashEnc))),
            (CBORValue(5), .bytes(newPinEnc)), (CBORValue(6), .bytes(pinHashEnc)),
        ])
        return try send(0x06, request).status
    }

    /// getPinToken (permissions nil) or getPinUvAuthTokenUsingPinWithPermissions; on success the session
    /// carries the decrypted token.
    func pinToken(
        _ pin: String, protocolNumber: Int, permissions: Int? = nil, rpID: String? = nil, platformScalar: [UInt8]? = nil
    ) throws -> (status: UInt8, session: PINSession?, encryptedToken: [UInt8]?) {
        var session = try keyAgreement(protocolNumber: protocolNumber, platformScalar: platformScalar)
        let pinHashEnc = try session.encrypt(Array(Digest.sha256(Array(pin.utf8)).prefix(16)))
        var request = CBORMap([
            (CBORValue(1), CBORValue(protocolNumber)), (CBORValue(2), CBORValue(permissions == nil ? 5 : 9)),
            (CBORValue(3), session.platformCOSEKey), (CBORValue(6), .bytes(pinHashEnc)),
        ])
        if let permissions { request[CBORValue(9)] = CBORValue(permissions) }
        if let rpID { request[CBORValue(10)] = .text(rpID) }
        let (status, body) = try send(0x06, request)
        guard status == 0, let encrypted = body?[int: 2]?.bytesValue else { return (status, nil, nil) }
        session.token = try session.decrypt(encrypted)
        return (status, session, encrypted)
    }

    /// getPINRetries.
    func pinRetries() throws -> Int {
        let body = try expectOK(0x06, CBORMap([(CBORValue(2), CBORValue(1))]))
        guard let retries = body[int: 3]?.intValue else { throw Failure(description: "no pinRetries") }
        return retries
    }
}

/// One PIN/UV auth protocol session on the platform side (CTAP 2.1 §6.5.6, §6.5.7).
struct PINSession {
    let protocolNumber: Int
    let platformKey: EVPPrivateKey
    let authenticatorKey: EVPKey
    let sharedSecret: [UInt8]
    /// The decrypted pinUvAuthToken, once obtained.
    var token: [UInt8] = []

    init(protocolNumber: Int, authenticatorKey map: CBORMap, platformScalar: [UInt8]? = nil) throws {
        guard map[int: 1]?.intValue == 2, map[int: 3]?.intValue == -25, map[int: -1]?.intValue == 1,
            let x = map[int: -2]?.bytesValue, let y = map[int: -3]?.bytesValue
        else { throw Platform.Failure(description: "keyAgreement is not an EC2 P-256 ECDH-ES+HKDF-256 key") }
        self.protocolNumber = protocolNumber
        authenticatorKey = try EVPKey(ecPublicKeyX: x, y: y, curve: .p256)
        platformKey = try platformScalar.map { try EVPPrivateKey(ecPrivateScalar: $0, curve: .p256) }
            ?? EVPPrivateKey.generate(.ec(.p256))
        let z = try platformKey.ecdhSharedSecret(with: authenticatorKey)
        if protocolNumber == 1 {
            sharedSecret = Digest.sha256(z)
        } else {
            let salt = [UInt8](repeating: 0, count: 32)
            sharedSecret =
                (HKDF.deriveKey(.sha256, inputKeyMaterial: z, salt: salt, info: Array("CTAP2 HMAC key".utf8), outputByteCount: 32) ?? [])
                + (HKDF.deriveKey(.sha256, inputKeyMaterial: z, salt: salt, info: Array("CTAP2 AES key".utf8), outputByteCount: 32) ?? [])
        }
    }

    /// The platform key as a COSE_Key for keyAgreement parameters.
    var platformCOSEKey: CBORValue {
        let point = platformKey.publicKey.ecPublicPoint ?? (x: [], y: [])
        return .map(CBORMap([
            (CBORValue(1), CBORValue(2)), (CBORValue(3), CBORValue(-25)), (CBORValue(-1), CBORValue(1)),
            (CBORValue(-2), .bytes(point.x)), (CBORValue(-3), .bytes(point.y)),
        ]))
    }

    func encrypt(_ plaintext: [UInt8]) throws -> [UInt8] {
        if protocolNumber == 1 {
            return try AESCBC.encrypt(plaintext, key: sharedSecret, iv: [UInt8](repeating: 0, count: 16))
        }
        let iv = SecureRandom.bytes(16)
        return try iv + AESCBC.encrypt(plaintext, key: Array(sharedSecret.suffix(32)), iv: iv)
    }

    func decrypt(_ ciphertext: [UInt8]) throws -> [UInt8] {
        if protocolNumber == 1 {
            return try AESCBC.decrypt(ciphertext, key: sharedSecret, iv: [UInt8](repeating: 0, count: 16))
        }
        return try AESCBC.decrypt(Array(ciphertext.dropFirst(16)), key: Array(sharedSecret.suffix(32)), iv: Array(ciphertext.prefix(16)))
    }

    func authenticate(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        if protocolNumber == 1 { return Array(HMAC.authenticationCode(.sha256, key: key, message: message).prefix(16)) }
        return HMAC.authenticationCode(.sha256, key: Array(key.prefix(32)), message: message)
    }
}
