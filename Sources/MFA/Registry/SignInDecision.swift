/// What ``MFAMethodRegistry/signIn(accountID:context:)`` decided once the password was accepted.
///
/// Every decision is explained (``explanation``) and recorded in the audit log and the sign-in history.
public enum SignInDecision: Sendable, Hashable {
    /// Let the user in without a second factor, for this reason.
    case allow(AllowReason)
    /// Ask for a second factor with one of the allowed methods.
    case challenge(SignInChallenge)
    /// The account must have an active method but has none: send the user to enrollment; no access until
    /// a method is active. The string explains why.
    case enrollmentRequired(String)

    /// Why a sign-in needs no second factor.
    public enum AllowReason: String, Sendable, Hashable {
        /// A non-interactive service account: exempt from interactive MFA, its sign-in recorded.
        case serviceAccount = "service-account"
        /// MFA is not required for the account and it has no active method.
        case mfaNotRequired = "mfa-not-required"
        /// A valid trusted-device token, and no risk signal fired.
        case trustedDevice = "trusted-device"

        /// One sentence for people.
        public var explanation: String {
            switch self {
            case .serviceAccount:
                return "Service account: exempt from interactive MFA; the sign-in is recorded."
            case .mfaNotRequired:
                return "MFA is not required for this account and it has no active method."
            case .trustedDevice:
                return "The device presented a valid trusted-device token and no risk signal fired."
            }
        }
    }

    /// `allow`, `challenge` or `enrollment-required`, as the sign-in history records it.
    public var outcome: String {
        switch self {
        case .allow: return "allow"
        case .challenge: return "challenge"
        case .enrollmentRequired: return "enrollment-required"
        }
    }

    /// Why, in words, for the audit log and the command line.
    public var explanation: String {
        switch self {
        case .allow(let reason):
            return "Allowed: " + reason.explanation
        case .challenge(let challenge):
            return "MFA prompt: " + challenge.explanation
        case .enrollmentRequired(let why):
            return "Enrollment required: " + why
        }
    }
}

/// The second-factor prompt of a sign-in.
public struct SignInChallenge: Sendable, Hashable {
    /// The methods that may answer it, the preferred one first, recovery codes last.
    public let methods: [MFAMethodSummary]
    /// The risk signals that fired; each one forces the prompt even on a trusted device.
    public let riskSignals: [RiskSignal]
    /// What the presented trusted-device token proved.
    public let device: DeviceRecognition

    /// The signals' stable codes, for example `["new-device", "impossible-travel"]`.
    public var riskCodes: [String] { riskSignals.map(\.code) }
    /// One sentence per signal.
    public var riskReasons: [String] { riskSignals.map(\.explanation) }

    /// The prompt explained in one paragraph.
    public var explanation: String {
        let reasons = riskReasons.isEmpty ? "MFA is on for this account." : riskReasons.joined(separator: " ")
        let offered = methods.map { "\($0.kind)" }.joined(separator: ", ")
        return reasons + " Allowed methods: " + offered + "."
    }
}
