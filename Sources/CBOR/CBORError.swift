/// The one error type of the `CBOR` module.
///
/// Every rejection carries a stable string ``Code``, the byte offset in the input where the problem was
/// found, a human-readable reason and the source location that raised it. Two errors are equal when
/// their codes are equal, so callers and tests match on the code (and read ``offset`` when they need
/// it), never on the text.
public struct CBORError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case truncated = "truncated"
            case trailingBytes = "trailing-bytes"
            case indefiniteLength = "indefinite-length"
            case duplicateMapKey = "duplicate-map-key"
            case nonMinimalEncoding = "non-minimal-encoding"
            case nonCanonicalMapOrder = "non-canonical-map-order"
            case invalidUTF8 = "invalid-utf8"
            case depthLimitExceeded = "depth-limit-exceeded"
            case itemLimitExceeded = "item-limit-exceeded"
            case sizeLimitExceeded = "size-limit-exceeded"
            case reservedAdditionalInfo = "reserved-additional-info"
            case tagNotAllowed = "tag-not-allowed"
            case invalidSimpleValue = "invalid-simple-value"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `duplicate-map-key`.
        public var rawValue: String { backing.rawValue }
        /// The same as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// The input ends inside a data item. The offset is that of the item (or the missing item) that
        /// runs past the end, including a length that is larger than the bytes that remain.
        public static let truncated = Code(.truncated)
        /// `CBORDecoder.decode(_:)` found bytes after the one data item. The offset is the
        /// first of them.
        public static let trailingBytes = Code(.trailingBytes)
        /// An indefinite-length string, array or map (additional information 31), or a lone "break" byte.
        public static let indefiniteLength = Code(.indefiniteLength)
        /// A map key that repeats an earlier key of the same map. The offset is the repeated key.
        public static let duplicateMapKey = Code(.duplicateMapKey)
        /// An integer, length or tag not in its shortest form, or a float that a shorter float encodes exactly.
        public static let nonMinimalEncoding = Code(.nonMinimalEncoding)
        /// With ``CBORDecoder/requireCanonicalMapOrder``: a map key that does not sort after the key before it
        /// (CTAP2 order). The offset is that key.
        public static let nonCanonicalMapOrder = Code(.nonCanonicalMapOrder)
        /// A text string that is not valid UTF-8. The offset is the string's initial byte.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// More nested arrays, maps and tags than ``CBORDecodingLimits/maxDepth``. The offset is the first
        /// container over the limit.
        public static let depthLimitExceeded = Code(.depthLimitExceeded)
        /// More data items than ``CBORDecodingLimits/maxItems``. The offset is the item over the limit, or the
        /// array or map whose announced count would pass it (checked before its elements are read).
        public static let itemLimitExceeded = Code(.itemLimitExceeded)
        /// More input than ``CBORDecodingLimits/maxBytes``. For a whole input the offset is the limit itself;
        /// for a prefix, the item that runs past it.
        public static let sizeLimitExceeded = Code(.sizeLimitExceeded)
        /// Additional information 28, 29 or 30, or 31 on an integer or a tag.
        public static let reservedAdditionalInfo = Code(.reservedAdditionalInfo)
        /// A tag (major type 6) while ``CBORDecoder/allowTags`` is false.
        public static let tagNotAllowed = Code(.tagNotAllowed)
        /// A two-byte simple value below 32 (RFC 8949 §3.3 makes `0xf8 0x00`…`0xf8 0x1f` not well-formed).
        public static let invalidSimpleValue = Code(.invalidSimpleValue)
    }

    /// The stable code.
    public let code: Code
    /// The byte offset in the input (0 is the first byte of the array or slice given to the decoder).
    public let offset: Int
    /// Why, for humans. Not stable; do not match on it.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// An error with `code` at byte `offset`, explained by `reason`.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - offset: The byte offset in the input.
    ///   - reason: A human-readable explanation.
    ///   - file: The source file that raised it (defaults to the caller's).
    ///   - line: The source line that raised it (defaults to the caller's).
    public init(_ code: Code, offset: Int, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The code, the offset and the reason, for logs: `truncated at offset 4: …`.
    public var description: String { "\(code.rawValue) at offset \(offset): \(reason)" }

    /// Whether two errors have the same code (offset, reason and location are not compared).
    public static func == (lhs: CBORError, rhs: CBORError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
