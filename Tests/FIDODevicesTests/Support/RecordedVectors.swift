import FIDODevices
import Foundation
@_spi(ExpertsOnly) import WebAuthn

/// The recorded CTAP vectors shipped in Vectors/ctap, and helpers to read and tamper with them.
enum RecordedVectors {
    /// Vectors/ctap in the package.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/ctap")

    /// Every `.json` file of the folder, by name, so that a new file is covered without touching the tests.
    static let fileNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func recording(_ name: String) throws -> CTAPRecording {
        try CTAPRecording(jsonBytes: try bytes(name))
    }

    /// The data bytes of the last message in one direction of `frames`, each with the frame index and byte
    /// offset it sits at (CTAP 2.1 §11.2.4 packet layout, read independently of the code under test).
    static func lastMessagePositions(
        _ frames: [CTAPRecording.Frame], direction: CTAPRecording.Frame.Direction
    ) -> [(frame: Int, offset: Int)] {
        let base = direction == .request ? 1 : 0
        var positions: [(frame: Int, offset: Int)] = []
        var length = 0
        for (index, frame) in frames.enumerated() where frame.direction == direction {
            let bytes = frame.bytes
            if bytes[base + 4] & 0x80 != 0 {
                if bytes[base + 4] == 0xBB { continue }
                length = Int(bytes[base + 5]) << 8 | Int(bytes[base + 6])
                positions = (base + 7..<bytes.count).map { (index, $0) }
            } else {
                positions += (base + 5..<bytes.count).map { (index, $0) }
            }
        }
        return Array(positions.prefix(length))
    }

    /// `frames` with the byte at `position` XORed with `mask`.
    static func flip(
        _ frames: [CTAPRecording.Frame], at position: (frame: Int, offset: Int), mask: UInt8 = 0x01
    ) -> [CTAPRecording.Frame] {
        var changed = frames
        var bytes = changed[position.frame].bytes
        bytes[position.offset] ^= mask
        changed[position.frame] = CTAPRecording.Frame(direction: changed[position.frame].direction, bytes: bytes)
        return changed
    }

    /// The expected response of a step as a Foundation dictionary.
    static func expectedResponse(_ step: CTAPRecording.Step) throws -> [String: Any] {
        guard case .response(let document) = step.expected,
            let object = try JSONSerialization.jsonObject(with: Data(document.jsonBytes)) as? [String: Any]
        else { throw VectorError("the step expects no response") }
        return object
    }

    /// base64url decoding with Foundation (independent of KeyBridge's).
    static func base64URL(_ text: String) throws -> [UInt8] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { throw VectorError("not base64url: \(text)") }
        return Array(data)
    }

    struct VectorError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
