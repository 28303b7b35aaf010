import Foundation

/// A serial executor backed by one dedicated thread: the executor of a ``FIDODevice`` actor.
///
/// libfido2 calls block for as long as the key waits for a touch (up to the operation's timeout). Running
/// them on the device's own thread keeps Swift's cooperative thread pool free, while the actor still gives
/// the `fido_dev_t` a single owner that only one job touches at a time.
final class DeviceThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `stopping` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the thread.
    ///
    /// - Parameter name: The thread's name, for debuggers.
    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread finish: it runs the jobs already queued, then exits (and releases the executor).
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
