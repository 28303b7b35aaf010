import Testing
import OneTimeCodes

@Suite struct ThrottlePolicyTests {
    @Test("Five failures are free, then 30 s doubling to 15 min", arguments: [
        (0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (8, 240), (9, 480), (10, 900), (11, 900), (50, 900), (99, 900),
    ] as [(Int, Int64)])
    func delays(failures: Int, seconds: Int64) {
        #expect(ThrottlePolicy.default.delay(afterFailures: failures) == seconds)
    }

    @Test("The decision counts from the last failure with an injected clock")
    func decisions() {
        let policy = ThrottlePolicy.default
        let t: Int64 = 1_700_000_000
        #expect(policy.decision(consecutiveFailures: 0, lastFailureAt: nil, at: t) == .allowed)
        #expect(policy.decision(consecutiveFailures: 4, lastFailureAt: t, at: t) == .allowed)
        #expect(policy.decision(consecutiveFailures: 5, lastFailureAt: t, at: t + 10) == .retryAfter(seconds: 20))
        #expect(policy.decision(consecutiveFailures: 5, lastFailureAt: t, at: t + 30) == .allowed)
        #expect(policy.decision(consecutiveFailures: 7, lastFailureAt: t, at: t + 119) == .retryAfter(seconds: 1))
        #expect(policy.decision(consecutiveFailures: 12, lastFailureAt: t, at: t + 899) == .retryAfter(seconds: 1))
        #expect(policy.decision(consecutiveFailures: 12, lastFailureAt: t, at: t + 900) == .allowed)
    }

    @Test("100 consecutive failures lock, however long ago the last one was")
    func hardLock() {
        let t: Int64 = 1_700_000_000
        #expect(ThrottlePolicy.default.decision(consecutiveFailures: 99, lastFailureAt: t, at: t + 900) == .allowed)
        #expect(ThrottlePolicy.default.decision(consecutiveFailures: 100, lastFailureAt: t, at: t + 10_000_000) == .locked)
    }

    @Test("The state walks through free tries, delays and the lock, and a reset clears it")
    func state() throws {
        var state = ThrottleState()
        var clock: Int64 = 1_700_000_000
        for _ in 0..<5 {
            try state.checkAllowed(at: clock)
            state.recordFailure(at: clock)
            clock += 1
        }
        do {
            try state.checkAllowed(at: clock)
            Issue.record("the sixth attempt was not delayed")
        } catch {
            #expect(error.code == .throttled)
            #expect(error.retryAfter == 29)
        }
        while state.consecutiveFailures < 100 {
            clock += 1000
            try state.checkAllowed(at: clock)
            state.recordFailure(at: clock)
        }
        #expect(throws: OneTimeCodeError(.locked, "")) { try state.checkAllowed(at: clock + 1_000_000) }
        state.reset()
        try state.checkAllowed(at: clock)
        #expect(state == ThrottleState())
    }

    @Test("A state rebuilt from its stored count and time equals the one the failures made; a mismatched pair is refused")
    func rebuiltFromStorage() throws {
        var state = ThrottleState()
        for time in [100, 130, 160] as [Int64] { state.recordFailure(at: time) }
        let rebuilt = try ThrottleState(consecutiveFailures: state.consecutiveFailures, lastFailureAt: state.lastFailureAt)
        #expect(rebuilt == state)
        #expect(rebuilt.consecutiveFailures == 3)
        #expect(try ThrottleState(consecutiveFailures: 0, lastFailureAt: nil) == ThrottleState())
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try ThrottleState(consecutiveFailures: -1, lastFailureAt: 5) }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try ThrottleState(consecutiveFailures: 2, lastFailureAt: nil) }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) { try ThrottleState(consecutiveFailures: 0, lastFailureAt: 5) }
    }
}
