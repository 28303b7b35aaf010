import Synchronization

/// A transport that passes every report through to another one and logs it: what `keybridge record` puts
/// between libfido2 and the chosen key (a hardware key, `--device PATH` or `--virtual STATEFILE`).
///
/// Reports are logged in the order they crossed, at the CTAPHID report level: each request as the 65 bytes
/// libfido2 wrote (report ID first), each reply as the 64 bytes the key answered, KEEPALIVE packets included.
/// Opening and closing are passed through and not logged (no bytes move).
///
/// ``recordedFrames()`` hands the log over with the PIN-protocol values removed: in every
/// authenticatorClientPIN request the pinUvAuthParam, newPinEnc and pinHashEnc byte strings and the
/// platform's key agreement coordinates, and in every authenticatorMakeCredential or authenticatorGetAssertion
/// request the pinUvAuthParam, are overwritten with zeros of the same length (so the frames keep their layout).
/// The PIN never crosses the transport in clear (CTAP 2.1 §6.5 sends only an encrypted hash of it), and after
/// this, nothing derived from it stays in the recording either. ``CTAPReplayTransport`` compares those
/// requests after the same zeroing, so a replay still checks every other byte.
///
/// ```swift
/// let recorder = CTAPRecordingTransport(wrapping: HIDRawTransport(path: "/dev/hidraw3"))
/// let device = try await FIDODevice.open(transport: recorder)
/// let result = try await device.makeCredential(request)
/// let frames = try recorder.recordedFrames()
/// ```
public final class CTAPRecordingTransport: FIDOTransport {
    /// The transport that moves the reports.
    public let inner: any FIDOTransport
    private let log = Mutex<[CTAPRecording.Frame]>([])

    /// A recorder in front of `inner`.
    ///
    /// - Parameter inner: The transport to the key.
    public init(wrapping inner: any FIDOTransport) {
        self.inner = inner
    }

    /// Opens the inner transport.
    ///
    /// - Throws: The inner transport's failure.
    public func open() throws(FIDOError) {
        try inner.open()
    }

    /// Closes the inner transport.
    public func close() {
        inner.close()
    }

    /// Sends the report through the inner transport and logs it once it went.
    ///
    /// - Parameter report: The 65-byte report.
    /// - Throws: The inner transport's failure (the report is then not logged).
    public func send(report: [UInt8]) throws(FIDOError) {
        try inner.send(report: report)
        log.withLock { $0.append(CTAPRecording.Frame(direction: .request, bytes: report)) }
    }

    /// Receives from the inner transport and logs what arrived.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The 64-byte report, or nil when none arrived in time.
    /// - Throws: The inner transport's failure.
    public func receive(timeout: Duration) throws(FIDOError) -> [UInt8]? {
        let report = try inner.receive(timeout: timeout)
        if let report {
            log.withLock { $0.append(CTAPRecording.Frame(direction: .reply, bytes: report)) }
        }
        return report
    }

    /// The number of reports logged so far.
    public var frameCount: Int { log.withLock { $0.count } }

    /// The log, with the PIN-protocol values of requests zeroed (see the type's discussion).
    ///
    /// - Returns: The frames, in order.
    /// - Throws: ``FIDOError/Code/recordingInvalid`` when a request that carries PIN-protocol values is not
    ///   canonical CTAP2 CBOR, so that they cannot be located and removed; nothing should be saved then.
    public func recordedFrames() throws(FIDOError) -> [CTAPRecording.Frame] {
        var frames = log.withLock { $0 }
        for message in CTAPHID.messages(in: frames, direction: .request)
        where CTAPHID.carriesPINProtocolValues(hidCommand: message.command, ctapCommand: message.payload.first) {
            guard let normalized = CTAPHID.normalizedPINRequest(message.payload) else {
                throw FIDOError(
                    .recordingInvalid,
                    "the request in frames \(message.frameIndices.map(String.init).joined(separator: ",")) is not "
                        + "canonical CTAP2 CBOR, so its PIN-protocol values cannot be removed; nothing was recorded")
            }
            CTAPHID.write(normalized, into: &frames, message: message, direction: .request)
        }
        return frames
    }
}
