/// What to ask a key for when authenticating: the parameters a relying party puts in
/// `PublicKeyCredentialRequestOptions`, plus the origin the client reports.
public struct AssertionRequest: Sendable, Hashable {
    /// The relying party ID (a domain).
    public var rpID: String
    /// The origin written into `clientDataJSON`; defaults to `https://` followed by the RP ID.
    public var origin: String
    /// The challenge from the relying party.
    public var challenge: [UInt8]
    /// The credentials that may answer; empty to let the key use its discoverable credentials for the RP.
    public var allowCredentials: [[UInt8]] = []
    /// Whether the key must check user presence (a touch). True by default.
    public var userPresence = true
    /// A 32- or 64-byte salt for the `hmac-secret` extension, if wanted.
    public var hmacSalt: [UInt8]?

    /// A request with the defaults: origin `https://RPID`, no allow list, user presence, no extensions.
    ///
    /// - Parameters:
    ///   - rpID: The relying party ID.
    ///   - challenge: The relying party's challenge.
    public init(rpID: String, challenge: [UInt8]) {
        self.rpID = rpID
        self.origin = "https://\(rpID)"
        self.challenge = challenge
    }

    /// Checks what the key would reject or what would make a useless response.
    func validate() throws(FIDOError) {
        guard !rpID.isEmpty, !rpID.utf8.contains(0), !origin.utf8.contains(0) else {
            throw FIDOError(.invalidArgument, "the RP ID must be a non-empty string without NUL")
        }
        guard !challenge.isEmpty else { throw FIDOError(.invalidArgument, "the challenge must not be empty") }
        if let hmacSalt, hmacSalt.count != 32, hmacSalt.count != 64 {
            throw FIDOError(.invalidArgument, "an hmac-secret salt is 32 or 64 bytes, got \(hmacSalt.count)")
        }
    }
}
