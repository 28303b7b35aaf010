/// The risk signals that fired for one sign-in, with their explanations.
///
/// Any signal forces an MFA prompt, even on a trusted device. No signal means the trusted-device token
/// (if valid) may skip the prompt.
public struct RiskAssessment: Sendable, Hashable {
    /// The signals that fired, in evaluation order.
    public let signals: [RiskSignal]

    /// An assessment of `signals`.
    ///
    /// - Parameter signals: The signals that fired.
    public init(signals: [RiskSignal]) {
        self.signals = signals
    }

    /// Whether any signal fired.
    public var isRisky: Bool { !signals.isEmpty }

    /// The signals' stable codes, for example `["new-device", "impossible-travel"]`.
    public var codes: [String] { signals.map(\.code) }

    /// One sentence per signal.
    public var explanations: [String] { signals.map(\.explanation) }

    /// All explanations in one line, or `No risk signal fired.`
    public var summary: String {
        signals.isEmpty ? "No risk signal fired." : explanations.joined(separator: " ")
    }
}
