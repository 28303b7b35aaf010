/// A strict CBOR decoder for CTAP2 and WebAuthn.
///
/// It accepts only RFC 8949 §4.2 core deterministic encoding as CTAP2 (§8, canonical CBOR encoding form)
/// restricts it, and rejects everything else with a ``CBORError`` that names the rule and the byte offset:
/// - indefinite lengths (``CBORError/Code/indefiniteLength``);
/// - integers, lengths and tags not in their shortest form, and floats that a shorter float holds exactly
///   (``CBORError/Code/nonMinimalEncoding``);
/// - duplicate map keys, compared by their canonical encoding (``CBORError/Code/duplicateMapKey``);
/// - text that is not UTF-8, reserved additional information, two-byte simple values below 32, tags
///   unless ``allowTags``, and map keys out of CTAP2 order when ``requireCanonicalMapOrder`` is set;
/// - truncated input, trailing bytes, and input over the ``limits``.
///
/// The decoder reads a contiguous buffer with one index and keeps an explicit stack instead of recursing,
/// so neither deep nesting nor a huge announced length can exhaust the stack or memory: every length is
/// compared with the bytes that remain before anything is allocated for it. It never traps.
///
/// ```swift
/// let value = try CBORDecoder().decode(attestationObject)
/// let format = value.mapValue?[text: "fmt"]?.textValue
/// ```
public struct CBORDecoder: Sendable {
    /// Bounds on nesting depth, item count and input size.
    public var limits: CBORDecodingLimits
    /// Whether every map's keys must be in CTAP2 canonical order. Off by default: real attestation
    /// statements (TPM `attStmt`, for one) are not in that order. On, the decoder accepts exactly the
    /// canonical encodings, so ``CBOREncoder/encode(_:)`` reproduces any accepted input byte for byte.
    public var requireCanonicalMapOrder: Bool
    /// Whether tags (major type 6) are accepted. Off by default: CTAP2 forbids them.
    public var allowTags: Bool

    /// A decoder with the given limits and options.
    ///
    /// - Parameters:
    ///   - limits: Bounds on nesting depth, item count and input size (default ``CBORDecodingLimits/default``).
    ///   - requireCanonicalMapOrder: Whether map keys must be in CTAP2 order (default false).
    ///   - allowTags: Whether tags are accepted (default false).
    public init(limits: CBORDecodingLimits = .default, requireCanonicalMapOrder: Bool = false, allowTags: Bool = false) {
        self.limits = limits
        self.requireCanonicalMapOrder = requireCanonicalMapOrder
        self.allowTags = allowTags
    }

    // MARK: - Whole input

    /// Decodes exactly one data item that spans all of `bytes`.
    ///
    /// - Parameter bytes: The encoded item.
    /// - Returns: The decoded value.
    /// - Throws: ``CBORError``: ``CBORError/Code/trailingBytes`` when bytes follow the item,
    ///   ``CBORError/Code/sizeLimitExceeded`` (offset ``CBORDecodingLimits/maxBytes``) when the input is
    ///   longer than the limit, or any other code for an item the decoder rejects.
    public func decode(_ bytes: [UInt8]) throws(CBORError) -> CBORValue {
        let result = bytes.withUnsafeBufferPointer { buffer in Result { () throws(CBORError) in try decodeWhole(buffer) } }
        return try result.get()
    }

    /// Decodes exactly one data item that spans all of `bytes`. Offsets count from the slice's first byte.
    ///
    /// - Parameter bytes: The encoded item.
    /// - Returns: The decoded value.
    /// - Throws: ``CBORError``, as the `[UInt8]` overload does.
    public func decode(_ bytes: ArraySlice<UInt8>) throws(CBORError) -> CBORValue {
        let result = bytes.withUnsafeBufferPointer { buffer in Result { () throws(CBORError) in try decodeWhole(buffer) } }
        return try result.get()
    }

    /// Decodes exactly one data item that spans all of `bytes`. Offsets count from the first element.
    ///
    /// A collection without contiguous storage is copied into an array first.
    ///
    /// - Parameter bytes: The encoded item.
    /// - Returns: The decoded value.
    /// - Throws: ``CBORError``, as the `[UInt8]` overload does.
    public func decode(_ bytes: some Collection<UInt8>) throws(CBORError) -> CBORValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(CBORError) in try decodeWhole(buffer) }
        }
        if let contiguous { return try contiguous.get() }
        return try decode(Array(bytes))
    }

    // MARK: - Prefix

    /// Decodes the first data item of `bytes` and reports how many bytes it took.
    ///
    /// Use it for an item embedded in a longer structure, such as the credential public key (a COSE_Key)
    /// inside authenticator data, which is followed by the extensions map. The size limit applies to the
    /// item, not to the bytes after it.
    ///
    /// - Parameter bytes: Input that starts with an encoded item.
    /// - Returns: The value and the number of bytes it occupies, counted from the slice's first byte.
    /// - Throws: ``CBORError``; ``CBORError/Code/sizeLimitExceeded`` when the item runs past
    ///   ``CBORDecodingLimits/maxBytes`` bytes.
    public func decodePrefix(_ bytes: ArraySlice<UInt8>) throws(CBORError) -> (value: CBORValue, length: Int) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(CBORError) -> (value: CBORValue, length: Int) in
                var parser = CBORParser(input: buffer, options: self)
                let value = try parser.parse()
                return (value, parser.position)
            }
        }
        return try result.get()
    }

    // MARK: - Internals

    private func decodeWhole(_ buffer: UnsafeBufferPointer<UInt8>) throws(CBORError) -> CBORValue {
        guard buffer.count <= limits.maxBytes else {
            throw CBORError(
                .sizeLimitExceeded, offset: max(0, limits.maxBytes),
                "input is \(buffer.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        var parser = CBORParser(input: buffer, options: self)
        let value = try parser.parse()
        guard parser.position == buffer.count else {
            throw CBORError(
                .trailingBytes, offset: parser.position,
                "\(buffer.count - parser.position) bytes follow the data item")
        }
        return value
    }
}
