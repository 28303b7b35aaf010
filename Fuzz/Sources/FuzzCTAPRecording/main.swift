@_spi(Fuzzing) import FIDODevices

/// libFuzzer entry point for the recording file reader (`keybridge replay` parses untrusted files) and the
/// replay transport's request comparison.
///
/// Every input must give a `CTAPRecording` or a `FIDOError` with one of the recording codes (typed throws: no
/// other error type can escape), never a trap. Invariants, whose violation is reported through `fatalError`:
/// - the strict JSON parser's compact output parses again to the same compact output (a fixpoint);
/// - an accepted recording written back (`jsonBytes()`) reads back to an equal recording, and writing that one
///   gives the same bytes;
/// - the input taken as a CTAP2 request payload: zeroing its PIN-protocol values keeps the length and the
///   command byte, and zeroing twice changes nothing;
/// - each step of an accepted recording, fed its own frames through `CTAPReplayTransport` (requests sent,
///   replies received, in order), either plays to the end or stops with replay-request-mismatch at a frame
///   index inside the step, and then fails every later call the same way.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
    let readingCodes: [FIDOError.Code] = [.recordingInvalid, .recordingTooLarge, .recordingUnsupportedFormat]

    // The JSON layer.
    if let compact = try? RecordingFuzzingEntryPoints.reserializeJSON(input) {
        guard let again = try? RecordingFuzzingEntryPoints.reserializeJSON(compact), again == compact else {
            fatalError("the compact form of accepted JSON does not parse to itself")
        }
    }

    // The PIN-protocol zeroing.
    if let normalized = RecordingFuzzingEntryPoints.normalizePINRequest(input) {
        guard normalized.count == input.count, normalized.first == input.first else {
            fatalError("zeroing the PIN-protocol values changed the length or the command")
        }
        guard RecordingFuzzingEntryPoints.normalizePINRequest(normalized) == normalized else {
            fatalError("zeroing the PIN-protocol values twice changes the payload")
        }
    }

    // The recording reader.
    let parsed = Result { () throws(FIDOError) in try CTAPRecording(jsonBytes: input) }
    switch parsed {
    case .failure(let error):
        guard readingCodes.contains(error.code) else { fatalError("the reader failed with \(error.code)") }
        return 0
    case .success(let recording):
        let written = recording.jsonBytes()
        guard let reread = try? CTAPRecording(jsonBytes: written), reread == recording else {
            fatalError("a recording written back does not read back to itself")
        }
        guard reread.jsonBytes() == written else { fatalError("writing a recording twice gives other bytes") }
        for step in recording.steps.prefix(4) {
            selfReplay(step.frames)
        }
    }
    return 0

    /// Feeds a step's own frames through the replay transport.
    func selfReplay(_ frames: [CTAPRecording.Frame]) {
        let transport = CTAPReplayTransport(frames: frames)
        for frame in frames {
            let outcome = Result { () throws(FIDOError) in
                switch frame.direction {
                case .request: try transport.send(report: frame.bytes)
                case .reply: _ = try transport.receive(timeout: .zero)
                }
            }
            if case .failure(let error) = outcome {
                guard error.code == .replayRequestMismatch, let index = transport.failedFrameIndex,
                    index >= 0, index <= frames.count
                else { fatalError("the replay transport failed with \(error.code) or without a frame index") }
                let again = Result { () throws(FIDOError) in try transport.send(report: frame.bytes) }
                guard case .failure(let second) = again, second.code == .replayRequestMismatch else {
                    fatalError("the replay transport accepted a call after a mismatch")
                }
                return
            }
        }
        guard transport.remainingFrameCount == 0, transport.failure == nil else {
            fatalError("a complete self-replay left frames or a failure")
        }
    }
}
