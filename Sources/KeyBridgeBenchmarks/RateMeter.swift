import Dispatch
import Foundation
import Synchronization

/// Why a benchmark stopped: an operation that should succeed did not, so no number it would print means anything.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// One repetition of the work a row measures. It throws when the work did not give the expected result.
typealias Operation = () throws -> Void

/// Counts how often an operation runs in a given time, on the calling thread or on several threads at once.
enum RateMeter {
    /// Runs `operation` on the calling thread until at least `minimum` has passed and returns operations per second.
    ///
    /// The clock is read once per batch; batches double until one takes a millisecond, so reading the clock costs
    /// nothing measurable even for sub-microsecond operations.
    ///
    /// - Throws: whatever `operation` throws.
    static func rate(for minimum: Duration, _ operation: Operation) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var batchStart = start
        var batch = 1
        var count = 0
        while true {
            for _ in 0..<batch { try operation() }
            count += batch
            let now = clock.now
            if now - start >= minimum { return Double(count) / seconds(now - start) }
            if now - batchStart < .milliseconds(1) { batch *= 2 }
            batchStart = now
        }
    }

    /// Runs `body` on each of `threads` new threads, all released at the same moment, and returns the sum of
    /// what they return (each thread's own rate, so the sum is the combined rate).
    ///
    /// - Throws: the first failure of any thread.
    static func parallel(threads: Int, _ body: @escaping @Sendable () throws -> Double) throws -> Double {
        let results = ResultBox()
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            ready.enter()
            done.enter()
            let thread = Thread {
                ready.leave()
                go.wait()
                results.record(Result { try body() })
                done.leave()
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
        ready.wait()
        for _ in 0..<threads { go.signal() }
        done.wait()
        return try results.total()
    }

    /// Seconds in `duration`, as a floating-point number.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The per-thread results of ``parallel(threads:_:)``.
    private final class ResultBox: Sendable {
        private let results = Mutex<[Result<Double, any Error>]>([])

        func record(_ result: Result<Double, any Error>) {
            results.withLock { $0.append(result) }
        }

        func total() throws -> Double {
            let all = results.withLock { $0 }
            var sum = 0.0
            for result in all { sum += try result.get() }
            return sum
        }
    }
}
