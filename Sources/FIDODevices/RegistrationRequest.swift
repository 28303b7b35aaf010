/// What to ask a key for when registering a credential: the parameters a relying party puts in
/// `PublicKeyCredentialCreationOptions`, plus the origin the client reports.
///
/// ```swift
/// var request = RegistrationRequest(rpID: "example.com", userName: "alice", challenge: challenge)
/// request.residentKey = true
/// let result = try await device.makeCredential(request, pin: pin)
/// print(result.jsonString)          // RegistrationResponseJSON
/// ```
public struct RegistrationRequest: Sendable, Hashable {
    /// The relying party ID (a domain).
    public var rpID: String
    /// The relying party name shown by some keys; defaults to the RP ID.
    public var rpName: String
    /// The origin written into `clientDataJSON`; defaults to `https://` followed by the RP ID.
    public var origin: String
    /// The challenge from the relying party.
    public var challenge: [UInt8]
    /// The user handle (at most 64 bytes).
    public var userID: [UInt8]
    /// The user name (`user.name`).
    public var userName: String
    /// The user display name (`user.displayName`); defaults to the user name.
    public var userDisplayName: String
    /// The credential algorithm to ask for.
    public var algorithm: CredentialAlgorithm = .es256
    /// Whether to make a discoverable (resident) credential.
    public var residentKey = false
    /// Credential IDs the key must not already hold; a hit fails with
    /// ``FIDOError/Code/credentialExcluded``.
    public var excludeCredentials: [[UInt8]] = []
    /// Whether to ask for the `hmac-secret` extension.
    public var hmacSecret = false
    /// The `credProtect` level to ask for, if any.
    public var credentialProtection: CredentialProtection?

    /// A request with the defaults: origin `https://RPID`, RP name and display name copied, ES256, not
    /// discoverable, no exclude list, no extensions.
    ///
    /// - Parameters:
    ///   - rpID: The relying party ID.
    ///   - userID: The user handle.
    ///   - userName: The user name.
    ///   - challenge: The relying party's challenge.
    public init(rpID: String, userID: [UInt8], userName: String, challenge: [UInt8]) {
        self.rpID = rpID
        self.rpName = rpID
        self.origin = "https://\(rpID)"
        self.challenge = challenge
        self.userID = userID
        self.userName = userName
        self.userDisplayName = userName
    }

    /// Checks what the key would reject or what would make a useless response.
    func validate() throws(FIDOError) {
        guard !rpID.isEmpty, !rpID.utf8.contains(0) else {
            throw FIDOError(.invalidArgument, "the RP ID must be a non-empty string without NUL")
        }
        guard !challenge.isEmpty else { throw FIDOError(.invalidArgument, "the challenge must not be empty") }
        guard (1...64).contains(userID.count) else {
            throw FIDOError(.invalidArgument, "the user handle is 1 to 64 bytes, got \(userID.count)")
        }
        for text in [rpName, userName, userDisplayName, origin] where text.utf8.contains(0) {
            throw FIDOError(.invalidArgument, "names and the origin must not contain NUL")
        }
    }
}
