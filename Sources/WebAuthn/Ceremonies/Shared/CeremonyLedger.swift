import Synchronization

/// The ids of the ceremony states a relying party has consumed, kept until the states expire, so a state is
/// accepted once only.
///
/// One ledger belongs to one ``RelyingParty`` value (and its copies). It lives in process memory: servers that
/// run several processes must also make their state storage single-use (delete the stored state when reading it).
final class CeremonyLedger: Sendable {
    /// A state id packed into two words: cheaper to hash than an array.
    private struct Key: Hashable {
        let high: UInt64
        let low: UInt64
        let tail: [UInt8]

        init(_ id: [UInt8]) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (i, b) in id.prefix(16).enumerated() {
                if i < 8 { high = high << 8 | UInt64(b) } else { low = low << 8 | UInt64(b) }
            }
            self.high = high
            self.low = low
            // Ids are 16 bytes; anything else (only from a hand-built state) keeps its full bytes in the key.
            self.tail = id.count == 16 ? [] : id
        }
    }

    private struct Entries {
        var expiries: [Key: Int64] = [:]
        var pruneAt = 1024
    }

    private let entries = Mutex(Entries())

    init() {}

    /// Records `id` as used. Returns false when it was already used.
    ///
    /// Expired entries are dropped once the ledger doubles in size since the last sweep (amortised O(1)):
    /// an expired state is refused for its expiry anyway.
    func consume(_ id: [UInt8], expiresAt: Int64, now: Int64) -> Bool {
        entries.withLock { entries in
            if entries.expiries.count >= entries.pruneAt {
                entries.expiries = entries.expiries.filter { $0.value >= now }
                entries.pruneAt = max(1024, entries.expiries.count * 2)
            }
            let key = Key(id)
            guard entries.expiries[key] == nil else { return false }
            entries.expiries[key] = expiresAt
            return true
        }
    }

    /// How many ids the ledger holds (for tests of the sweep).
    var count: Int { entries.withLock { $0.expiries.count } }
}
