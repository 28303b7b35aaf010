import Foundation
import _TestSupport

/// Debian's `oathtool` (installed by `scripts/install-deps --test`): TOTP codes computed independently of KeyBridge.
enum Oathtool {
    /// Runs oathtool with `arguments` and returns its stdout; throws when it fails.
    static func run(_ arguments: [String]) throws -> String {
        try ExternalProcess.run("oathtool", arguments).output
    }

    /// The 6-digit SHA-1, 30-second TOTP code of a Base32 secret (spaces allowed) at `time`.
    static func code(base32 secret: String, at time: Int64) throws -> String {
        try run(["--totp", "--base32", "--now=@\(time)", secret.replacingOccurrences(of: " ", with: "")])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
