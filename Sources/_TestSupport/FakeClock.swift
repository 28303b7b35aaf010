import Synchronization
package import WebAuthn

/// A clock tests move by hand.
package final class FakeClock: Sendable {
    private let seconds: Mutex<Int64>

    /// A clock that reads `start` until moved.
    package init(_ start: Int64 = 1_700_000_000) {
        seconds = Mutex(start)
    }

    /// The current reading.
    package var now: Int64 { seconds.withLock { $0 } }

    /// Moves the clock forward by `delta` seconds.
    package func advance(by delta: Int64) {
        seconds.withLock { $0 += delta }
    }

    /// A ``WebAuthnClock`` that reads this clock.
    package var clock: WebAuthnClock {
        WebAuthnClock { [self] in self.now }
    }
}
