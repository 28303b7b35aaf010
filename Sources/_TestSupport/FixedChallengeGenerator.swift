import Synchronization
package import WebAuthn

/// Challenges chosen by the test: each call returns the next of `challenges`, then repeats the last.
package final class FixedChallengeGenerator: Sendable {
    private let state: Mutex<(challenges: [[UInt8]], index: Int)>

    /// A generator that returns `challenges` in order (at least one).
    package init(_ challenges: [[UInt8]]) {
        state = Mutex((challenges.isEmpty ? [Array(repeating: 0x42, count: 32)] : challenges, 0))
    }

    /// A generator that always returns `challenge`.
    package convenience init(_ challenge: [UInt8]) {
        self.init([challenge])
    }

    /// The next challenge.
    package func next() -> [UInt8] {
        state.withLock { state in
            let challenge = state.challenges[min(state.index, state.challenges.count - 1)]
            state.index += 1
            return challenge
        }
    }

    /// A ``ChallengeGenerator`` that draws from this one.
    package var generator: ChallengeGenerator {
        ChallengeGenerator { [self] in self.next() }
    }
}
