import Foundation
import _TestSupport

/// Runs the independent reference tools these tests compare against (`oathtool`, `zbarimg`, `qrencode`,
/// Python's standard library and `cryptography`). Nothing here uses the code under test.
enum Tool {
    /// Whether `name` is an executable on PATH.
    static func exists(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs `executable` with `arguments` and `input` on stdin; returns the exit status and stdout.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [], allowFailure: Bool = false)
        throws -> (status: Int32, output: String)
    {
        try ExternalProcess.run(executable, arguments, input: input, allowFailure: allowFailure)
    }

    /// Runs a Python 3 script with arguments; returns stdout's lines.
    static func python(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) throws -> [String] {
        try run("python3", ["-c", script] + arguments, input: input).output
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-otp-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Deterministic bytes for tests that need reproducible "random" input (never for secrets in production).
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

extension Array where Element == UInt8 {
    /// Bytes from hexadecimal text written as in the source documents (spaces and newlines ignored).
    init(hex: String) {
        let digits = hex.unicodeScalars.filter { !$0.properties.isWhitespace }.map { UInt8(String($0), radix: 16) ?? 0 }
        self = stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// Lower-case hexadecimal.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
