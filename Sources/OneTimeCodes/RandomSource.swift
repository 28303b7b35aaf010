internal import OpenSSLWrapper

/// Where secrets, SMS codes and recovery codes get their randomness.
///
/// Production code uses ``system`` (OpenSSL's CSPRNG, `RAND_bytes`). Tests inside this package inject a
/// deterministic source through the `package` initialiser; there is deliberately no public way to plug in a
/// weaker generator.
public struct RandomSource: Sendable {
    private let fill: @Sendable (Int) -> [UInt8]

    /// A source that returns `fill(count)` for `count` bytes (tests only).
    package init(_ fill: @escaping @Sendable (Int) -> [UInt8]) {
        self.fill = fill
    }

    /// OpenSSL's CSPRNG.
    public static let system = RandomSource { SecureRandom.bytes($0) }

    /// `count` random bytes.
    ///
    /// - Parameter count: How many bytes.
    /// - Returns: Exactly `count` bytes (a short answer from an injected source is padded by the CSPRNG).
    public func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var result = fill(count)
        if result.count > count { result.removeLast(result.count - count) }
        if result.count < count { result += SecureRandom.bytes(count - result.count) }
        return result
    }

    /// A uniformly distributed integer in `0..<bound`, by rejection sampling over 32-bit draws.
    ///
    /// Taking a 32-bit value modulo `bound` would favour small results whenever `bound` does not divide
    /// 2^32; draws at or above the largest multiple of `bound` are thrown away instead.
    ///
    /// - Parameter bound: The exclusive upper bound, from 1 to 2^32.
    /// - Returns: A value in `0..<bound`.
    public func uniform(below bound: UInt64) -> UInt64 {
        guard bound > 1 else { return 0 }
        let range: UInt64 = 1 << 32
        let bound = min(bound, range)
        let limit = range - range % bound
        while true {
            let draw = bytes(4).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
            if draw < limit { return draw % bound }
        }
    }
}
