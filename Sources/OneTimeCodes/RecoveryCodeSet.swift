/// A set of single-use recovery codes, as a server stores it: only each code's HMAC.
///
/// ``generate(key:count:at:)`` makes ten codes of 60 bits each, written `xxxx-xxxx-xxxx` in Crockford's
/// Base32 alphabet (digits and lower-case letters without i, l, o and u, so nothing reads as something
/// else). Show the codes once; store the set. Generating a new set replaces the old one: its hashes are
/// bound to the set's random ``id``, so the old codes match nothing in the new set.
///
/// A pure value over an injected clock: ``redeem(_:key:at:)`` marks the code used, so persist the set
/// after every successful call, in the same transaction as the sign-in it allows.
public struct RecoveryCodeSet: Sendable, Hashable, Codable {
    /// One stored code.
    public struct Entry: Sendable, Hashable, Codable {
        /// HMAC-SHA-256 of the normalised code, bound to the set's ``RecoveryCodeSet/id``.
        public let hash: [UInt8]
        /// When it was used, or nil while unused.
        public fileprivate(set) var usedAt: Int64?
    }

    /// Codes in a new set.
    public static let defaultCount = 10
    /// Characters per code (without hyphens): 12 × 5 = 60 bits.
    public static let codeLength = 12
    /// Crockford's Base32 alphabet, lower case.
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// A random identifier (32 hexadecimal characters), bound into every hash.
    public let id: String
    /// When the set was generated (Unix seconds).
    public let createdAt: Int64
    /// The stored codes, in the order they were shown.
    public private(set) var entries: [Entry]

    /// Codes not yet used.
    public var remaining: Int { entries.lazy.filter { $0.usedAt == nil }.count }

    /// Makes a new set.
    ///
    /// - Parameters:
    ///   - key: The server key the hashes are made with.
    ///   - count: How many codes; ten by default.
    ///   - now: The current time in Unix seconds.
    /// - Returns: The codes to show the user once (`xxxx-xxxx-xxxx`), and the set to store.
    public static func generate(key: CodeHashingKey, count: Int = defaultCount, at now: Int64)
        -> (codes: [String], set: RecoveryCodeSet)
    {
        generate(key: key, count: count, at: now, random: .system)
    }

    /// ``generate(key:count:at:)`` with injected randomness (tests only).
    package static func generate(key: CodeHashingKey, count: Int, at now: Int64, random: RandomSource)
        -> (codes: [String], set: RecoveryCodeSet)
    {
        let id = Hex.encode(random.bytes(16))
        var codes: [String] = []
        var entries: [Entry] = []
        for _ in 0..<max(count, 0) {
            var characters: [UInt8] = []
            for _ in 0..<codeLength {
                characters.append(alphabet[Int(random.uniform(below: UInt64(alphabet.count)))])
            }
            let normalised = String(decoding: characters, as: UTF8.self)
            entries.append(Entry(hash: hash(normalised, setID: id, key: key), usedAt: nil))
            codes.append(format(characters))
        }
        return (codes, RecoveryCodeSet(id: id, createdAt: now, entries: entries))
    }

    private init(id: String, createdAt: Int64, entries: [Entry]) {
        self.id = id
        self.createdAt = createdAt
        self.entries = entries
    }

    /// Uses the code `input` at `now`.
    ///
    /// The input's HMAC is compared with every stored hash in constant time, and the loop never stops early.
    ///
    /// - Parameters:
    ///   - input: What the user typed; see ``normalize(_:)``.
    ///   - key: The server key the set was made with.
    ///   - now: The current time in Unix seconds.
    /// - Returns: The index of the code used.
    /// - Throws: ``OneTimeCodeError/Code/codeReused`` for a code of this set used before,
    ///   ``OneTimeCodeError/Code/invalidCode`` for anything else.
    public mutating func redeem(_ input: String, key: CodeHashingKey, at now: Int64) throws(OneTimeCodeError) -> Int {
        guard let normalised = Self.normalize(input) else {
            throw OneTimeCodeError(.invalidCode, "not a recovery code")
        }
        let candidate = Self.hash(normalised, setID: id, key: key)
        var matched = -1
        for (index, entry) in entries.enumerated() {
            let equal = candidate.withUnsafeBytes { a in entry.hash.withUnsafeBytes { b in constantTimeEquals(a, b) } }
            if equal { matched = index }
        }
        guard matched >= 0 else {
            throw OneTimeCodeError(.invalidCode, "the recovery code matches none of this set")
        }
        guard entries[matched].usedAt == nil else {
            throw OneTimeCodeError(.codeReused, "this recovery code was already used")
        }
        entries[matched].usedAt = now
        return matched
    }

    /// The canonical form of a typed recovery code, or nil when it cannot be one.
    ///
    /// Case is ignored; spaces, tabs and hyphens are dropped; `o` reads as `0` and `i` and `l` as `1`
    /// (Crockford's rules). What remains must be 12 characters of the alphabet.
    ///
    /// - Parameter input: The typed code.
    /// - Returns: 12 lower-case characters, or nil.
    public static func normalize(_ input: String) -> String? {
        var output: [UInt8] = []
        for character in input.utf8 {
            var lower = character
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(lower) { lower += 32 }
            switch lower {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "o"):
                output.append(UInt8(ascii: "0"))
            case UInt8(ascii: "i"), UInt8(ascii: "l"):
                output.append(UInt8(ascii: "1"))
            default:
                guard alphabet.contains(lower) else { return nil }
                output.append(lower)
            }
            if output.count > codeLength { return nil }
        }
        return output.count == codeLength ? String(decoding: output, as: UTF8.self) : nil
    }

    /// `xxxx-xxxx-xxxx`.
    private static func format(_ characters: [UInt8]) -> String {
        var output: [UInt8] = []
        for (index, character) in characters.enumerated() {
            if index > 0 && index % 4 == 0 { output.append(UInt8(ascii: "-")) }
            output.append(character)
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hash(_ normalised: String, setID: String, key: CodeHashingKey) -> [UInt8] {
        key.authenticationCode([Array("KeyBridge recovery code v1".utf8), Array(setID.utf8), Array(normalised.utf8)])
    }
}
