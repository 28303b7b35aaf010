/// Where an MFA method is in its lifecycle.
///
/// ```
/// pending ──▶ confirmed ──▶ active
///    │            │           │
///    └────────────┴─────┬─────┘
///                       ▼
///                    removed   (final)
/// ```
///
/// A method is `pending` from enrollment until the user proves it works (a valid TOTP or SMS code, a
/// verified security-key registration), `confirmed` once proven, and `active` when the registry lets it
/// satisfy sign-in (it may skip `confirmed`). A reset or a removal makes it `removed`, which is final:
/// the row stays for the audit trail, and re-enrolling makes a new method.
public enum MFAMethodState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Enrolled, not yet proven.
    case pending
    /// Proven by the user (enrollment confirmed), not yet in use.
    case confirmed
    /// In use: it satisfies an MFA prompt.
    case active
    /// Deactivated for good.
    case removed

    /// Whether the lifecycle allows moving from this state to `next`.
    ///
    /// Forward moves only: pending → confirmed, pending → active, confirmed → active, and any state but
    /// `removed` → removed. Staying in the same state is not a transition.
    ///
    /// - Parameter next: The state to move to.
    /// - Returns: True when allowed.
    public func canTransition(to next: MFAMethodState) -> Bool {
        switch (self, next) {
        case (.pending, .confirmed), (.pending, .active), (.confirmed, .active): return true
        case (.pending, .removed), (.confirmed, .removed), (.active, .removed): return true
        default: return false
        }
    }

    /// The raw value (`pending`, `confirmed`, `active`, `removed`).
    public var description: String { rawValue }
}
