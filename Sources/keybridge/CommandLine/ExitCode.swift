/// A process exit status, as `sysexits.h` and the `keybridge` contract define them.
struct ExitCode: RawRepresentable, Hashable, Sendable, Error {
    let rawValue: Int32
    init(rawValue: Int32) { self.rawValue = rawValue }

    /// The command did its job.
    static let success = ExitCode(rawValue: 0)
    /// The input was rejected (for `verify`: stdout holds `{"error": CODE, "message": TEXT}`), or the command failed.
    static let failure = ExitCode(rawValue: 1)
    /// The command line was wrong (`EX_USAGE`).
    static let usage = ExitCode(rawValue: 64)
}
