import Foundation
import Testing

/// Debian's `oathtool` (installed by `scripts/install-deps --test`): TOTP codes computed independently of KeyBridge.
enum Oathtool {
    /// Runs oathtool with `arguments` and returns its stdout; records an issue when it fails.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/oathtool")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "oathtool \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }

    /// The 6-digit SHA-1, 30-second TOTP code of a Base32 secret (spaces allowed) at `time`.
    static func code(base32 secret: String, at time: Int64) throws -> String {
        try run(["--totp", "--base32", "--now=@\(time)", secret.replacingOccurrences(of: " ", with: "")])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
