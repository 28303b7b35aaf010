internal import CFIDO2
import Synchronization

/// KeyBridge's io layer between libfido2 and one ``FIDOTransport``: the target of the custom io functions
/// (`fido_dev_set_io_functions`) of every device KeyBridge opens.
///
/// On top of moving reports it adds what libfido2's own io lacks:
/// - a deadline per operation: when it passes, the bridge cancels the request on the key through
///   `fido_dev_cancel` and the operation fails with ``FIDOError/Code/timeout``;
/// - cancellation: ``requestCancel()`` (from a Task cancellation handler, on any thread) makes the next
///   read cancel the request the same way, and the operation fails with ``FIDOError/Code/cancelled``;
/// - a touch prompt: the first CTAPHID KEEPALIVE with status 2 ("user presence needed") of an operation,
///   or a U2F "conditions not satisfied" answer, fires the operation's prompt callback, once;
/// - the cause of a transport failure (an unplugged key), so that the funnel reports it instead of
///   libfido2's generic FIDO_ERR_RX.
///
/// The reads and writes run on the device's thread, inside a libfido2 call; only ``requestCancel()`` comes
/// from elsewhere. All mutable state sits behind one lock, never held while the transport or libfido2 runs.
final class IOBridge: Sendable {
    /// How long the bridge keeps reading after it sent CTAPHID_CANCEL, so that the key's answer to the
    /// cancelled request (CTAP2_ERR_KEEPALIVE_CANCEL) is consumed and not left for the next request.
    static let cancelGrace: Duration = .seconds(1)
    /// The longest single wait on the transport, so that deadlines and cancellation are noticed promptly.
    static let pollSlice: Duration = .milliseconds(100)

    private struct State {
        /// The `fido_dev_t` the bridge serves, lent by its ``DeviceHandle`` from `fido_dev_open` until the
        /// handle's deinit; used only on the device's thread, for `fido_dev_cancel` inside a read.
        var device: LentDevice?
        var operation = "open"
        var timeout: Duration = .seconds(30)
        var deadline: ContinuousClock.Instant?
        var cancelRequested = false
        var cancelSentAt: ContinuousClock.Instant?
        var failure: FIDOError?
        var promptFired = false
        var prompt: (@Sendable () -> Void)?
    }

    /// What a read does next.
    private enum Step {
        case sendCancel(LentDevice?)
        case giveUp
        case wait(Duration)
    }

    /// The transport that moves the reports.
    let transport: any FIDOTransport
    private let state = Mutex(State())

    init(transport: any FIDOTransport) {
        self.transport = transport
    }

    // MARK: - Operation bracket (device thread)

    /// Lends the bridge the device it serves (see ``State/device``).
    func attach(device: OpaquePointer) {
        let lent = LentDevice(pointer: device)
        state.withLock { $0.device = lent }
    }

    /// Forgets the device, before its handle frees it.
    func detach() {
        state.withLock { $0.device = nil }
    }

    /// Starts an operation: a fresh deadline, no cancellation, no failure, the prompt not yet fired.
    func begin(operation: String, timeout: Duration, prompt: (@Sendable () -> Void)?) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.operation = operation
            state.timeout = timeout
            state.deadline = now + timeout
            state.cancelRequested = false
            state.cancelSentAt = nil
            state.failure = nil
            state.promptFired = false
            state.prompt = prompt
        }
    }

    /// Ends the operation started by ``begin(operation:timeout:prompt:)``.
    func end() {
        state.withLock { state in
            state.deadline = nil
            state.cancelRequested = false
            state.cancelSentAt = nil
            state.prompt = nil
        }
    }

    /// Asks the running operation to stop. Safe from any thread; takes effect at the next read.
    func requestCancel() {
        state.withLock { $0.cancelRequested = true }
    }

    /// The failure the io layer recorded during the last libfido2 call, cleared.
    func takeFailure() -> FIDOError? {
        state.withLock { state in
            defer { state.failure = nil }
            return state.failure
        }
    }

    /// Records why the io failed, unless a cause is already known.
    func record(_ error: FIDOError) {
        state.withLock { state in
            if state.failure == nil { state.failure = error }
        }
    }

    // MARK: - io callbacks (device thread)

    /// Sends one 65-byte report; returns the byte count, or -1 after recording the failure.
    func write(_ report: UnsafeBufferPointer<UInt8>) -> Int32 {
        do {
            try transport.send(report: Array(report))
            return Int32(report.count)
        } catch {
            record(error)
            return -1
        }
    }

    /// Fills `buffer` with one 64-byte report; returns the byte count, or -1 after recording why not.
    ///
    /// - Parameter milliseconds: libfido2's own budget for this read (-1: none).
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>, milliseconds: Int32) -> Int32 {
        let clock = ContinuousClock()
        let libfido2Deadline = milliseconds >= 0 ? clock.now + .milliseconds(milliseconds) : nil
        while true {
            let now = clock.now
            var limit: Duration
            switch step(at: now) {
            case .sendCancel(let device):
                if let device {
                    // The request is cancelled on the key itself (CTAPHID_CANCEL); its answer is read below.
                    try? LibFIDO2.status("fido_dev_cancel") { fido_dev_cancel(device.pointer) }
                }
                continue
            case .giveUp:
                return -1
            case .wait(let remaining):
                limit = remaining
            }
            if let libfido2Deadline {
                guard now < libfido2Deadline else {
                    record(FIDOError(.timeout, "libfido2's read timeout passed"))
                    return -1
                }
                limit = min(limit, libfido2Deadline - now)
            }
            let report: [UInt8]?
            do {
                report = try transport.receive(timeout: min(limit, Self.pollSlice))
            } catch {
                record(error)
                return -1
            }
            guard let report else { continue }
            guard report.count == buffer.count else {
                record(FIDOError(.invalidResponse, "the transport returned \(report.count) bytes, not \(buffer.count)"))
                return -1
            }
            observe(report)
            _ = buffer.initialize(from: report)
            return Int32(report.count)
        }
    }

    /// Decides, under the lock, whether to cancel, give up or keep waiting (and for how long at most).
    private func step(at now: ContinuousClock.Instant) -> Step {
        state.withLock { state in
            if let sentAt = state.cancelSentAt {
                let graceLeft = sentAt + Self.cancelGrace - now
                return graceLeft > .zero ? .wait(graceLeft) : .giveUp
            }
            if state.cancelRequested {
                if state.failure == nil {
                    state.failure = FIDOError(.cancelled, "\(state.operation) was cancelled")
                }
                state.cancelSentAt = now
                return state.device == nil ? .giveUp : .sendCancel(state.device)
            }
            if let deadline = state.deadline {
                if now >= deadline {
                    if state.failure == nil {
                        state.failure = FIDOError(
                            .timeout,
                            "\(state.operation) did not finish within \(Self.describe(state.timeout)); "
                                + "the request was cancelled on the key")
                    }
                    state.cancelSentAt = now
                    return state.device == nil ? .giveUp : .sendCancel(state.device)
                }
                return .wait(deadline - now)
            }
            return .wait(Self.pollSlice)
        }
    }

    /// Fires the touch prompt on the first "user presence needed" signal of the operation.
    private func observe(_ report: [UInt8]) {
        // CTAP 2.1 §11.2.9.2.1: KEEPALIVE (0x3B, with the initialization bit 0x80) carries one status byte,
        // 2 = UPNEEDED. FIDO U2F: a MSG (0x03) answer of only status word 0x6985 means "touch the key".
        let keepaliveUserPresence = report.count > 7 && report[4] == 0xBB && report[7] == 0x02
        let u2fConditionsNotSatisfied =
            report.count > 8 && report[4] == 0x83 && report[5] == 0 && report[6] == 2 && report[7] == 0x69
            && report[8] == 0x85
        guard keepaliveUserPresence || u2fConditionsNotSatisfied else { return }
        let prompt: (@Sendable () -> Void)? = state.withLock { state in
            guard !state.promptFired else { return nil }
            state.promptFired = true
            return state.prompt
        }
        prompt?()
    }

    /// "30 s", "1.5 s", "250 ms".
    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}

/// A `fido_dev_t` lent to the bridge by its ``DeviceHandle``.
///
/// `@unchecked Sendable`: the pointer crosses the bridge's lock, but it is only dereferenced (by
/// `fido_dev_cancel`) on the device's own thread, inside a read that the device's current libfido2 call made,
/// and the handle takes it back (``IOBridge/detach()``) before it frees the device.
struct LentDevice: @unchecked Sendable {
    let pointer: OpaquePointer
}

// MARK: - The C side

/// Bridges waiting for libfido2's `open` callback, by the synthetic path passed to `fido_dev_open`.
///
/// libfido2's io functions carry no user context: `open` gets only the path. KeyBridge therefore opens every
/// device under a unique path `keybridge-io:N` and looks its bridge up here.
enum IOBridgeRegistry {
    private static let pending = Mutex<[String: IOBridge]>([:])
    private static let counter = Atomic<UInt64>(0)

    /// Registers `bridge` under a fresh path and returns the path.
    static func register(_ bridge: IOBridge) -> String {
        let number = counter.add(1, ordering: .relaxed).newValue
        let path = "keybridge-io:\(number)"
        pending.withLock { $0[path] = bridge }
        return path
    }

    /// Removes and returns the bridge registered under `path`.
    static func take(_ path: String) -> IOBridge? {
        pending.withLock { $0.removeValue(forKey: path) }
    }

    /// The custom io table that routes a device through its bridge.
    static func ioFunctions() -> fido_dev_io_t {
        fido_dev_io_t(open: bridgeOpen, close: bridgeClose, read: bridgeRead, write: bridgeWrite)
    }
}

/// `fido_dev_io_open_t`: opens the bridge's transport and returns a retained reference as the io handle.
private func bridgeOpen(_ path: UnsafePointer<CChar>?) -> UnsafeMutableRawPointer? {
    guard let path, let bridge = IOBridgeRegistry.take(String(cString: path)) else { return nil }
    do {
        try bridge.transport.open()
    } catch {
        bridge.record(error)
        return nil
    }
    // Ownership: libfido2 holds this +1 reference as its io handle until it calls close, which releases it.
    return Unmanaged.passRetained(bridge).toOpaque()
}

/// `fido_dev_io_close_t`: closes the transport and releases the handle's reference.
private func bridgeClose(_ handle: UnsafeMutableRawPointer?) {
    guard let handle else { return }
    // Ownership: takes back the +1 reference handed to libfido2 by bridgeOpen.
    let bridge = Unmanaged<IOBridge>.fromOpaque(handle).takeRetainedValue()
    bridge.transport.close()
}

/// `fido_dev_io_read_t`.
private func bridgeRead(
    _ handle: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?, _ length: Int, _ milliseconds: Int32
) -> Int32 {
    guard let handle, let buffer else { return -1 }
    let bridge = Unmanaged<IOBridge>.fromOpaque(handle).takeUnretainedValue()
    return bridge.read(into: UnsafeMutableBufferPointer(start: buffer, count: length), milliseconds: milliseconds)
}

/// `fido_dev_io_write_t`.
private func bridgeWrite(_ handle: UnsafeMutableRawPointer?, _ buffer: UnsafePointer<UInt8>?, _ length: Int) -> Int32 {
    guard let handle, let buffer else { return -1 }
    let bridge = Unmanaged<IOBridge>.fromOpaque(handle).takeUnretainedValue()
    return bridge.write(UnsafeBufferPointer(start: buffer, count: length))
}
