import CBOR

/// A new credential as the WebAuthn client (KeyBridge) hands it to a relying party.
///
/// ``jsonBytes()`` is the WebAuthn Level 3 `RegistrationResponseJSON` document (§5.1, what a browser's
/// `PublicKeyCredential.toJSON()` gives), which `keybridge verify registration` and other verifiers accept.
/// The other properties are the same data, decoded, for callers that need it.
///
/// - Warning: Nothing here is verified: the relying party verifies it. ``LibFIDO2Verification`` runs
///   libfido2's own check, for cross-checking a verifier.
public struct RegistrationResult: Sendable, Hashable {
    /// The request that made the credential.
    public let request: RegistrationRequest
    /// Whether a PIN was used (so the key was asked for user verification).
    public let usedPIN: Bool
    /// The credential ID.
    public let credentialID: [UInt8]
    /// The `clientDataJSON` bytes KeyBridge built and hashed.
    public let clientDataJSON: [UInt8]
    /// The attestation object (CBOR map of `fmt`, `attStmt`, `authData`).
    public let attestationObject: [UInt8]
    /// The authenticator data.
    public let authenticatorData: [UInt8]
    /// The attestation statement format (`packed`, `fido-u2f`, `none`, …).
    public let format: String
    /// The attestation statement, CBOR, as it sits in the attestation object.
    public let attestationStatement: [UInt8]
    /// The credential algorithm.
    public let algorithm: CredentialAlgorithm
    /// The credential public key, COSE_Key bytes.
    public let publicKeyCOSE: [UInt8]
    /// The credential public key, DER SubjectPublicKeyInfo.
    public let publicKeyDER: [UInt8]
    /// The key's AAGUID (zeros for U2F keys).
    public let aaguid: [UInt8]
    /// The signature counter in the authenticator data.
    public let signCount: UInt32
    /// The authenticator data flags (UP 0x01, UV 0x04, AT 0x40, ED 0x80, …).
    public let flags: UInt8
    /// The extension outputs in the authenticator data, CBOR (empty when none).
    public let extensionOutputs: [UInt8]
    /// The transports reported in the response.
    public let transports: [String]

    init(
        request: RegistrationRequest, usedPIN: Bool, clientDataJSON: [UInt8], format: String,
        authenticatorData: [UInt8], attestationStatement: CBORMap, rawStatement: [UInt8], transports: [String]
    ) throws(FIDOError) {
        let parsed = try AuthenticatorDataReader(authenticatorData)
        guard let credentialID = parsed.credentialID, let cose = parsed.credentialPublicKey, let aaguid = parsed.aaguid
        else { throw FIDOError(.invalidResponse, "the new credential's authenticator data has no attested credential") }
        let key = try CredentialPublicKey(cose: cose)
        self.request = request
        self.usedPIN = usedPIN
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.format = format
        self.authenticatorData = authenticatorData
        self.algorithm = key.algorithm
        self.publicKeyCOSE = cose
        self.publicKeyDER = key.subjectPublicKeyInfo
        self.aaguid = aaguid
        self.signCount = parsed.signCount
        self.flags = parsed.flags
        self.extensionOutputs = parsed.extensions.map { CBOREncoder.encode(.map($0)) } ?? []
        self.transports = transports
        // A browser builds a fido-u2f statement itself, with exactly `sig` and `x5c` (WebAuthn L3 §8.6);
        // libfido2 adds `alg`. Other statements are kept byte for byte.
        if format == "fido-u2f", let sig = attestationStatement[text: "sig"],
            let x5c = attestationStatement[text: "x5c"]
        {
            self.attestationStatement = CBOREncoder.encode(.map(CBORMap([(.text("sig"), sig), (.text("x5c"), x5c)])))
        } else {
            self.attestationStatement = rawStatement
        }
        // WebAuthn L3 §6.5: the attestation object, keys in CTAP2 canonical order (fmt, attStmt, authData).
        self.attestationObject =
            [0xA3] + CBOREncoder.encode(.text("fmt")) + CBOREncoder.encode(.text(format))
            + CBOREncoder.encode(.text("attStmt")) + self.attestationStatement
            + CBOREncoder.encode(.text("authData")) + CBOREncoder.encode(.bytes(authenticatorData))
    }

    /// Whether the key created a discoverable credential, as far as the client knows (it asked for one and
    /// the key did not refuse).
    public var residentKey: Bool { request.residentKey }

    /// Whether the user was verified (the UV flag).
    public var userVerified: Bool { flags & 0x04 != 0 }

    /// The `hmac-secret` output of the authenticator data (true when the key enabled it), or nil.
    public var hmacSecretEnabled: Bool? {
        guard !extensionOutputs.isEmpty, let map = try? CBORDecoder().decode(extensionOutputs).mapValue else {
            return nil
        }
        return map[text: "hmac-secret"]?.boolValue
    }

    /// The `credProtect` output of the authenticator data, or nil.
    public var credentialProtection: CredentialProtection? {
        guard !extensionOutputs.isEmpty, let map = try? CBORDecoder().decode(extensionOutputs).mapValue,
            let level = map[text: "credProtect"]?.intValue, let raw = Int32(exactly: level)
        else { return nil }
        return CredentialProtection(rawValue: raw)
    }

    /// The `RegistrationResponseJSON` document (WebAuthn L3 §5.1), UTF-8.
    ///
    /// Members: `id`, `rawId`, `response` (`clientDataJSON`, `authenticatorData`, `transports`, `publicKey`,
    /// `publicKeyAlgorithm`, `attestationObject`), `authenticatorAttachment` (`cross-platform`),
    /// `clientExtensionResults` (`credProps.rk`, and `hmacCreateSecret` when it was asked for) and `type`.
    ///
    /// - Returns: The JSON bytes.
    public func jsonBytes() -> [UInt8] {
        jsonValue.bytes()
    }

    /// ``jsonBytes()`` as text.
    public var jsonString: String { jsonValue.text() }

    var jsonValue: OutputJSON {
        var extensions: [(String, OutputJSON)] = [("credProps", .object([("rk", .bool(request.residentKey))]))]
        if request.hmacSecret { extensions.append(("hmacCreateSecret", .bool(hmacSecretEnabled == true))) }
        return .object([
            ("id", .base64URL(credentialID)), ("rawId", .base64URL(credentialID)),
            (
                "response",
                .object([
                    ("clientDataJSON", .base64URL(clientDataJSON)),
                    ("authenticatorData", .base64URL(authenticatorData)),
                    ("transports", .array(transports.map { .string($0) })),
                    ("publicKey", .base64URL(publicKeyDER)),
                    ("publicKeyAlgorithm", .int(algorithm.coseIdentifier)),
                    ("attestationObject", .base64URL(attestationObject)),
                ])
            ),
            ("authenticatorAttachment", .string("cross-platform")),
            ("clientExtensionResults", .object(extensions)),
            ("type", .string("public-key")),
        ])
    }
}
