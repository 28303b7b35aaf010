#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The clock the relying party reads for ceremony expiry and attestation certificate validity.
///
/// Inject ``fixed(_:)`` in tests and in the `keybridge verify --time` command.
public struct WebAuthnClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock that calls `now` for the current time in Unix seconds.
    public init(_ now: @escaping @Sendable () -> Int64) {
        self.read = now
    }

    /// The current time, in seconds since the Unix epoch.
    public func now() -> Int64 { read() }

    /// The system's wall clock.
    public static let system = WebAuthnClock { Int64(time(nil)) }

    /// A clock that always reads `unixSeconds`.
    public static func fixed(_ unixSeconds: Int64) -> WebAuthnClock {
        WebAuthnClock { unixSeconds }
    }
}
