@_spi(Fuzzing) import FIDODevices
import Foundation
import Testing

/// The seeds and fail cases of the `FuzzCTAPRecording` fuzz target (Fuzz/), pinned as ordinary tests
/// (STYLE §6): every seed still reads, and every saved crash input now fails cleanly.
@Suite struct CTAPRecordingFuzzRegressionTests {
    static let fuzz = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func files(_ folder: String) -> [String] {
        let path = fuzz.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static let seeds = files("Corpus/FuzzCTAPRecording")
    static let failCases = files("FailCases/FuzzCTAPRecording")

    static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fuzz.appendingPathComponent(folder).appendingPathComponent(name)))
    }

    @Test("Every JSON seed of FuzzCTAPRecording reads as a recording and writes back to an equal one", arguments: seeds.filter { $0.hasSuffix(".json") })
    func jsonSeedReads(_ name: String) throws {
        let recording = try CTAPRecording(jsonBytes: try Self.bytes("Corpus/FuzzCTAPRecording", name))
        #expect(try CTAPRecording(jsonBytes: recording.jsonBytes()) == recording)
    }

    @Test("Every binary seed of FuzzCTAPRecording is a CTAP2 request whose PIN-protocol values zero in place", arguments: seeds.filter { $0.hasSuffix(".bin") })
    func binarySeedNormalizes(_ name: String) throws {
        let payload = try Self.bytes("Corpus/FuzzCTAPRecording", name)
        let normalized = try #require(RecordingFuzzingEntryPoints.normalizePINRequest(payload))
        #expect(normalized.count == payload.count)
        #expect(normalized != payload)
        #expect(RecordingFuzzingEntryPoints.normalizePINRequest(normalized) == normalized)
    }

    @Test("Every fail case of FuzzCTAPRecording, and every truncation of its JSON seeds, fails with a recording error code")
    func failCasesFailCleanly() throws {
        let codes: [FIDOError.Code] = [.recordingInvalid, .recordingTooLarge, .recordingUnsupportedFormat]
        for name in Self.failCases {
            let input = try Self.bytes("FailCases/FuzzCTAPRecording", name)
            do {
                _ = try CTAPRecording(jsonBytes: input)
            } catch {
                #expect(codes.contains(error.code), "\(name)")
            }
        }
        var inputs: [[UInt8]] = []
        for name in Self.seeds where name.hasSuffix(".json") {
            let seed = try Self.bytes("Corpus/FuzzCTAPRecording", name)
            // A cut anywhere before the closing brace leaves JSON that is not a whole document.
            for length in stride(from: 0, to: seed.count - 1, by: max(1, seed.count / 97)) {
                inputs.append(Array(seed.prefix(length)))
            }
        }
        #expect(inputs.count > 100)
        var refused = 0
        for input in inputs {
            do {
                _ = try CTAPRecording(jsonBytes: input)
            } catch {
                #expect(codes.contains(error.code))
                refused += 1
            }
        }
        #expect(refused == inputs.count, "a truncated recording was accepted")
    }
}
