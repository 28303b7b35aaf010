internal import OpenSSLWrapper

/// Bytes of key material in one heap buffer that is cleared when the last reference goes away.
///
/// Swift arrays copy freely and are never cleared; key material lives here instead and is reached only
/// through ``withUnsafeBytes(_:)``. Immutable, so safe to share across threads.
final class SecretBytes: @unchecked Sendable {
    /// Owned by this object; cleared and freed in deinit.
    private let buffer: UnsafeMutableRawBufferPointer

    /// A copy of `bytes`.
    init(copying bytes: some Collection<UInt8>) {
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        _ = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count]).initializeMemory(as: UInt8.self, from: bytes)
        count = bytes.count
    }

    /// A copy of `bytes`, after which the array's own storage is cleared.
    convenience init(consuming bytes: inout [UInt8]) {
        self.init(copying: bytes)
        secureZero(&bytes)
    }

    /// The number of bytes.
    let count: Int

    /// Runs `body` with the bytes, valid for the duration of the call only.
    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    /// A copy in an ordinary array (which the caller should clear when done).
    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Constant-time equality of the contents (lengths are not secret).
    func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { a in other.withUnsafeBytes { b in OneTimeCodes.constantTimeEquals(a, b) } }
    }

    deinit {
        secureZero(buffer)
        buffer.deallocate()
    }
}

/// Equality of two byte buffers in time that depends only on their lengths.
func constantTimeEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in 0..<a.count { difference |= a[index] ^ b[index] }
    return difference == 0
}

/// 1 when `a == b`, else 0, computed without a data-dependent branch.
@inline(__always)
func constantTimeEqualMask(_ a: UInt32, _ b: UInt32) -> UInt64 {
    // a ^ b < 2^32, so subtracting 1 borrows into bit 63 exactly when it is zero.
    (UInt64(a ^ b) &- 1) >> 63
}
