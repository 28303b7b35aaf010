import CBOR

/// The CTAPHID framing facts (CTAP 2.1 §11.2.4) the recorder and the replayer share, and the one place that
/// says which request bytes a replay does not compare.
///
/// A request report is 65 bytes: report ID 0, CID (4), then CMD with bit 7 set and BCNT (2) for an
/// initialization packet, or SEQ (bit 7 clear) for a continuation packet, then data. A reply report is the same
/// without the report ID (64 bytes).
enum CTAPHID {
    /// CTAPHID_INIT with the initialization bit.
    static let initCommand: UInt8 = 0x86
    /// CTAPHID_CBOR with the initialization bit.
    static let cborCommand: UInt8 = 0x90
    /// The broadcast channel.
    static let broadcastChannel: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    /// The size of a request report (report ID + packet).
    static let requestSize = 65
    /// The size of a reply report (packet only).
    static let replySize = 64
    /// The largest CTAPHID message: 57 + 128 × 59 bytes.
    static let maximumMessage = 7609

    /// authenticatorMakeCredential, authenticatorGetAssertion, authenticatorGetInfo, authenticatorClientPIN.
    static let makeCredential: UInt8 = 0x01
    static let getAssertion: UInt8 = 0x02
    static let getInfo: UInt8 = 0x04
    static let clientPIN: UInt8 = 0x06

    /// Where the packet starts in a report of `direction` (1 for requests: the report ID comes first).
    static func packetOffset(_ direction: CTAPRecording.Frame.Direction) -> Int {
        direction == .request ? 1 : 0
    }

    /// The parameters of CTAP2 commands that carry PIN-protocol values, which are fresh on every run (they
    /// derive from the platform's ephemeral key agreement key) and which a recording therefore stores
    /// zeroed, as byte strings of the same length:
    /// - authenticatorClientPIN (0x06): pinUvAuthParam (4), newPinEnc (5), pinHashEnc (6);
    /// - authenticatorMakeCredential (0x01): pinUvAuthParam (8);
    /// - authenticatorGetAssertion (0x02): pinUvAuthParam (6).
    ///
    /// The clientPIN keyAgreement parameter (3), the platform's fresh public key, is the other random value.
    /// It is public and stays in the recording, but a replay compares it only by shape (a COSE key map with the
    /// same labels and equally long coordinates).
    static func maskedParameters(command: UInt8) -> (zeroed: Set<Int>, shapeOnly: Set<Int>) {
        switch command {
        case clientPIN: ([4, 5, 6], [3])
        case makeCredential: ([8], [])
        case getAssertion: ([6], [])
        default: ([], [])
        }
    }

    /// Whether a request message of CTAPHID command `command` whose payload starts with `ctapCommand` carries
    /// PIN-protocol values (see ``maskedParameters(command:)``).
    static func carriesPINProtocolValues(hidCommand: UInt8, ctapCommand: UInt8?) -> Bool {
        guard hidCommand == cborCommand, let ctapCommand else { return false }
        return !maskedParameters(command: ctapCommand).zeroed.isEmpty
    }

    /// The CTAP2 request payload (command byte + CBOR parameters) with the PIN-protocol values made
    /// comparable: each zeroed parameter's byte string replaced by zeros of the same length, each shape-only
    /// parameter replaced by its shape (same map labels; byte strings zeroed, other values kept). Returns nil
    /// when the parameters are not canonical CBOR, or when the result would not have the same length as
    /// the input (so that the frames keep their layout).
    static func normalizedPINRequest(_ payload: [UInt8]) -> [UInt8]? {
        guard let command = payload.first, payload.count > 1 else { return nil }
        let masks = maskedParameters(command: command)
        guard !masks.zeroed.isEmpty else { return nil }
        let parameters = Array(payload[1...])
        let decoded: CBORValue
        do {
            decoded = try CBORDecoder(requireCanonicalMapOrder: true).decode(parameters)
        } catch {
            return nil
        }
        guard let map = decoded.mapValue, CBOREncoder.encode(decoded) == parameters else { return nil }
        var entries: [(CBORValue, CBORValue)] = []
        for (key, value) in map {
            guard let label = key.intValue else {
                entries.append((key, value))
                continue
            }
            if masks.zeroed.contains(label) {
                guard let bytes = value.bytesValue else { return nil }
                entries.append((key, .bytes([UInt8](repeating: 0, count: bytes.count))))
            } else if masks.shapeOnly.contains(label) {
                entries.append((key, shape(of: value)))
            } else {
                entries.append((key, value))
            }
        }
        let normalized = [command] + CBOREncoder.encode(.map(CBORMap(entries)))
        return normalized.count == payload.count ? normalized : nil
    }

    /// `value` with every byte string zeroed (same length), recursively through maps and arrays.
    private static func shape(of value: CBORValue) -> CBORValue {
        switch value {
        case .bytes(let bytes): .bytes([UInt8](repeating: 0, count: bytes.count))
        case .map(let map): .map(CBORMap(map.entries.map { ($0.key, shape(of: $0.value)) }))
        case .array(let elements): .array(elements.map(shape(of:)))
        default: value
        }
    }

    /// The messages of one direction of a frame list, reassembled: for each, the CID, the CTAPHID command,
    /// the payload and the indices (into `frames`) of its packets. KEEPALIVE packets and packets that do
    /// not fit a message are skipped, as libfido2 skips them.
    static func messages(
        in frames: [CTAPRecording.Frame], direction: CTAPRecording.Frame.Direction
    ) -> [Message] {
        let base = packetOffset(direction)
        var messages: [Message] = []
        var current: Message?
        for (index, frame) in frames.enumerated() where frame.direction == direction {
            let bytes = frame.bytes
            guard bytes.count == base + 64 else { continue }
            let channel = Array(bytes[base..<(base + 4)])
            let commandOrSequence = bytes[base + 4]
            if commandOrSequence & 0x80 != 0 {
                if commandOrSequence == 0xBB { continue }  // KEEPALIVE
                let length = Int(bytes[base + 5]) << 8 | Int(bytes[base + 6])
                guard length <= maximumMessage else { continue }
                var message = Message(
                    channel: channel, command: commandOrSequence, length: length,
                    payload: Array(bytes[(base + 7)..<(base + 64)].prefix(length)), frameIndices: [index])
                if message.isComplete {
                    messages.append(message)
                    current = nil
                } else {
                    message.payload.reserveCapacity(length)
                    current = message
                }
            } else if var message = current, message.channel == channel,
                Int(commandOrSequence) == message.frameIndices.count - 1
            {
                let missing = message.length - message.payload.count
                message.payload += bytes[(base + 5)..<(base + 64)].prefix(missing)
                message.frameIndices.append(index)
                if message.isComplete {
                    messages.append(message)
                    current = nil
                } else {
                    current = message
                }
            }
        }
        return messages
    }

    /// One reassembled CTAPHID message.
    struct Message: Sendable {
        var channel: [UInt8]
        var command: UInt8
        var length: Int
        var payload: [UInt8]
        var frameIndices: [Int]

        var isComplete: Bool { payload.count >= length }
    }

    /// Writes `payload` back into the packets of `message` (the inverse of ``messages(in:direction:)`` for a
    /// payload of the same length).
    static func write(
        _ payload: [UInt8], into frames: inout [CTAPRecording.Frame], message: Message,
        direction: CTAPRecording.Frame.Direction
    ) {
        let base = packetOffset(direction)
        var consumed = 0
        for (position, frameIndex) in message.frameIndices.enumerated() {
            let start = base + (position == 0 ? 7 : 5)
            let room = base + 64 - start
            let count = min(room, payload.count - consumed)
            guard count > 0 else { break }
            var bytes = frames[frameIndex].bytes
            bytes.replaceSubrange(start..<(start + count), with: payload[consumed..<(consumed + count)])
            frames[frameIndex] = CTAPRecording.Frame(direction: direction, bytes: bytes)
            consumed += count
        }
    }

    /// What getInfo told: the versions and the AAGUID, read from the first getInfo exchange of `frames`
    /// (what `fido_dev_open` sends to a CTAP2 key). Nil when there is none (a U2F-only key).
    static func authenticatorInfo(in frames: [CTAPRecording.Frame]) -> (versions: [String], aaguid: [UInt8]?)? {
        let requests = messages(in: frames, direction: .request)
        let replies = messages(in: frames, direction: .reply)
        guard
            let request = requests.first(where: { $0.command == cborCommand && $0.payload == [getInfo] }),
            let requestEnd = request.frameIndices.last,
            let reply = replies.first(where: {
                ($0.frameIndices.first ?? 0) > requestEnd && $0.command == cborCommand
            }),
            reply.payload.first == 0x00
        else { return nil }
        guard let info = try? CBORDecoder().decode(Array(reply.payload.dropFirst())).mapValue else { return nil }
        let versions = info[int: 1]?.arrayValue?.compactMap(\.textValue) ?? []
        let aaguid = info[int: 3]?.bytesValue.flatMap { $0.count == 16 ? $0 : nil }
        return (versions, aaguid)
    }
}
