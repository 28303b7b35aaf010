/// A parsed JSON value (RFC 8259).
///
/// Numbers are `Double`, as in JavaScript. ``intValue`` returns an integer only when the number is integral and
/// exactly representable (|n| ≤ 2^53), so a COSE algorithm or a sign count never silently rounds.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, or nil.
    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The boolean, or nil.
    package var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The number, or nil.
    package var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number as an `Int` when it is integral and within ±(2^53 − 1), else nil.
    ///
    /// Beyond that range a `Double` no longer tells neighbouring integers apart (2^53 + 1 parses as 2^53), so an
    /// integer read there might not be the one that was written.
    package var intValue: Int? {
        guard case .number(let n) = self, n.rounded(.towardZero) == n, abs(n) < JSONValue.maxExactInteger
        else { return nil }
        return Int(n)
    }

    /// The elements, or nil.
    package var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, or nil.
    package var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Whether this is `null`.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `key` of an object, or nil (also nil when this is not an object).
    package subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// 2^53: the largest magnitude up to which every integer is exact in a `Double`.
    package static let maxExactInteger: Double = 9_007_199_254_740_992

    /// An integer number. Values beyond ±2^53 lose precision; callers write only small integers.
    package static func integer(_ value: Int) -> JSONValue { .number(Double(value)) }
}

/// A JSON object: members in the order they were parsed or added. Keys are unique.
package struct JSONObject: Sendable, Hashable, Sequence {
    /// The keys, in order.
    package private(set) var keys: [String]
    /// The values, in the order of ``keys``.
    package private(set) var values: [JSONValue]

    /// An empty object.
    package init() {
        keys = []
        values = []
    }

    /// An object from members in order. A later duplicate key replaces the earlier value.
    package init(_ members: KeyValuePairs<String, JSONValue>) {
        self.init()
        for (k, v) in members { self[k] = v }
    }

    /// An object from members in order. A later duplicate key replaces the earlier value.
    package init(_ members: [(String, JSONValue)]) {
        self.init()
        for (k, v) in members { self[k] = v }
    }

    /// Builds an object whose keys the caller has already checked for uniqueness (the parser).
    init(uncheckedKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
    }

    /// The number of members.
    package var count: Int { keys.count }

    /// Whether the object has no members.
    package var isEmpty: Bool { keys.isEmpty }

    /// The value of member `key`, or nil. Setting nil removes the member; setting a new key appends it.
    package subscript(key: String) -> JSONValue? {
        get {
            guard let i = keys.firstIndex(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    package func makeIterator() -> Zip2Sequence<[String], [JSONValue]>.Iterator {
        zip(keys, values).makeIterator()
    }
}
