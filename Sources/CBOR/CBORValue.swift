/// A decoded CBOR data item (RFC 8949), restricted to what CTAP2 and WebAuthn use.
///
/// Maps keep their entries in the order they were decoded (or built). The canonical
/// encoder sorts them by the CTAP2 rules; the decoder can require that order.
public enum CBORValue: Hashable, Sendable {
    /// Major type 0.
    case unsigned(UInt64)
    /// Major type 1: the encoded argument `n`, meaning the integer `-1 - n`.
    case negative(UInt64)
    /// Major type 2.
    case bytes([UInt8])
    /// Major type 3 (valid UTF-8).
    case text(String)
    /// Major type 4.
    case array([CBORValue])
    /// Major type 5, with entries in order.
    case map(CBORMap)
    /// Major type 6.
    indirect case tagged(UInt64, CBORValue)
    /// Simple values `false` and `true`.
    case bool(Bool)
    /// Simple value `null`.
    case null
    /// Simple value `undefined`.
    case undefined
    /// Any other simple value (0...19, 32...255).
    case simple(UInt8)
    /// A floating-point number (half, single or double precision on the wire).
    case float(Double)
}

/// An ordered CBOR map. Keys are unique (the decoder rejects duplicates; `init(_:)` keeps the last).
public struct CBORMap: Hashable, Sendable, Sequence {
    /// The entries in order.
    public private(set) var entries: [(key: CBORValue, value: CBORValue)]

    /// An empty map.
    public init() { entries = [] }

    /// A map from entries in order. A later duplicate key replaces the earlier value.
    public init(_ pairs: [(CBORValue, CBORValue)]) {
        entries = []
        entries.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// Builds a map without checking for duplicate keys. Only the decoder, which checks them itself, uses it.
    package init(uncheckedEntries: [(key: CBORValue, value: CBORValue)]) { entries = uncheckedEntries }

    /// The number of entries.
    public var count: Int { entries.count }

    /// The value for `key`, or nil. Setting nil removes the entry.
    public subscript(key: CBORValue) -> CBORValue? {
        get {
            for entry in entries where entry.key == key { return entry.value }
            return nil
        }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// The value for an integer key (COSE and CTAP maps use these).
    public subscript(int key: Int) -> CBORValue? { self[CBORValue(key)] }

    /// The value for a text key.
    public subscript(text key: String) -> CBORValue? { self[.text(key)] }

    public func makeIterator() -> IndexingIterator<[(key: CBORValue, value: CBORValue)]> {
        entries.makeIterator()
    }

    public static func == (lhs: CBORMap, rhs: CBORMap) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (a, b) in zip(lhs.entries, rhs.entries) where a.key != b.key || a.value != b.value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for e in entries {
            hasher.combine(e.key)
            hasher.combine(e.value)
        }
    }
}

// MARK: - Convenience

extension CBORValue {
    /// An integer value, encoded as major type 0 or 1.
    public init(_ int: Int) {
        self = int >= 0 ? .unsigned(UInt64(int)) : .negative(UInt64(-1 - int))
    }

    /// The value as an `Int`, when it is an integer that fits.
    public var intValue: Int? {
        switch self {
        case .unsigned(let u): return u <= UInt64(Int.max) ? Int(u) : nil
        case .negative(let n): return n <= UInt64(Int.max) ? -1 - Int(n) : nil
        default: return nil
        }
    }

    /// The bytes of a byte string, or nil.
    public var bytesValue: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    /// The text of a text string, or nil.
    public var textValue: String? {
        if case .text(let t) = self { return t }
        return nil
    }

    /// The elements of an array, or nil.
    public var arrayValue: [CBORValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The map, or nil.
    public var mapValue: CBORMap? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The boolean, or nil.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

extension CBORValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral
{
    public init(integerLiteral value: Int) { self.init(value) }
    /// An array value from a literal: `[1, "a", [2, 3]]`.
    public init(arrayLiteral elements: CBORValue...) { self = .array(elements) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

// MARK: - Identity

extension CBORValue {
    /// Whether `self` and `other` are the same data item, compared strictly.
    ///
    /// `==` follows Swift's value semantics: `0.0 == -0.0`, `NaN != NaN`, and text compares by Unicode
    /// canonical equivalence. This comparison follows the encoded form instead: floats compare by bit
    /// pattern, text by its UTF-8 bytes, and map entries in order. Use it to check that a value survives
    /// an encode-decode round trip exactly.
    ///
    /// - Parameter other: The value to compare with.
    /// - Returns: True when both would encode to the same bytes and have their map entries in the same order.
    public func isIdentical(to other: CBORValue) -> Bool {
        switch (self, other) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)):
            return a == b
        case (.bytes(let a), .bytes(let b)):
            return a == b
        case (.text(let a), .text(let b)):
            return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count
                && zip(a.entries, b.entries).allSatisfy { $0.key.isIdentical(to: $1.key) && $0.value.isIdentical(to: $1.value) }
        case (.tagged(let tagA, let a), .tagged(let tagB, let b)):
            return tagA == tagB && a.isIdentical(to: b)
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.null, .null), (.undefined, .undefined):
            return true
        case (.simple(let a), .simple(let b)):
            return a == b
        case (.float(let a), .float(let b)):
            return a.bitPattern == b.bitPattern
        default:
            return false
        }
    }
}
