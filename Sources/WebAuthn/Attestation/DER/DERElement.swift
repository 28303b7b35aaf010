/// One DER-encoded value (ITU-T X.690 §8.1): its identifier and its contents, read without trapping on any input.
///
/// This is the small reader the attestation formats need for the certificate extensions OpenSSL does not decode
/// for us: the Android key description (1.3.6.1.4.1.11129.2.1.17), the TPM subject alternative name's
/// `directoryName`, and the Apple nonce extension (1.2.840.113635.100.8.2). It reads definite lengths only
/// (indefinite lengths are BER, never DER), supports high tag numbers (the Android authorization list uses
/// `[600]`, `[702]` and more), and never recurses by itself, so callers decide how deep they go.
struct DERElement: Sendable {
    /// The tag class (X.690 §8.1.2.2).
    enum TagClass: UInt8, Sendable {
        case universal = 0
        case application = 1
        case contextSpecific = 2
        case `private` = 3
    }

    /// The tag class.
    let tagClass: TagClass
    /// Whether the encoding is constructed (contains further elements).
    let isConstructed: Bool
    /// The tag number (high tag numbers decoded; at most 2^31 - 1).
    let tagNumber: Int
    /// The contents octets.
    let contents: ArraySlice<UInt8>

    // MARK: - Universal tags used here

    static let booleanTag = 1
    static let integerTag = 2
    static let octetStringTag = 4
    static let nullTag = 5
    static let objectIdentifierTag = 6
    static let enumeratedTag = 10
    static let utf8StringTag = 12
    static let sequenceTag = 16
    static let setTag = 17
    static let printableStringTag = 19
    static let ia5StringTag = 22

    // MARK: - Reading

    /// Reads exactly one element that spans all of `bytes`.
    ///
    /// - Throws: ``DERError`` for truncated input, an indefinite or oversized length, or trailing bytes.
    static func parse(exactly bytes: ArraySlice<UInt8>) throws(DERError) -> DERElement {
        let (element, end) = try read(bytes, at: bytes.startIndex)
        guard end == bytes.endIndex else {
            throw DERError("\(bytes.endIndex - end) bytes follow the DER element")
        }
        return element
    }

    /// Reads exactly one element that spans all of `bytes`.
    static func parse(exactly bytes: [UInt8]) throws(DERError) -> DERElement {
        try parse(exactly: bytes[...])
    }

    /// Reads consecutive elements until `bytes` is used up.
    ///
    /// - Parameter limit: The most elements accepted (a bound on the work a hostile input can cause).
    /// - Throws: ``DERError`` when an element is malformed or there are more than `limit`.
    static func parseAll(_ bytes: ArraySlice<UInt8>, limit: Int = 4096) throws(DERError) -> [DERElement] {
        var elements: [DERElement] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            guard elements.count < limit else { throw DERError("more than \(limit) DER elements") }
            let (element, end) = try read(bytes, at: position)
            elements.append(element)
            position = end
        }
        return elements
    }

    /// Reads the element at `position`; returns it and the index after it.
    private static func read(_ bytes: ArraySlice<UInt8>, at start: Int) throws(DERError) -> (DERElement, Int) {
        var position = start
        guard position < bytes.endIndex else { throw DERError("DER element truncated before its identifier") }
        let identifier = bytes[position]
        position += 1
        guard let tagClass = TagClass(rawValue: identifier >> 6) else { throw DERError("unreachable tag class") }
        let constructed = identifier & 0x20 != 0
        var tagNumber = Int(identifier & 0x1F)
        if tagNumber == 0x1F {
            // X.690 §8.1.2.4: base-128 digits, high bit set on all but the last; the first digit is not 0x80.
            tagNumber = 0
            var digits = 0
            while true {
                guard position < bytes.endIndex else { throw DERError("DER tag number truncated") }
                let digit = bytes[position]
                position += 1
                if digits == 0, digit == 0x80 { throw DERError("DER tag number has a leading zero digit") }
                digits += 1
                guard digits <= 4 else { throw DERError("DER tag number too large") }
                tagNumber = tagNumber << 7 | Int(digit & 0x7F)
                if digit & 0x80 == 0 { break }
            }
            guard tagNumber >= 0x1F else { throw DERError("DER tag number \(tagNumber) should use the short form") }
        }
        guard position < bytes.endIndex else { throw DERError("DER element truncated before its length") }
        let first = bytes[position]
        position += 1
        var length: Int
        if first < 0x80 {
            length = Int(first)
        } else if first == 0x80 {
            throw DERError("indefinite length is not DER")
        } else {
            let count = Int(first & 0x7F)
            guard count <= 4 else { throw DERError("DER length of \(count) octets is too large") }
            guard bytes.endIndex - position >= count else { throw DERError("DER length truncated") }
            length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[position])
                position += 1
            }
        }
        guard length <= bytes.endIndex - position else {
            throw DERError("DER element claims \(length) bytes but \(bytes.endIndex - position) remain")
        }
        let element = DERElement(
            tagClass: tagClass, isConstructed: constructed, tagNumber: tagNumber,
            contents: bytes[position..<position + length])
        return (element, position + length)
    }

    // MARK: - Typed views

    /// Whether this is the universal tag `number` (with the constructed bit the type requires).
    func isUniversal(_ number: Int) -> Bool {
        tagClass == .universal && tagNumber == number
            && isConstructed == (number == Self.sequenceTag || number == Self.setTag)
    }

    /// Whether this is the context-specific tag `[number]`.
    func isContextSpecific(_ number: Int) -> Bool {
        tagClass == .contextSpecific && tagNumber == number
    }

    /// The elements inside a constructed element.
    ///
    /// - Throws: ``DERError`` for a primitive element or malformed contents.
    func children(limit: Int = 4096) throws(DERError) -> [DERElement] {
        guard isConstructed else { throw DERError("expected a constructed DER element") }
        return try Self.parseAll(contents, limit: limit)
    }

    /// The elements of a SEQUENCE.
    ///
    /// - Throws: ``DERError`` when this is not a SEQUENCE or its contents are malformed.
    func sequenceElements() throws(DERError) -> [DERElement] {
        guard isUniversal(Self.sequenceTag) else { throw DERError("expected a SEQUENCE") }
        return try children()
    }

    /// The elements of a SET (or SET OF).
    ///
    /// - Throws: ``DERError`` when this is not a SET or its contents are malformed.
    func setElements() throws(DERError) -> [DERElement] {
        guard isUniversal(Self.setTag) else { throw DERError("expected a SET") }
        return try children()
    }

    /// The single element inside an EXPLICIT context-specific tag.
    ///
    /// - Throws: ``DERError`` unless the tag wraps exactly one element.
    func explicitlyTagged() throws(DERError) -> DERElement {
        guard tagClass == .contextSpecific, isConstructed else {
            throw DERError("expected an explicitly tagged DER element")
        }
        return try Self.parse(exactly: contents)
    }

    /// The value of an INTEGER or ENUMERATED that fits in an `Int64`.
    ///
    /// - Throws: ``DERError`` for another type, empty contents, or a value out of range.
    func integerValue() throws(DERError) -> Int64 {
        guard isUniversal(Self.integerTag) || isUniversal(Self.enumeratedTag) else {
            throw DERError("expected an INTEGER or ENUMERATED")
        }
        guard let first = contents.first else { throw DERError("empty INTEGER") }
        var significant = contents[...]
        // Redundant sign octets (non-minimal encodings) do not change the value; drop them before the size check.
        while significant.count > 1,
            let lead = significant.first, let next = significant.dropFirst().first,
            (lead == 0x00 && next & 0x80 == 0) || (lead == 0xFF && next & 0x80 != 0)
        {
            significant = significant.dropFirst()
        }
        guard significant.count <= 8 else { throw DERError("INTEGER does not fit in 64 bits") }
        var value: UInt64 = first & 0x80 != 0 ? UInt64.max : 0
        for byte in significant { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    /// The contents of an OCTET STRING.
    ///
    /// - Throws: ``DERError`` for another type (including a constructed OCTET STRING, which is not DER).
    func octetStringValue() throws(DERError) -> [UInt8] {
        guard isUniversal(Self.octetStringTag) else { throw DERError("expected an OCTET STRING") }
        return Array(contents)
    }

    /// An OBJECT IDENTIFIER in dotted form.
    ///
    /// - Throws: ``DERError`` for another type or a malformed encoding.
    func objectIdentifierValue() throws(DERError) -> String {
        guard isUniversal(Self.objectIdentifierTag) else { throw DERError("expected an OBJECT IDENTIFIER") }
        guard !contents.isEmpty, let last = contents.last, last & 0x80 == 0 else {
            throw DERError("malformed OBJECT IDENTIFIER")
        }
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        var digits = 0
        for byte in contents {
            if digits == 0, byte == 0x80 { throw DERError("OBJECT IDENTIFIER arc has a leading zero digit") }
            digits += 1
            guard digits <= 9 else { throw DERError("OBJECT IDENTIFIER arc too large") }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                arcs.append(value)
                value = 0
                digits = 0
            }
        }
        // X.690 §8.19.4: the first subidentifier packs the first two arcs.
        let first = arcs[0]
        let head: [UInt64] = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
        return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
    }

    /// The text of a UTF8String, PrintableString or IA5String.
    ///
    /// - Throws: ``DERError`` for another type or text that is not valid UTF-8.
    func stringValue() throws(DERError) -> String {
        guard isUniversal(Self.utf8StringTag) || isUniversal(Self.printableStringTag) || isUniversal(Self.ia5StringTag)
        else {
            throw DERError("expected a character string")
        }
        guard let text = String(validating: contents, as: UTF8.self) else {
            throw DERError("character string is not valid UTF-8")
        }
        return text
    }
}

/// A DER structure that the reader rejects. Callers map it to the ``WebAuthnError`` code that fits.
struct DERError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    let reason: String

    init(_ reason: String) { self.reason = reason }

    var description: String { reason }
}
