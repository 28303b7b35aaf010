/// The outcome of an accepted TOTP code.
public struct TOTPMatch: Sendable, Hashable, Codable {
    /// The time step of the code that matched (RFC 6238's T). Store it: a later code for this step or an
    /// earlier one must be refused (pass it as `lastAcceptedTimeStep`).
    public let timeStep: UInt64
    /// How many steps the matched code is from the verifier's current step: 0, or −1/+1 for a phone clock
    /// that is behind or ahead.
    public let drift: Int
}
