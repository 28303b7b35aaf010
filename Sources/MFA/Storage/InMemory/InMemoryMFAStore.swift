import OneTimeCodes
import Synchronization

/// An ``MFARegistryStore`` in memory, for unit tests: the same rules and orderings as ``SQLiteMFAStore``.
///
/// One mutex serializes every transaction. A write works on a copy of the state and publishes it only
/// when the closure returns, so a throwing closure leaves nothing behind, as a rolled-back database
/// transaction does. Copying makes each write cost time in proportion to the data changed (copy on write
/// per table touched): fine for tests, not meant for production data.
public final class InMemoryMFAStore: MFARegistryStore {
    private let state = Mutex(InMemoryState())

    /// An empty store.
    public init() {}

    /// Runs `body` with a read-only view of the current state.
    ///
    /// - Parameter body: The reads.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    @discardableResult
    public func read<R: Sendable>(_ body: (any MFAStoreReading) throws(MFAError) -> R) throws(MFAError) -> R {
        try state.withLock { (state) throws(MFAError) -> R in
            let transaction = InMemoryTransaction(state: state, writable: false)
            defer { transaction.close() }
            return try body(transaction)
        }
    }

    /// Runs `body` on a copy of the state and publishes the copy when `body` returns.
    ///
    /// - Parameter body: The work.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; the state is unchanged then.
    @discardableResult
    public func write<R: Sendable>(_ body: (any MFAStoreTransaction) throws(MFAError) -> R) throws(MFAError) -> R {
        try state.withLock { (state) throws(MFAError) -> R in
            let transaction = InMemoryTransaction(state: state, writable: true)
            defer { transaction.close() }
            let result = try body(transaction)
            state = transaction.state
            return result
        }
    }
}

/// Everything an ``InMemoryMFAStore`` holds.
struct InMemoryState: Sendable {
    var accounts: [String: MFAAccount] = [:]
    var methods: [String: MFAMethodRecord] = [:]
    var smsChallenges: [String: StoredSMSChallenge] = [:]
    var smsLedgers: [String: SMSSendLedger] = [:]
    var ceremonies: [String: StoredCeremonyState] = [:]
    var throttle: [String: ThrottleState] = [:]
    var trustedDevices: [String: TrustedDeviceRecord] = [:]
    var signIns: [StoredSignIn] = []
    var lastSignInSequence: Int64 = 0
    var audit: [AuditEvent] = []
    var lastAuditSequence: Int64 = 0
}
