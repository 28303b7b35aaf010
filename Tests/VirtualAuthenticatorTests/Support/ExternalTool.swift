import Foundation
import _TestSupport

/// Runs Python's `cryptography` package, the independent reference the PIN protocol tests compare with.
enum ExternalTool {
    /// Runs `python3 -c script arguments…` and returns stdout split on whitespace.
    static func python(_ script: String, _ arguments: [String]) throws -> [String] {
        try ExternalProcess.run("python3", ["-c", script] + arguments).output
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }
}

extension Array where Element == UInt8 {
    /// Bytes from hex text (spaces and newlines ignored).
    init(hex: String) {
        let digits = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < digits.count {
            bytes.append(UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0)
            index += 2
        }
        self = bytes
    }

    /// Lowercase hex.
    var hex: String {
        map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
