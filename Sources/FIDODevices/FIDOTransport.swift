/// A CTAPHID report pipe to one security key: what KeyBridge plugs into libfido2's custom io
/// (`fido_dev_set_io_functions`) for every device.
///
/// Real keys use ``HIDRawTransport``; the software authenticator in the `VirtualAuthenticator` module
/// conforms too, and a wrapper that records or replays exchanges can sit between libfido2 and any other
/// transport, since every report in both directions passes through these four calls.
///
/// libfido2 calls ``open()`` from `fido_dev_open`, then alternates ``send(report:)`` and
/// ``receive(timeout:)``, and calls ``close()`` from `fido_dev_close`. All calls for one device come from
/// one thread at a time; KeyBridge's io layer adds the timeout, cancellation and touch-prompt logic on top,
/// so a transport only moves bytes.
///
/// ```swift
/// final class Logging: FIDOTransport {
///     let inner: any FIDOTransport
///     func open() throws(FIDOError) { try inner.open() }
///     func close() { inner.close() }
///     func send(report: [UInt8]) throws(FIDOError) { log(report); try inner.send(report: report) }
///     func receive(timeout: Duration) throws(FIDOError) -> [UInt8]? {
///         let report = try inner.receive(timeout: timeout); if let report { log(report) }; return report
///     }
/// }
/// ```
public protocol FIDOTransport: AnyObject, Sendable {
    /// Opens the device for this process (exclusively, where the platform allows).
    ///
    /// - Throws: ``FIDOError`` with ``FIDOError/Code/permissionDenied``, ``FIDOError/Code/deviceBusy``,
    ///   ``FIDOError/Code/noDevice`` or ``FIDOError/Code/ioFailed``.
    func open() throws(FIDOError)

    /// Closes the device. Called once for each successful ``open()``.
    func close()

    /// Sends one HID output report: 65 bytes, report ID 0 first, then a 64-byte CTAPHID packet.
    ///
    /// - Parameter report: The 65-byte report.
    /// - Throws: ``FIDOError/Code/deviceRemoved`` when the key is gone, or another ``FIDOError``.
    func send(report: [UInt8]) throws(FIDOError)

    /// Waits up to `timeout` for one HID input report: a 64-byte CTAPHID packet (no report ID).
    ///
    /// KeyBridge calls this with short timeouts (at most about 100 ms) and calls again, so that it can
    /// watch the operation's deadline and cancellation in between.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The 64-byte packet, or nil when none arrived in time.
    /// - Throws: ``FIDOError/Code/deviceRemoved`` when the key is gone, or another ``FIDOError``.
    func receive(timeout: Duration) throws(FIDOError) -> [UInt8]?
}
