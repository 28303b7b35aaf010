/// A strict RFC 8259 parser that builds a ``JSONValue`` tree.
///
/// Rejects everything ``JSONReader`` rejects, plus duplicate member names in any object. Input over
/// ``JSONLimits/maxBytes`` or nested deeper than ``JSONLimits/maxDepth`` is refused before it can cost much.
/// No Foundation: the bytes are read in place.
package struct JSONParser: Sendable {
    /// The limits applied to every input.
    package var limits: JSONLimits

    package init(limits: JSONLimits = .default) {
        self.limits = limits
    }

    /// Parses one JSON text.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for anything that is not exactly one JSON value.
    package func parse(_ bytes: [UInt8]) throws(WebAuthnError) -> JSONValue {
        try JSONReader.withReader(bytes, limits: limits) { (reader) throws(WebAuthnError) -> JSONValue in
            let value = try reader.readValue()
            try reader.expectEnd()
            return value
        }
    }

    /// Parses one JSON text given as a string.
    package func parse(_ text: String) throws(WebAuthnError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

extension JSONReader {
    /// Reads one value of any kind into a tree.
    package mutating func readValue() throws(WebAuthnError) -> JSONValue {
        switch try peekKind() {
        case .string: return .string(try readString())
        case .number: return .number(try readNumber())
        case .bool: return .bool(try readBool())
        case .null:
            try readNull()
            return .null
        case .array:
            try beginArray()
            var cursor = ContainerCursor()
            var elements: [JSONValue] = []
            while try nextElement(&cursor) { elements.append(try readValue()) }
            return .array(elements)
        case .object:
            try beginObject()
            var cursor = ContainerCursor()
            var keys: [String] = []
            var values: [JSONValue] = []
            var keySet: Set<[UInt8]>? = nil
            while let token = try nextMember(&cursor) {
                let key = decodedString(token)
                // Names are the same when their code points are (RFC 8259 §8.3), as in MemberTracker and
                // JavaScript: not Swift's `==`, under which NFC "é" and NFD "e\u{301}" would be duplicates.
                // Linear search for small objects; a set once an object is large enough for it to matter.
                if var set = keySet {
                    keySet = nil
                    guard set.insert(Array(key.utf8)).inserted else { throw error("duplicate member \"\(key)\"") }
                    keySet = set
                } else {
                    guard !keys.contains(where: { $0.utf8.elementsEqual(key.utf8) }) else {
                        throw error("duplicate member \"\(key)\"")
                    }
                    if keys.count == 15 { keySet = Set((keys + [key]).map { Array($0.utf8) }) }
                }
                keys.append(key)
                values.append(try readValue())
            }
            return .object(JSONObject(uncheckedKeys: keys, values: values))
        }
    }
}
