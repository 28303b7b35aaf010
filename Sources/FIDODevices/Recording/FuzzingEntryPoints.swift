/// Entry points for the libFuzzer targets in `Fuzz/` (a separate package that sees only public API) that
/// reach the internal parts of the recording reader and the replay comparison.
///
/// They add no behaviour: each calls exactly what ``CTAPRecording/init(jsonBytes:)`` and
/// ``CTAPReplayTransport`` call.
///
/// - Warning: For fuzzing and tests only.
@_spi(Fuzzing)
public enum RecordingFuzzingEntryPoints {
    /// Parses `bytes` with the recordings' strict JSON parser and returns the value written back compactly.
    ///
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: The compact serialization of the parsed value.
    /// - Throws: ``FIDOError/Code/recordingInvalid`` or ``FIDOError/Code/recordingTooLarge``.
    public static func reserializeJSON(_ bytes: [UInt8]) throws(FIDOError) -> [UInt8] {
        try RecordingJSON.parse(bytes).compactBytes()
    }

    /// Zeroes the PIN-protocol values of a CTAP2 request payload (command byte + CBOR parameters), as the
    /// recorder does before saving and the replayer does before comparing.
    ///
    /// - Parameter payload: The payload.
    /// - Returns: The normalized payload (same length), or nil when the command carries no PIN-protocol values
    ///   or the parameters are not canonical CBOR.
    public static func normalizePINRequest(_ payload: [UInt8]) -> [UInt8]? {
        CTAPHID.normalizedPINRequest(payload)
    }
}
