/// Resource limits that bound what one decode may cost.
///
/// The decoder checks each limit before it allocates for an item, so hostile input cannot make it reserve
/// more memory than the input could fill. A limit of zero or less rejects every input that needs it.
public struct CBORDecodingLimits: Sendable, Hashable {
    /// The deepest nesting of arrays, maps and tags: `[[1]]` has depth 2 and a scalar has depth 0.
    ///
    /// - Warning: The decoder itself does not recurse, but ``CBORValue`` is a recursive type: destroying,
    ///   comparing, hashing or encoding a value recurses once per level. Keep this limit small (CTAP2
    ///   structures nest four levels at most); tens of thousands of levels can exhaust a thread's stack.
    public var maxDepth: Int
    /// The most data items in one decode. Every item counts: map keys, map values, array elements,
    /// tags and the containers themselves.
    public var maxItems: Int
    /// The most input bytes. `CBORDecoder.decode(_:)` rejects a longer input outright;
    /// ``CBORDecoder/decodePrefix(_:)`` rejects an item that runs past this many bytes.
    public var maxBytes: Int

    /// Limits with the given values.
    ///
    /// - Parameters:
    ///   - maxDepth: The deepest nesting of arrays, maps and tags (default 16).
    ///   - maxItems: The most data items, keys included (default 10 000).
    ///   - maxBytes: The most input bytes (default 1 MiB).
    public init(maxDepth: Int = 16, maxItems: Int = 10_000, maxBytes: Int = 1 << 20) {
        self.maxDepth = maxDepth
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }

    /// Depth 16, 10 000 items, 1 MiB: roomy for any CTAP2 or WebAuthn structure.
    public static let `default` = CBORDecodingLimits()
}
