/// The one error type of the `MFA` module.
///
/// Every failure carries a stable string ``Code`` (for logs, APIs and the `keybridge` command line), a
/// human-readable reason and the source location that raised it. Two errors are equal when their codes are
/// equal, so tests and callers match on the code and never on the text.
public struct MFAError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case notFound = "not-found"
            case alreadyExists = "already-exists"
            case invalidTransition = "invalid-transition"
            case invalidArgument = "invalid-argument"
            case corruptRecord = "corrupt-record"
            case transactionEnded = "transaction-ended"
            case storageFailure = "storage-failure"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `not-found`.
        public var rawValue: String { backing.rawValue }
        /// The stable string form, as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// The account, method, challenge or other record named does not exist.
        public static let notFound = Code(.notFound)
        /// A record with that identifier (account, method, credential ID, user handle, challenge, token)
        /// already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// A method lifecycle change the rules do not allow, such as anything out of ``MFAMethodState/removed``.
        public static let invalidTransition = Code(.invalidTransition)
        /// A value the store refuses: an empty identifier, a user handle outside 1...64 bytes, a coordinate
        /// out of range, a method that belongs to another account.
        public static let invalidArgument = Code(.invalidArgument)
        /// A stored record that cannot be read back (a damaged or hand-edited database).
        public static let corruptRecord = Code(.corruptRecord)
        /// A store transaction used after its closure returned.
        public static let transactionEnded = Code(.transactionEnded)
        /// The storage backend failed: the database is busy past its timeout, the disk is full, an I/O
        /// error, a schema newer than this program. Nothing was written.
        public static let storageFailure = Code(.storageFailure)
    }

    /// The stable code.
    public let code: Code
    /// Why, for logs and developers. Not stable; do not match on it.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// An error with `code` and `reason`.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - reason: Why, for logs.
    ///   - file: The source file; the caller's by default.
    ///   - line: The source line; the caller's by default.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }

    /// Equal when the codes are equal.
    public static func == (lhs: MFAError, rhs: MFAError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
