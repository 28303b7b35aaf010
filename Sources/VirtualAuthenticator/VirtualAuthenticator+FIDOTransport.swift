public import FIDODevices
import Foundation

/// The software authenticator as a `FIDOTransport` (module `FIDODevices`): libfido2 talks to it through
/// KeyBridge's custom io exactly as it talks to a real key through `HIDRawTransport`.
///
/// ```swift
/// let key = try VirtualAuthenticator(stateFile: "ci-key.json")
/// let device = try await FIDODevice.open(transport: key)
/// let registration = try await device.makeCredential(request)
/// ```
extension VirtualAuthenticator: FIDOTransport {
    /// How long ``receive(timeout:)`` holds back each KEEPALIVE, so that a wait for user presence is
    /// paced like a real key's (which sends one every 100 ms) without slowing tests down.
    static let keepalivePacing: TimeInterval = 0.01

    /// Opening needs nothing: the authenticator is always "plugged in". libfido2 follows with CTAPHID_INIT.
    public func open() throws(FIDOError) {}

    /// Closing needs nothing; the state stays (see ``powerCycle()`` to simulate a replug).
    public func close() {}

    /// Hands one 65-byte output report to ``write(report:)``.
    ///
    /// - Parameter report: The report, report ID 0 first.
    /// - Throws: `FIDOError.Code.invalidArgument` when the report is not 65 bytes with report ID 0.
    public func send(report: [UInt8]) throws(FIDOError) {
        do {
            try write(report: report)
        } catch {
            throw FIDOError(.invalidArgument, error.reason)
        }
    }

    /// The next 64-byte report from ``read()``, waiting up to `timeout` for one.
    ///
    /// The authenticator answers synchronously, so a report is either there at once or only comes after
    /// another request; while it waits for user presence, each call returns a KEEPALIVE report.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The report, or nil when there was none in time.
    public func receive(timeout: Duration) throws(FIDOError) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let report = read() {
                // CTAPHID KEEPALIVE: command 0x3B with the initialization bit.
                if report.count > 4, report[4] == 0xBB { Thread.sleep(forTimeInterval: Self.keepalivePacing) }
                return report
            }
            guard ContinuousClock.now < deadline else { return nil }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }
}
