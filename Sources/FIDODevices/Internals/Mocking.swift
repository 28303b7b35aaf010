// Mocking of the libfido2 funnel, compiled only into debug builds (`ENABLE_MOCKING`), in the manner of
// swift-system's Internals/Mocking.swift: tests force the result of a named libfido2 call and read back the
// trace of calls, without touching a device's behaviour otherwise.

#if ENABLE_MOCKING
import Synchronization

/// Forces libfido2 results and records the calls made through ``LibFIDO2``, for the task that installs it.
///
/// ```swift
/// let driver = MockingDriver()
/// driver.force("fido_dev_make_cred", result: 0x31)          // FIDO_ERR_PIN_INVALID
/// try await MockingDriver.$current.withValue(driver) { try await device.makeCredential(request) }
/// #expect(driver.trace.contains("fido_dev_cancel"))
/// ```
///
/// The driver is task-local: a test that installs one sees only its own calls, even when tests run in
/// parallel, and the device's io callbacks (which run inside the calling task) see it too.
final class MockingDriver: Sendable {
    private struct State {
        var forced: [String: [Int32]] = [:]
        var trace: [String] = []
    }

    private let state = Mutex(State())

    /// The driver of the current task, if any.
    @TaskLocal static var current: MockingDriver?

    init() {}

    /// Makes the next `times` calls of `function` return `result` without calling libfido2 (for a
    /// constructor, any forced result makes it return NULL).
    func force(_ function: String, result: Int32, times: Int = 1) {
        state.withLock { $0.forced[function, default: []] += Array(repeating: result, count: times) }
    }

    /// The names of the libfido2 calls made so far, in order.
    var trace: [String] {
        state.withLock { $0.trace }
    }

    /// Notes a call.
    func record(_ function: StaticString) {
        state.withLock { $0.trace.append("\(function)") }
    }

    /// The forced result for this call of `function`, consuming it, or nil to make the real call.
    func forcedResult(for function: StaticString) -> Int32? {
        state.withLock { state in
            let name = "\(function)"
            guard var queue = state.forced[name], !queue.isEmpty else { return nil }
            let result = queue.removeFirst()
            state.forced[name] = queue
            return result
        }
    }
}
#endif
