import Logging
import HTTPTypes
import CRPCrypto
import Foundation
import MFA
import Synchronization

/// A browser session: who signed in, how far they got, and the CSRF token bound to it.
struct Session: Sendable {
    enum Stage: String, Sendable {
        /// No password yet.
        case anonymous
        /// Password accepted; the MFA prompt must be answered.
        case secondFactor = "second-factor"
        /// Password accepted; MFA is enforced and the account has no method yet: only set-up is allowed.
        case enrollment
        /// Fully signed in.
        case signedIn = "signed-in"
    }

    let id: String
    let csrfToken: String
    var stage: Stage
    var accountID: String?
    /// The methods the MFA prompt offers (preferred first), from the registry's decision.
    var challengeMethods: [MFAMethodSummary]
    /// The risk sentences that caused the prompt.
    var riskReasons: [String]
    /// Whether the last sign-in skipped the prompt on a trusted device.
    var skippedPromptOnTrustedDevice: Bool
    let createdAt: Int64
    var lastSeenAt: Int64
}

/// Server-side sessions, kept in memory and keyed by a random 256-bit identifier that only the
/// `HttpOnly` cookie carries. A restart signs everyone out; trusted-device tokens live in the MFA store and
/// survive it.
final class SessionStore: Sendable {
    /// Idle sessions end after 30 minutes; any session ends after 12 hours.
    static let idleTimeout: Int64 = 1_800
    static let absoluteTimeout: Int64 = 43_200
    static let maximumSessions = 100_000

    private let sessions = Mutex<[String: Session]>([:])

    /// A new anonymous session.
    func create(now: Int64) -> Session {
        let session = Session(
            id: Self.randomToken(), csrfToken: Self.randomToken(), stage: .anonymous, accountID: nil,
            challengeMethods: [], riskReasons: [], skippedPromptOnTrustedDevice: false, createdAt: now,
            lastSeenAt: now)
        sessions.withLock { table in
            if table.count >= Self.maximumSessions { Self.evictExpired(&table, now: now) }
            table[session.id] = session
        }
        return session
    }

    /// The live session `id`, touched; nil when unknown or expired.
    func session(id: String, now: Int64) -> Session? {
        sessions.withLock { table in
            guard var session = table[id] else { return nil }
            guard now - session.lastSeenAt < Self.idleTimeout, now - session.createdAt < Self.absoluteTimeout else {
                table[id] = nil
                return nil
            }
            session.lastSeenAt = now
            table[id] = session
            return session
        }
    }

    /// Replaces `old` with a copy under a new identifier (on every change of privilege, against fixation),
    /// after applying `change`.
    func rotate(_ old: Session, now: Int64, _ change: (inout Session) -> Void) -> Session {
        var next = Session(
            id: Self.randomToken(), csrfToken: old.csrfToken, stage: old.stage, accountID: old.accountID,
            challengeMethods: old.challengeMethods, riskReasons: old.riskReasons,
            skippedPromptOnTrustedDevice: old.skippedPromptOnTrustedDevice, createdAt: now, lastSeenAt: now)
        change(&next)
        sessions.withLock { table in
            table[old.id] = nil
            table[next.id] = next
        }
        return next
    }

    /// Ends the session `id`.
    func remove(id: String) {
        sessions.withLock { table in table[id] = nil }
    }

    /// Ends every session of `accountID` except `keeping` (after an MFA reset, say).
    func removeAll(accountID: String, keeping: String?) {
        sessions.withLock { table in
            table = table.filter { $0.value.accountID != accountID || $0.key == keeping }
        }
    }

    private static func evictExpired(_ table: inout [String: Session], now: Int64) {
        table = table.filter { now - $0.value.lastSeenAt < idleTimeout && now - $0.value.createdAt < absoluteTimeout }
    }

    /// 32 random bytes as 64 hex digits.
    static func randomToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        precondition(RAND_bytes(&bytes, 32) == 1, "the system random source failed")
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Constant-time comparison of two tokens.
    static func tokensMatch(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count, !a.isEmpty else { return false }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }
}
