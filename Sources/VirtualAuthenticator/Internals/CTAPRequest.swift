import CBOR

/// A decoded CTAP2 request or sub-map, with accessors that fail with the CTAP status the spec asks for:
/// ``CTAP2Status/missingParameter`` for an absent required member and ``CTAP2Status/cborUnexpectedType`` for
/// a member of the wrong type.
struct CTAPRequest {
    /// The map.
    let map: CBORMap

    /// The limits requests are decoded under: CTAP 2.1 §8 allows a nesting depth of four for requests; a
    /// little more is allowed here, the size is capped by the largest CTAPHID message.
    static let decoder = CBORDecoder(limits: CBORDecodingLimits(maxDepth: 8, maxItems: 2_048, maxBytes: 7_609))

    /// Decodes `payload` as one CBOR map (an empty payload is an empty map).
    init(payload: ArraySlice<UInt8>) throws(CTAP2Status) {
        if payload.isEmpty {
            map = CBORMap()
            return
        }
        guard payload.count <= Self.decoder.limits.maxBytes else { throw CTAP2Status.requestTooLarge }
        let value: CBORValue
        do {
            value = try Self.decoder.decode(payload)
        } catch {
            throw CTAP2Status.invalidCBOR
        }
        guard case .map(let map) = value else { throw CTAP2Status.cborUnexpectedType }
        self.map = map
    }

    /// Wraps an already decoded map.
    init(map: CBORMap) {
        self.map = map
    }

    /// Whether the member `key` is present.
    func has(_ key: Int) -> Bool { map[int: key] != nil }

    /// A required byte string.
    func bytes(_ key: Int) throws(CTAP2Status) -> [UInt8] {
        guard let value = map[int: key] else { throw CTAP2Status.missingParameter }
        guard let bytes = value.bytesValue else { throw CTAP2Status.cborUnexpectedType }
        return bytes
    }

    /// An optional byte string.
    func optionalBytes(_ key: Int) throws(CTAP2Status) -> [UInt8]? {
        guard map[int: key] != nil else { return nil }
        return try bytes(key)
    }

    /// A required unsigned integer.
    func unsigned(_ key: Int) throws(CTAP2Status) -> Int {
        guard let value = map[int: key] else { throw CTAP2Status.missingParameter }
        guard case .unsigned = value, let int = value.intValue else { throw CTAP2Status.cborUnexpectedType }
        return int
    }

    /// An optional unsigned integer.
    func optionalUnsigned(_ key: Int) throws(CTAP2Status) -> Int? {
        guard map[int: key] != nil else { return nil }
        return try unsigned(key)
    }

    /// A required text string.
    func text(_ key: Int) throws(CTAP2Status) -> String {
        guard let value = map[int: key] else { throw CTAP2Status.missingParameter }
        guard let text = value.textValue else { throw CTAP2Status.cborUnexpectedType }
        return text
    }

    /// An optional text string.
    func optionalText(_ key: Int) throws(CTAP2Status) -> String? {
        guard map[int: key] != nil else { return nil }
        return try text(key)
    }

    /// A required map.
    func submap(_ key: Int) throws(CTAP2Status) -> CTAPRequest {
        guard let value = map[int: key] else { throw CTAP2Status.missingParameter }
        guard let map = value.mapValue else { throw CTAP2Status.cborUnexpectedType }
        return CTAPRequest(map: map)
    }

    /// An optional map.
    func optionalSubmap(_ key: Int) throws(CTAP2Status) -> CTAPRequest? {
        guard map[int: key] != nil else { return nil }
        return try submap(key)
    }

    /// An optional array.
    func optionalArray(_ key: Int) throws(CTAP2Status) -> [CBORValue]? {
        guard let value = map[int: key] else { return nil }
        guard let array = value.arrayValue else { throw CTAP2Status.cborUnexpectedType }
        return array
    }

    /// A text-keyed member of a map such as `rp` or `user`: nil when absent, a type error when not text.
    func textMember(_ name: String) throws(CTAP2Status) -> String? {
        guard let value = map[text: name] else { return nil }
        guard let text = value.textValue else { throw CTAP2Status.cborUnexpectedType }
        return text
    }

    /// A boolean in an options map (`rk`, `up`, `uv`): nil when absent, a type error when not a boolean.
    func option(_ name: String) throws(CTAP2Status) -> Bool? {
        guard let value = map[text: name] else { return nil }
        guard let bool = value.boolValue else { throw CTAP2Status.cborUnexpectedType }
        return bool
    }
}

/// A `PublicKeyCredentialDescriptor` from an allow or exclude list: `{type, id}` (CTAP 2.1 §6.1, §6.2).
struct CredentialDescriptor {
    let type: String
    let id: [UInt8]

    /// Parses one list entry; a missing `type` or `id` is ``CTAP2Status/missingParameter``.
    init(_ value: CBORValue) throws(CTAP2Status) {
        guard let map = value.mapValue else { throw CTAP2Status.cborUnexpectedType }
        let entry = CTAPRequest(map: map)
        guard let type = try entry.textMember("type") else { throw CTAP2Status.missingParameter }
        guard let idValue = map[text: "id"] else { throw CTAP2Status.missingParameter }
        guard let id = idValue.bytesValue else { throw CTAP2Status.cborUnexpectedType }
        self.type = type
        self.id = id
    }

    /// The descriptor as a CBOR map.
    static func encode(id: [UInt8]) -> CBORValue {
        .map(CBORMap([(.text("id"), .bytes(id)), (.text("type"), .text("public-key"))]))
    }
}

/// A successful CTAP2 response: status 0 followed by the canonical CBOR of `map` (or nothing for an empty map).
func ctapResponse(_ map: CBORMap) -> [UInt8] {
    if map.count == 0 { return [CTAP2Status.ok.rawValue] }
    return [CTAP2Status.ok.rawValue] + CBOREncoder.encode(.map(map))
}

/// A map with integer keys in the order given (the encoder sorts them canonically).
func intKeyedMap(_ pairs: [(Int, CBORValue?)]) -> CBORMap {
    var map = CBORMap()
    for (key, value) in pairs {
        if let value { map[CBORValue(key)] = value }
    }
    return map
}
