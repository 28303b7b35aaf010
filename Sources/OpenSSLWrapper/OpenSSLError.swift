internal import CLibCrypto

/// A failure reported by OpenSSL (or a check this wrapper makes before calling it).
///
/// ``operation`` names what was attempted; ``details`` holds the drained OpenSSL error queue, one
/// string per entry, oldest first (or the explicit reason for a check made in Swift, such as a
/// certificate verification error).
package struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    /// What was attempted, for example `EVP_PKEY_fromdata` or `X509_verify_cert`.
    package let operation: String
    /// The drained error-queue strings, or an explicit reason.
    package let details: [String]

    /// An error with an explicit reason (not from the OpenSSL error queue).
    package init(operation: String, details: [String]) {
        self.operation = operation
        self.details = details
    }

    /// The one mapping helper: drains the thread's OpenSSL error queue into an error for `operation`.
    ///
    /// Call it right after a libcrypto call reports failure; it also leaves the queue empty, so a
    /// later failure does not pick up stale entries.
    package static func fromErrorQueue(_ operation: String) -> OpenSSLError {
        var details: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            details.append(String(cStringBuffer: buffer))
        }
        if details.isEmpty { details = ["no OpenSSL error reported"] }
        return OpenSSLError(operation: operation, details: details)
    }

    /// Drops any stale entries from the thread's error queue (after a failure that is handled, not reported).
    static func clearErrorQueue() {
        ERR_clear_error()
    }

    package var description: String {
        "\(operation) failed: \(details.joined(separator: "; "))"
    }
}

extension String {
    /// The text of a NUL-terminated C buffer (up to the first NUL, or all of it), decoded as UTF-8
    /// with invalid sequences repaired.
    init(cStringBuffer buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
