/// The one error type of the `VirtualAuthenticator` module.
///
/// CTAP-level failures are not errors: they go back to the host as CTAP status bytes or CTAPHID `ERROR`
/// frames, as a real key would answer. This error is for the embedding program: a report of the wrong size,
/// a state file that cannot be read or written, or a failure to create the attestation CA. Two errors are
/// equal when their codes are equal.
public struct VirtualAuthenticatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case invalidReport = "invalid-report"
            case stateFileUnreadable = "state-file-unreadable"
            case stateFileInvalid = "state-file-invalid"
            case stateFileWriteFailed = "state-file-write-failed"
            case cryptographicFailure = "cryptographic-failure"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `state-file-invalid`.
        public var rawValue: String { backing.rawValue }
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// A written report that is not 65 bytes with report ID 0.
        public static let invalidReport = Code(.invalidReport)
        /// The state file exists but cannot be read.
        public static let stateFileUnreadable = Code(.stateFileUnreadable)
        /// The state file is not a state this version understands, or its keys or certificates do not parse.
        public static let stateFileInvalid = Code(.stateFileInvalid)
        /// The state could not be written (the previous file, if any, is left as it was).
        public static let stateFileWriteFailed = Code(.stateFileWriteFailed)
        /// Key or certificate generation failed in OpenSSL.
        public static let cryptographicFailure = Code(.cryptographicFailure)
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation. It never contains key material or the PIN.
    public let reason: String
    /// The file that raised the error.
    public let file: String
    /// The line that raised the error.
    public let line: Int

    /// An error with `code` and `reason`, located at the caller.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - reason: A human-readable explanation (no secrets).
    ///   - file: The raising file; defaults to the caller's.
    ///   - line: The raising line; defaults to the caller's.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: VirtualAuthenticatorError, rhs: VirtualAuthenticatorError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
