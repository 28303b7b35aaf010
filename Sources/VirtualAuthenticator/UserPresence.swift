/// How the virtual authenticator decides whether the user touched it.
///
/// Whenever an operation needs user presence (makeCredential, getAssertion with `up`, reset, selection, an
/// exclude-list hit, U2F register and authenticate), the authenticator asks the hook. The hook answers
/// ``Decision/approve``, ``Decision/deny`` or ``Decision/wait``. While it waits, each
/// ``VirtualAuthenticator/read()`` returns a CTAPHID `KEEPALIVE` report with status 2 ("user presence
/// needed") and asks again, as a real key does while its button blinks; ``VirtualAuthenticator/handle(command:payload:)``
/// polls every millisecond. A CTAPHID `CANCEL` or the ``VirtualAuthenticator/Configuration/userPresenceTimeout``
/// ends the wait.
///
/// ```swift
/// var configuration = VirtualAuthenticator.Configuration()
/// configuration.userPresence = .afterPolls(3)          // three KEEPALIVE reports, then approve
/// let touched = Atomic<Bool>(false)                     // or: a touch from another thread
/// configuration.userPresence = UserPresence { _ in touched.load(ordering: .relaxed) ? .approve : .wait }
/// ```
///
/// - Warning: The hook runs while the authenticator holds its lock: it must return promptly and must not
///   call back into the authenticator.
public struct UserPresence: Sendable {
    /// The hook's answer.
    public enum Decision: Sendable, Hashable {
        /// The user touched the authenticator.
        case approve
        /// The user refused (the operation fails with CTAP2_ERR_OPERATION_DENIED, or U2F status 0x6985).
        case deny
        /// Not yet: ask again on the next poll.
        case wait
    }

    /// The operation that needs the touch.
    public enum Operation: String, Sendable, Hashable {
        /// authenticatorMakeCredential.
        case makeCredential
        /// authenticatorGetAssertion with `up` true.
        case getAssertion
        /// authenticatorReset.
        case reset
        /// authenticatorSelection, or a makeCredential or getAssertion with a zero-length pinUvAuthParam.
        case selection
        /// makeCredential found a credential of the exclude list (the touch precedes the refusal).
        case excludedCredential
        /// U2F_REGISTER.
        case u2fRegister
        /// U2F_AUTHENTICATE with "enforce user presence".
        case u2fAuthenticate
    }

    /// What the hook is asked about.
    public struct Request: Sendable, Hashable {
        /// The operation waiting for the touch.
        public let operation: Operation
        /// The relying party ID, when the operation has one (CTAP2 only; U2F carries only its hash).
        public let rpID: String?
        /// How many times the hook was already asked for this operation (0 on the first call).
        public let poll: Int
    }

    private let decide: @Sendable (Request) -> Decision

    /// A presence hook with your own logic.
    ///
    /// - Parameter decide: Called for every poll; it must not block or call the authenticator.
    public init(_ decide: @escaping @Sendable (Request) -> Decision) {
        self.decide = decide
    }

    /// Asks the hook.
    func decision(for request: Request) -> Decision {
        decide(request)
    }

    /// Approves every request at once (the default, for CI).
    public static let automatic = UserPresence { _ in .approve }

    /// Refuses every request.
    public static let denied = UserPresence { _ in .deny }

    /// Waits for `polls` polls, then approves: with CTAPHID the host sees `polls` KEEPALIVE reports first.
    ///
    /// - Parameter polls: The number of polls answered ``Decision/wait``.
    /// - Returns: The hook.
    public static func afterPolls(_ polls: Int) -> UserPresence {
        UserPresence { request in request.poll >= polls ? .approve : .wait }
    }
}
