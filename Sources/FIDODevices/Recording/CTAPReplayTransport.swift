import Synchronization

/// A transport that plays a recorded step back to libfido2, in place of the key, and checks every request
/// libfido2 sends against the recording.
///
/// Replies are served in the recorded order. Requests must match the recorded ones byte for byte, with two
/// exceptions, both values that are fresh on every run:
/// - **CTAPHID_INIT nonce.** `fido_dev_open` sends CTAPHID_INIT on the broadcast channel with an 8-byte
///   random nonce (report bytes 8–15). Those bytes are not compared; the rest of the report is. The nonce is
///   copied into the recorded INIT reply (packet bytes 7–14) before it is served, so libfido2 accepts it.
///   The channel ID the recorded reply assigns is served unchanged, so every later request carries the
///   recorded CID and is compared in full.
/// - **PIN protocol values.** A request message (CTAPHID_CBOR) for authenticatorClientPIN,
///   authenticatorMakeCredential or authenticatorGetAssertion is compared after zeroing, in both the request
///   and the recorded one, what ``CTAPRecordingTransport/recordedFrames()`` zeroes when it records: clientPIN pinUvAuthParam (4),
///   newPinEnc (5), pinHashEnc (6) and the coordinates of keyAgreement (3); makeCredential pinUvAuthParam (8);
///   getAssertion pinUvAuthParam (6). Their CBOR type, length and map labels are still compared, and so is
///   every other byte of those messages (the CID, sequence numbers, lengths, command, every other parameter
///   and the padding). The packet headers are compared as each packet arrives; the payload once the message
///   is complete.
///
/// Because those values are not compared, a replay needs no PIN: ``CTAPReplayer`` passes libfido2 a
/// placeholder, and whatever libfido2 derives from it lands only in the values that are zeroed before the
/// comparison. The key's replies (the encrypted token, the response) come from the recording.
///
/// The first difference, or a request or read where the recording has the other direction or has ended,
/// fails with ``FIDOError/Code/replayRequestMismatch``; ``failure`` and ``failedFrameIndex`` keep it, and
/// every later call fails the same way.
public final class CTAPReplayTransport: FIDOTransport {
    private struct Pending {
        var start: Int
        var length: Int
        var reports: [[UInt8]]
        var indices: [Int]
        var dataCount: Int
    }

    private struct State {
        var cursor = 0
        var nonce: [UInt8]?
        var pending: Pending?
        var failure: FIDOError?
        var failedFrameIndex: Int?
    }

    /// The recorded frames.
    public let frames: [CTAPRecording.Frame]
    private let state = Mutex(State())

    /// A replayer of `frames`.
    ///
    /// - Parameter frames: The frames of one recorded step.
    public init(frames: [CTAPRecording.Frame]) {
        self.frames = frames
    }

    /// Nothing to open.
    public func open() throws(FIDOError) {}

    /// Nothing to close.
    public func close() {}

    /// The index of the next frame to play.
    public var nextFrameIndex: Int { state.withLock { $0.cursor } }

    /// How many recorded frames have not been played.
    public var remainingFrameCount: Int { frames.count - nextFrameIndex }

    /// The mismatch that stopped the replay, if any.
    public var failure: FIDOError? { state.withLock { $0.failure } }

    /// The index (into ``frames``) of the frame at which the replay stopped, if it did.
    public var failedFrameIndex: Int? { state.withLock { $0.failedFrameIndex } }

    /// Checks one request from libfido2 against the recording.
    ///
    /// - Parameter report: The 65-byte report.
    /// - Throws: ``FIDOError/Code/replayRequestMismatch`` naming the frame index.
    public func send(report: [UInt8]) throws(FIDOError) {
        try state.withLock { (state) throws(FIDOError) in
            if let failure = state.failure { throw failure }
            let index = state.cursor
            guard index < frames.count else {
                throw fail(&state, index, "libfido2 sent a request after the last recorded frame")
            }
            let recorded = frames[index].bytes
            guard frames[index].direction == .request else {
                throw fail(&state, index, "libfido2 sent a request where the recording has a reply from the key")
            }
            guard report.count == CTAPHID.requestSize else {
                throw fail(&state, index, "libfido2 sent a report of \(report.count) bytes, not \(CTAPHID.requestSize)")
            }
            guard recorded.count == CTAPHID.requestSize else {
                throw fail(&state, index, "the recorded request is \(recorded.count) bytes, not \(CTAPHID.requestSize)")
            }
            state.cursor += 1
            let isInitialization = report[5] & 0x80 != 0
            if var pending = state.pending {
                guard !isInitialization else {
                    throw fail(&state, index, "libfido2 started a new message before the last one was complete")
                }
                try compare(&state, report, recorded, index, range: 0..<6, what: "packet header")
                pending.reports.append(report)
                pending.indices.append(index)
                pending.dataCount += 59
                state.pending = pending
                if pending.dataCount >= pending.length { try finish(&state, pending) }
                return
            }
            if isInitialization, report[5] == CTAPHID.initCommand, Array(report[1..<5]) == CTAPHID.broadcastChannel {
                try compare(&state, report, recorded, index, range: 0..<8, what: "CTAPHID_INIT header")
                try compare(&state, report, recorded, index, range: 16..<65, what: "CTAPHID_INIT request")
                state.nonce = Array(report[8..<16])
                return
            }
            let length = Int(report[6]) << 8 | Int(report[7])
            if isInitialization, length > 0,
                CTAPHID.carriesPINProtocolValues(hidCommand: report[5], ctapCommand: report[8])
            {
                try compare(&state, report, recorded, index, range: 0..<9, what: "message header")
                let pending = Pending(start: index, length: length, reports: [report], indices: [index], dataCount: 57)
                state.pending = pending
                if pending.dataCount >= pending.length { try finish(&state, pending) }
                return
            }
            try compare(&state, report, recorded, index, range: 0..<65, what: "request")
        }
    }

    /// Serves the next recorded reply, with the fresh INIT nonce copied into an INIT reply.
    ///
    /// - Parameter timeout: Unused: a recorded reply is there at once.
    /// - Returns: The 64-byte report.
    /// - Throws: ``FIDOError/Code/replayRequestMismatch`` when the recording has a request here or has ended.
    public func receive(timeout: Duration) throws(FIDOError) -> [UInt8]? {
        try state.withLock { (state) throws(FIDOError) -> [UInt8]? in
            if let failure = state.failure { throw failure }
            let index = state.cursor
            if state.pending != nil {
                throw fail(&state, index, "libfido2 waited for a reply before its request message was complete")
            }
            guard index < frames.count else {
                throw fail(&state, index, "libfido2 waited for a reply after the last recorded frame")
            }
            guard frames[index].direction == .reply else {
                throw fail(&state, index, "libfido2 waited for a reply where the recording has another request")
            }
            guard frames[index].bytes.count == CTAPHID.replySize else {
                throw fail(&state, index, "the recorded reply is \(frames[index].bytes.count) bytes, not \(CTAPHID.replySize)")
            }
            state.cursor += 1
            var reply = frames[index].bytes
            if reply[4] == CTAPHID.initCommand, Array(reply[0..<4]) == CTAPHID.broadcastChannel, let nonce = state.nonce {
                reply.replaceSubrange(7..<15, with: nonce)
            }
            return reply
        }
    }

    // MARK: - Comparing

    /// Compares a complete PIN-protocol request message after zeroing its fresh values in both the request
    /// and the recording (a recording made by ``CTAPRecordingTransport`` holds them zeroed already).
    private func finish(_ state: inout State, _ pending: Pending) throws(FIDOError) {
        state.pending = nil
        let actual = Self.normalized(pending.reports)
        let recorded = Self.normalized(pending.indices.map { frames[$0].bytes })
        for (position, frameIndex) in pending.indices.enumerated() {
            try compare(
                &state, actual[position], recorded[position], frameIndex, range: 0..<65,
                what: "request (compared after zeroing its PIN-protocol values)")
        }
    }

    /// The reports of one request message with its PIN-protocol values zeroed, or unchanged when its payload
    /// is not canonical CTAP2 CBOR (it is then compared as it is).
    private static func normalized(_ reports: [[UInt8]]) -> [[UInt8]] {
        var frames = reports.map { CTAPRecording.Frame(direction: .request, bytes: $0) }
        if let message = CTAPHID.messages(in: frames, direction: .request).first,
            let normalized = CTAPHID.normalizedPINRequest(message.payload)
        {
            CTAPHID.write(normalized, into: &frames, message: message, direction: .request)
        }
        return frames.map(\.bytes)
    }

    private func compare(
        _ state: inout State, _ actual: [UInt8], _ recorded: [UInt8], _ index: Int, range: Range<Int>, what: String
    ) throws(FIDOError) {
        for offset in range where actual[offset] != recorded[offset] {
            throw fail(
                &state, index,
                "the \(what) differs from the recording at report byte \(offset): recorded 0x"
                    + hex(recorded[offset]) + ", libfido2 sent 0x" + hex(actual[offset]))
        }
    }

    private func hex(_ byte: UInt8) -> String {
        HexText.encode([byte])
    }

    private func fail(_ state: inout State, _ index: Int, _ reason: String) -> FIDOError {
        let error = FIDOError(.replayRequestMismatch, "frame \(index): \(reason)")
        state.failure = error
        state.failedFrameIndex = index
        return error
    }
}
