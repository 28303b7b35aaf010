/// Everything a relying party stores about a registered credential (WebAuthn L3 §4 "credential record").
///
/// ``RelyingParty/finishRegistration(_:state:)`` creates records and
/// ``RelyingParty/finishAuthentication(_:state:credential:)`` returns them updated; the server stores them, for
/// example as the JSON of ``jsonBytes()``, and reads them back with ``init(jsonBytes:)``. The parsed public key
/// is kept with the record, so verifying an assertion never rebuilds the OpenSSL key.
///
/// Fields the record does not know (a record imported from elsewhere with only `id`, `publicKey` and `signCount`)
/// are nil.
public struct CredentialRecord: Sendable, Hashable {
    /// The credential ID.
    public let id: [UInt8]
    /// The credential public key, parsed once. ``COSEKey/encoded`` holds the COSE_Key bytes as registered.
    public let publicKey: COSEKey
    /// The signature counter last seen.
    public internal(set) var signCount: UInt32
    /// The authenticator model, when known.
    public let aaguid: AAGUID?
    /// The attestation statement format of the registration (`none`, `packed`, ...), when known.
    public let attestationFormat: String?
    /// The attestation type the verifier determined, when known.
    public let attestationType: AttestationType?
    /// Whether the attestation chained to a trust anchor, when known.
    public let attestationTrusted: Bool?
    /// Transport hints from the registration.
    public let transports: [AuthenticatorTransport]
    /// Whether the user has been verified with this credential (the spec's `uvInitialized`), when known.
    public internal(set) var userVerified: Bool?
    /// The BE flag: whether the credential may be backed up (fixed at registration), when known.
    public internal(set) var backupEligible: Bool?
    /// The BS flag as last seen: whether the credential is backed up, when known.
    public internal(set) var backupState: Bool?
    /// The user handle of the account the credential belongs to, when known.
    public let userHandle: [UInt8]?

    /// The COSE_Key bytes of the public key.
    public var publicKeyBytes: [UInt8] { publicKey.encoded }

    /// The credential's signature algorithm.
    public var algorithm: COSEAlgorithm { publicKey.algorithm }

    /// A descriptor for `excludeCredentials` or `allowCredentials`.
    public var descriptor: PublicKeyCredentialDescriptor {
        PublicKeyCredentialDescriptor(id: id, transports: transports)
    }

    /// A record from explicit values, for importing credentials registered elsewhere.
    ///
    /// - Warning: Nothing here is verified. Use it only for data the server itself stored.
    public init(
        uncheckedID id: [UInt8], publicKey: COSEKey, signCount: UInt32, aaguid: AAGUID? = nil,
        attestationFormat: String? = nil, attestationType: AttestationType? = nil, attestationTrusted: Bool? = nil,
        transports: [AuthenticatorTransport] = [], userVerified: Bool? = nil, backupEligible: Bool? = nil,
        backupState: Bool? = nil, userHandle: [UInt8]? = nil
    ) {
        self.id = id
        self.publicKey = publicKey
        self.signCount = signCount
        self.aaguid = aaguid
        self.attestationFormat = attestationFormat
        self.attestationType = attestationType
        self.attestationTrusted = attestationTrusted
        self.transports = transports
        self.userVerified = userVerified
        self.backupEligible = backupEligible
        self.backupState = backupState
        self.userHandle = userHandle
    }
}

// MARK: - JSON

extension CredentialRecord {
    /// The record as a JSON object with the members `id` (base64url), `publicKey` (base64url COSE_Key),
    /// `algorithm` (COSE number), `signCount`, `aaguid` (UUID text), `attestationFormat`, `attestationType`,
    /// `attestationTrusted`, `userVerified`, `backupEligible`, `backupState`, `transports` and, when known,
    /// `userHandle` (base64url). Unknown values are `null`. Member order is fixed.
    package var jsonValue: JSONValue {
        var object = JSONObject()
        object["id"] = .string(Base64URL.encode(id))
        object["publicKey"] = .string(Base64URL.encode(publicKey.encoded))
        object["algorithm"] = .integer(publicKey.algorithm.rawValue)
        object["signCount"] = .integer(Int(signCount))
        object["aaguid"] = aaguid.map { .string($0.description) } ?? .null
        object["attestationFormat"] = attestationFormat.map { .string($0) } ?? .null
        object["attestationType"] = attestationType.map { .string($0.rawValue) } ?? .null
        object["attestationTrusted"] = attestationTrusted.map { .bool($0) } ?? .null
        object["userVerified"] = userVerified.map { .bool($0) } ?? .null
        object["backupEligible"] = backupEligible.map { .bool($0) } ?? .null
        object["backupState"] = backupState.map { .bool($0) } ?? .null
        object["transports"] = .array(transports.map { .string($0.rawValue) })
        if let userHandle { object["userHandle"] = .string(Base64URL.encode(userHandle)) }
        return .object(object)
    }

    /// The record as compact JSON (UTF-8), for storage. See ``jsonValue`` for the members.
    public func jsonBytes() -> [UInt8] { JSONWriter.bytes(jsonValue) }

    /// The record as compact JSON text, for storage.
    public func jsonString() -> String { JSONWriter.string(jsonValue) }

    /// Reads a record stored as JSON.
    ///
    /// Only `id`, `publicKey` and `signCount` are required; every other member may be absent or `null`, and
    /// unknown members are ignored. When `algorithm` is present it must agree with the key. The key is parsed
    /// with RS1 accepted (whether RS1 may still be used is the relying party's decision at authentication).
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON``, ``WebAuthnError/Code/malformedInput`` (missing or mistyped
    ///   member, or an `algorithm` that disagrees with the key), ``WebAuthnError/Code/invalidBase64URL``, and
    ///   the errors of ``COSEKey/init(encoded:allowRS1:)``.
    public init(jsonBytes: [UInt8]) throws(WebAuthnError) {
        let value = try JSONParser().parse(jsonBytes)
        guard let object = value.objectValue else {
            throw WebAuthnError(.malformedInput, "a credential record is a JSON object")
        }
        func member(_ name: String) -> JSONValue? {
            guard let v = object[name], !v.isNull else { return nil }
            return v
        }
        func string(_ name: String) throws(WebAuthnError) -> String? {
            guard let v = member(name) else { return nil }
            guard let s = v.stringValue else { throw WebAuthnError(.malformedInput, "record member \(name) is not a string") }
            return s
        }
        func bool(_ name: String) throws(WebAuthnError) -> Bool? {
            guard let v = member(name) else { return nil }
            guard let b = v.boolValue else { throw WebAuthnError(.malformedInput, "record member \(name) is not a boolean") }
            return b
        }
        guard let idText = try string("id"), let keyText = try string("publicKey") else {
            throw WebAuthnError(.malformedInput, "a credential record needs id and publicKey")
        }
        guard let countValue = member("signCount") else {
            throw WebAuthnError(.malformedInput, "a credential record needs signCount")
        }
        guard let count = countValue.intValue, count >= 0, count <= Int(UInt32.max) else {
            throw WebAuthnError(.malformedInput, "record member signCount is not an unsigned 32-bit integer")
        }
        let key = try COSEKey(encoded: try Base64URL.decode(keyText), allowRS1: true)
        if let algorithm = member("algorithm") {
            guard let alg = algorithm.intValue, alg == key.algorithm.rawValue else {
                throw WebAuthnError(.malformedInput, "record member algorithm does not match the public key's")
            }
        }
        var aaguid: AAGUID? = nil
        if let text = try string("aaguid") {
            guard let parsed = AAGUID(uuidString: text) else {
                throw WebAuthnError(.malformedInput, "record member aaguid is not a UUID")
            }
            aaguid = parsed
        }
        var attestationType: AttestationType? = nil
        if let text = try string("attestationType") {
            guard let parsed = AttestationType(rawValue: text) else {
                throw WebAuthnError(.malformedInput, "record member attestationType is not a known attestation type")
            }
            attestationType = parsed
        }
        var transports: [AuthenticatorTransport] = []
        if let list = member("transports") {
            guard let elements = list.arrayValue else {
                throw WebAuthnError(.malformedInput, "record member transports is not an array")
            }
            for element in elements {
                guard let s = element.stringValue else {
                    throw WebAuthnError(.malformedInput, "record member transports holds a non-string")
                }
                transports.append(AuthenticatorTransport(rawValue: s))
            }
        }
        self.init(
            uncheckedID: try Base64URL.decode(idText), publicKey: key, signCount: UInt32(count), aaguid: aaguid,
            attestationFormat: try string("attestationFormat"), attestationType: attestationType,
            attestationTrusted: try bool("attestationTrusted"), transports: transports,
            userVerified: try bool("userVerified"), backupEligible: try bool("backupEligible"),
            backupState: try bool("backupState"), userHandle: try string("userHandle").map(Base64URL.decode))
    }

    /// Reads a record stored as JSON text.
    ///
    /// - Throws: as ``init(jsonBytes:)``.
    public init(jsonString: String) throws(WebAuthnError) {
        try self.init(jsonBytes: Array(jsonString.utf8))
    }
}
