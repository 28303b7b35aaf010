import FIDODevices
import Foundation
import KeyBridgeReplay
import OpenSSLWrapper

/// Issue 3's replay rows: a recorded file played back through libfido2 and re-verified, beside OpenSSL's raw ECDSA
/// P-256 verify rate measured in the same run.
enum ReplayBenchmark {
    static let section = "Replays of Vectors/ctap/counter.json (register + 4 authenticates, ES256, packed full)"
    static let referenceName = "OpenSSL ECDSA P-256 verify (reference for replays)"
    static let vectorPath = "Vectors/ctap/counter.json"

    /// The package root: two folders above this file.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func recording() throws -> CTAPRecording {
        try CTAPRecording(contentsOfFile: packageRoot.appendingPathComponent(vectorPath).path)
    }

    /// Whole replays per second (every step, every check); `keybridge` adds KeyBridge's relying party to libfido2's
    /// own verification.
    static func replaysPerSecond(_ duration: Duration, keybridgeVerifier: Bool) throws -> Double {
        let recording = try recording()
        let replayer = CTAPReplayer(verifier: keybridgeVerifier ? WebAuthnReplayVerifier() : nil)
        return try DeviceBenchmark.blocking {
            let clock = ContinuousClock()
            let start = clock.now
            var replays = 0
            var batch = 1
            while clock.now - start < duration {
                let steps = try await replayer.replay(recording, iterations: batch)
                guard steps == batch * recording.steps.count else {
                    throw BenchmarkFailure("a replay ran \(steps) steps, not \(batch * recording.steps.count)")
                }
                replays += batch
                batch = min(batch * 2, 16)
            }
            return Double(replays) / RateMeter.seconds(clock.now - start)
        }
    }
}
