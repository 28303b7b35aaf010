/// Which accounts must use MFA.
///
/// The policy is checked by ``MFAMethodRegistry/signIn(accountID:context:)`` right after the password (the
/// first factor) was accepted: an account that must use MFA and has no active method gets
/// ``SignInDecision/enrollmentRequired(_:)`` and no access until a method is active. An account that need
/// not use MFA but has an active method is still prompted: turning MFA on is always honoured.
///
/// Service accounts (``MFAAccount/isInteractive`` false) are never required to: they are exempt from
/// interactive MFA, and every sign-in they make is recorded instead.
public struct MFAEnforcementPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which interactive accounts the requirement covers.
    public enum Scope: Sendable, Hashable, Codable {
        /// Every interactive account.
        case allAccounts
        /// Interactive accounts created at or after this time (Unix seconds); older ones may opt in.
        case accountsCreated(onOrAfter: Int64)
        /// No account; MFA is opt-in.
        case none
    }

    /// Which accounts the requirement covers.
    public var scope: Scope

    /// A policy.
    ///
    /// - Parameter scope: Which accounts must use MFA; all of them by default.
    public init(scope: Scope = .allAccounts) {
        self.scope = scope
    }

    /// MFA for every interactive account.
    public static let allAccounts = MFAEnforcementPolicy(scope: .allAccounts)
    /// MFA for no account unless its owner turns it on.
    public static let optional = MFAEnforcementPolicy(scope: .none)

    /// MFA for accounts created at or after `cutoff`.
    ///
    /// - Parameter cutoff: The cut-off date in Unix seconds.
    /// - Returns: The policy.
    public static func accountsCreated(onOrAfter cutoff: Int64) -> MFAEnforcementPolicy {
        MFAEnforcementPolicy(scope: .accountsCreated(onOrAfter: cutoff))
    }

    /// Whether `account` must have an active MFA method before it gets access.
    ///
    /// - Parameter account: The account.
    /// - Returns: False for a service account, and for an account outside the scope.
    public func requiresMFA(for account: MFAAccount) -> Bool {
        guard account.isInteractive else { return false }
        switch scope {
        case .allAccounts: return true
        case .accountsCreated(let cutoff): return account.createdAt >= cutoff
        case .none: return false
        }
    }

    /// One sentence, for the `keybridge mfa policy` command and the audit log.
    public var description: String {
        switch scope {
        case .allAccounts:
            return "MFA is required for every interactive account."
        case .accountsCreated(let cutoff):
            return "MFA is required for interactive accounts created at or after \(cutoff) (Unix time); "
                + "older accounts may turn it on."
        case .none:
            return "MFA is optional: accounts that turned it on are prompted."
        }
    }
}
