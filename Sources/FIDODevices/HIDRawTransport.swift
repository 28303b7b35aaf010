import Foundation
import Synchronization

/// KeyBridge's own hidraw io for real keys on Linux: what libfido2's hidraw functions do, but visible to
/// KeyBridge's io layer, so that it can show a touch prompt, time out, cancel and record.
///
/// - ``open()`` opens the node read-write and takes an exclusive, non-blocking `flock` on it, as libfido2
///   does, so two programs never interleave CTAPHID messages on one key.
/// - ``send(report:)`` writes one 65-byte report (report ID 0 first).
/// - ``receive(timeout:)`` polls, then reads one 64-byte report.
///
/// ENODEV and EIO (and a hang-up on poll) mean the key was unplugged: ``FIDOError/Code/deviceRemoved``.
/// EACCES means the user may not open the node: ``FIDOError/Code/permissionDenied``, with the fix.
public final class HIDRawTransport: FIDOTransport {
    /// The hidraw node.
    public let path: String
    private let descriptor = Mutex<Int32?>(nil)

    /// What to do when a FIDO hidraw node cannot be opened for lack of permission.
    public static let permissionFix =
        "install KeyBridge's udev rules (`keybridge udev-rules | sudo tee /etc/udev/rules.d/70-keybridge-fido.rules`, "
        + "then `sudo udevadm control --reload-rules && sudo udevadm trigger`) and replug the key; services and "
        + "CI runners need membership of the `plugdev` group the rules name"

    /// A transport for the node at `path`; nothing is opened yet.
    ///
    /// - Parameter path: The hidraw node, for example `/dev/hidraw3`.
    public init(path: String) {
        self.path = path
    }

    deinit {
        descriptor.withLock { fd in
            if let open = fd { Glibc.close(open) }
            fd = nil
        }
    }

    /// Opens the node read-write and locks it (`flock(LOCK_EX|LOCK_NB)`).
    ///
    /// - Throws: ``FIDOError/Code/permissionDenied`` (with the udev fix), ``FIDOError/Code/deviceBusy`` when
    ///   another process holds the lock, ``FIDOError/Code/noDevice``, or ``FIDOError/Code/ioFailed``.
    public func open() throws(FIDOError) {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case EACCES, EPERM:
                throw FIDOError(
                    .permissionDenied,
                    "\(path) is a security key this user may not open: \(HIDRawTransport.permissionFix)")
            case ENOENT, ENODEV, ENXIO:
                throw FIDOError(.noDevice, "no device at \(path) (\(Errno.text(code)))")
            default:
                throw FIDOError(.ioFailed, "cannot open \(path): \(Errno.text(code))")
            }
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Glibc.close(fd)
            if code == EWOULDBLOCK {
                throw FIDOError(.deviceBusy, "another program is using the key at \(path) (it holds the node's lock)")
            }
            throw FIDOError(.ioFailed, "cannot lock \(path): \(Errno.text(code))")
        }
        let previous = descriptor.withLock { current in
            defer { current = fd }
            return current
        }
        if let previous { Glibc.close(previous) }
    }

    /// Closes the node, which also releases the lock.
    public func close() {
        let fd = descriptor.withLock { current in
            defer { current = nil }
            return current
        }
        // Closing the descriptor also drops the flock.
        if let fd { Glibc.close(fd) }
    }

    /// Writes one 65-byte output report.
    ///
    /// - Parameter report: The report, report ID 0 first.
    /// - Throws: ``FIDOError/Code/deviceRemoved`` on ENODEV or EIO, ``FIDOError/Code/invalidArgument`` for a
    ///   report of another size, or ``FIDOError/Code/ioFailed``.
    public func send(report: [UInt8]) throws(FIDOError) {
        let fd = try openDescriptor()
        guard report.count == 65, report[0] == 0 else {
            throw FIDOError(.invalidArgument, "a CTAPHID output report is 65 bytes starting with report ID 0")
        }
        while true {
            let written = report.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written == report.count { return }
            if written >= 0 {
                throw FIDOError(.ioFailed, "short write to \(path): \(written) of \(report.count) bytes")
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN {
                // The kernel's output queue is full for a moment; wait until the node is writable.
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, 100)
                continue
            }
            throw failure(code, "write to")
        }
    }

    /// Polls up to `timeout`, then reads one 64-byte input report.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The report, or nil when none arrived in time.
    /// - Throws: ``FIDOError/Code/deviceRemoved`` on a hang-up, ENODEV or EIO, or ``FIDOError/Code/ioFailed``.
    public func receive(timeout: Duration) throws(FIDOError) -> [UInt8]? {
        let fd = try openDescriptor()
        let milliseconds = max(
            0,
            Int32(
                clamping: timeout.components.seconds * 1000
                    + timeout.components.attoseconds / 1_000_000_000_000_000))
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, milliseconds)
        if ready < 0 {
            let code = errno
            if code == EINTR { return nil }
            throw failure(code, "poll")
        }
        if ready == 0 { return nil }
        if entry.revents & Int16(POLLIN) == 0 && entry.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            throw FIDOError(.deviceRemoved, "the key at \(path) was removed")
        }
        var report = [UInt8](repeating: 0, count: 64)
        let count = report.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            let code = errno
            if code == EAGAIN || code == EINTR { return nil }
            throw failure(code, "read from")
        }
        guard count == 64 else {
            throw FIDOError(.ioFailed, "short read from \(path): \(count) bytes, a CTAPHID report is 64")
        }
        return report
    }

    private func openDescriptor() throws(FIDOError) -> Int32 {
        guard let fd = descriptor.withLock({ $0 }) else {
            throw FIDOError(.ioFailed, "\(path) is not open")
        }
        return fd
    }

    /// The error for a failed system call: ENODEV and EIO mean the key is gone.
    private func failure(_ code: Int32, _ action: String) -> FIDOError {
        if code == ENODEV || code == EIO || code == ENXIO {
            return FIDOError(.deviceRemoved, "the key at \(path) was removed (\(Errno.text(code)))")
        }
        return FIDOError(.ioFailed, "\(action) \(path) failed: \(Errno.text(code))")
    }
}
