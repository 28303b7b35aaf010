/// The CTAPHID layer (CTAP 2.1 §11.2): channels, message assembly from 64-byte packets, responses split
/// back into packets, KEEPALIVE while waiting for a touch, and the ERROR frames for bad input.
///
/// Not thread-safe: ``VirtualAuthenticator`` owns one behind its lock.
final class CTAPHIDFramer {
    // MARK: Constants (CTAP 2.1 §11.2.4, §11.2.9)

    /// The HID report size without the report ID.
    static let packetSize = 64
    static let initializationDataSize = packetSize - 7
    static let continuationDataSize = packetSize - 5
    /// The largest message: one initialization packet and 128 continuation packets.
    static let maximumMessageSize = initializationDataSize + 128 * continuationDataSize
    static let broadcastChannel: UInt32 = 0xFFFF_FFFF
    /// The most channels kept allocated; the oldest is forgotten beyond.
    static let maximumChannels = 32

    enum Command {
        static let ping: UInt8 = 0x01
        static let message: UInt8 = 0x03
        static let lock: UInt8 = 0x04
        static let initialize: UInt8 = 0x06
        static let wink: UInt8 = 0x08
        static let cbor: UInt8 = 0x10
        static let cancel: UInt8 = 0x11
        static let keepalive: UInt8 = 0x3B
        static let error: UInt8 = 0x3F
    }

    enum ErrorCode {
        static let invalidCommand: UInt8 = 0x01
        static let invalidParameter: UInt8 = 0x02
        static let invalidLength: UInt8 = 0x03
        static let invalidSequence: UInt8 = 0x04
        static let channelBusy: UInt8 = 0x06
        static let invalidChannel: UInt8 = 0x0B
        static let other: UInt8 = 0x7F
    }

    enum Capability {
        static let wink: UInt8 = 0x01
        static let cbor: UInt8 = 0x04
        static let noMessage: UInt8 = 0x08
    }

    /// KEEPALIVE status 2: the authenticator waits for user presence.
    static let keepaliveUserPresenceNeeded: UInt8 = 0x02

    /// A request being reassembled from packets.
    private struct Assembly {
        let channel: UInt32
        let command: UInt8
        let length: Int
        var data: [UInt8]
        var nextSequence: UInt8
    }

    /// A CBOR request waiting for user presence.
    private struct Waiting {
        let channel: UInt32
        let presence: PendingPresence
        var polls: Int
        let startedAt: ContinuousClock.Instant
    }

    private let core: AuthenticatorCore
    private var channels: [UInt32] = []
    private var assembly: Assembly?
    private var waiting: Waiting?
    private var outbox: [[UInt8]] = []
    /// How many WINK requests arrived (the virtual key has nothing to blink).
    private(set) var winkCount = 0

    init(core: AuthenticatorCore) {
        self.core = core
    }

    /// Forgets channels, partial requests, waits and unread responses (a power cycle).
    func powerCycle() {
        channels = []
        assembly = nil
        waiting = nil
        outbox = []
    }

    // MARK: - Input

    /// Handles one 64-byte packet from the host.
    func receive(_ packet: ArraySlice<UInt8>) {
        let bytes = Array(packet)
        let channel = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        if bytes[4] & 0x80 == 0 {
            receiveContinuation(channel: channel, sequence: bytes[4], data: bytes[5...])
            return
        }
        let command = bytes[4] & 0x7F
        let length = Int(bytes[5]) << 8 | Int(bytes[6])
        let data = bytes[7...]

        if command == Command.initialize {
            initialize(channel: channel, length: length, data: data)
            return
        }
        if command == Command.cancel {
            // CTAP 2.1 §11.2.9.1.5: no reply of its own; a waiting request on that channel ends with
            // CTAP2_ERR_KEEPALIVE_CANCEL.
            if let waiting, waiting.channel == channel {
                self.waiting = nil
                send(channel: channel, command: Command.cbor, payload: [CTAP2Status.keepaliveCancel.rawValue])
            }
            return
        }
        guard channel != 0, channel != Self.broadcastChannel, channels.contains(channel) else {
            sendError(channel: channel, ErrorCode.invalidChannel)
            return
        }
        if waiting != nil {
            sendError(channel: channel, ErrorCode.channelBusy)
            return
        }
        if let current = assembly {
            if current.channel != channel {
                sendError(channel: channel, ErrorCode.channelBusy)
                return
            }
            // A new initialization packet in the middle of a message on the same channel.
            assembly = nil
            sendError(channel: channel, ErrorCode.invalidSequence)
            return
        }
        guard length <= Self.maximumMessageSize else {
            sendError(channel: channel, ErrorCode.invalidLength)
            return
        }
        let first = Array(data.prefix(length))
        if first.count == length {
            dispatch(channel: channel, command: command, payload: first)
        } else {
            assembly = Assembly(channel: channel, command: command, length: length, data: first, nextSequence: 0)
        }
    }

    private func receiveContinuation(channel: UInt32, sequence: UInt8, data: ArraySlice<UInt8>) {
        // A continuation packet that continues nothing is ignored (CTAP 2.1 §11.2.4).
        guard var current = assembly, current.channel == channel else { return }
        guard sequence == current.nextSequence else {
            assembly = nil
            sendError(channel: channel, ErrorCode.invalidSequence)
            return
        }
        current.data += data.prefix(current.length - current.data.count)
        current.nextSequence += 1
        if current.data.count == current.length {
            assembly = nil
            dispatch(channel: channel, command: current.command, payload: current.data)
        } else {
            assembly = current
        }
    }

    /// CTAPHID_INIT (CTAP 2.1 §11.2.9.1.3): on the broadcast channel, allocate a channel; on an allocated
    /// one, abandon its transaction. The reply echoes the 8-byte nonce.
    private func initialize(channel: UInt32, length: Int, data: ArraySlice<UInt8>) {
        guard length == 8 else {
            sendError(channel: channel, ErrorCode.invalidLength)
            return
        }
        let nonce = Array(data.prefix(8))
        let assigned: UInt32
        if channel == Self.broadcastChannel {
            var candidate = UInt32.random(in: 1..<Self.broadcastChannel)
            while channels.contains(candidate) { candidate = UInt32.random(in: 1..<Self.broadcastChannel) }
            channels.append(candidate)
            if channels.count > Self.maximumChannels { channels.removeFirst() }
            assigned = candidate
        } else if channel != 0, channels.contains(channel) {
            if assembly?.channel == channel { assembly = nil }
            if waiting?.channel == channel { waiting = nil }
            assigned = channel
        } else {
            sendError(channel: channel, ErrorCode.invalidChannel)
            return
        }
        var capabilities = Capability.wink
        if core.configuration.protocols.contains(.ctap2) { capabilities |= Capability.cbor }
        if !core.configuration.protocols.contains(.u2f) { capabilities |= Capability.noMessage }
        let payload = nonce + withUnsafeBytes(of: assigned.bigEndian, Array.init) + [2, 1, 0, 0, capabilities]
        send(channel: channel, command: Command.initialize, payload: payload)
    }

    // MARK: - Commands

    private func dispatch(channel: UInt32, command: UInt8, payload: [UInt8]) {
        switch command {
        case Command.ping:
            send(channel: channel, command: Command.ping, payload: payload)
        case Command.wink:
            winkCount += 1
            send(channel: channel, command: Command.wink, payload: [])
        case Command.message where core.configuration.protocols.contains(.u2f):
            send(channel: channel, command: Command.message, payload: core.u2f(apdu: payload))
        case Command.cbor where core.configuration.protocols.contains(.ctap2):
            guard let first = payload.first else {
                sendError(channel: channel, ErrorCode.invalidLength)
                return
            }
            switch core.begin(command: first, payload: payload.dropFirst()) {
            case .response(let response):
                send(channel: channel, command: Command.cbor, payload: response)
            case .awaitingUserPresence(let presence):
                waiting = Waiting(channel: channel, presence: presence, polls: 0, startedAt: ContinuousClock.now)
            }
        default:
            // LOCK is not offered; MSG without U2F and CBOR without CTAP2 are unknown commands here.
            sendError(channel: channel, ErrorCode.invalidCommand)
        }
    }

    // MARK: - Output

    /// The next 64-byte packet for the host, or nil when there is none. While a request waits for user
    /// presence, each call asks the presence hook once and returns a KEEPALIVE packet while it says wait.
    func nextPacket() -> [UInt8]? {
        if !outbox.isEmpty { return outbox.removeFirst() }
        guard var current = waiting else { return nil }
        if ContinuousClock.now - current.startedAt > core.configuration.userPresenceTimeout {
            waiting = nil
            send(channel: current.channel, command: Command.cbor, payload: [PresenceFailure.timedOut.status.rawValue])
            return outbox.isEmpty ? nil : outbox.removeFirst()
        }
        let decision = core.configuration.userPresence.decision(
            for: UserPresence.Request(operation: current.presence.operation, rpID: current.presence.rpID, poll: current.polls))
        current.polls += 1
        switch decision {
        case .wait:
            waiting = current
            return packets(
                channel: current.channel, command: Command.keepalive, payload: [Self.keepaliveUserPresenceNeeded]
            ).first
        case .deny:
            waiting = nil
            send(channel: current.channel, command: Command.cbor, payload: [PresenceFailure.denied.status.rawValue])
        case .approve:
            waiting = nil
            send(channel: current.channel, command: Command.cbor, payload: current.presence.resume())
        }
        return outbox.isEmpty ? nil : outbox.removeFirst()
    }

    private func sendError(channel: UInt32, _ code: UInt8) {
        send(channel: channel, command: Command.error, payload: [code])
    }

    private func send(channel: UInt32, command: UInt8, payload: [UInt8]) {
        guard payload.count <= Self.maximumMessageSize else {
            outbox += packets(channel: channel, command: Command.error, payload: [ErrorCode.other])
            return
        }
        outbox += packets(channel: channel, command: command, payload: payload)
    }

    /// `payload` split into an initialization packet and continuation packets, zero padded.
    private func packets(channel: UInt32, command: UInt8, payload: [UInt8]) -> [[UInt8]] {
        let channelBytes = withUnsafeBytes(of: channel.bigEndian, Array.init)
        var first = channelBytes + [0x80 | command, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        first += payload.prefix(Self.initializationDataSize)
        first += [UInt8](repeating: 0, count: Self.packetSize - first.count)
        var result = [first]
        var offset = Self.initializationDataSize
        var sequence: UInt8 = 0
        while offset < payload.count {
            var packet = channelBytes + [sequence]
            packet += payload[offset..<min(payload.count, offset + Self.continuationDataSize)]
            packet += [UInt8](repeating: 0, count: Self.packetSize - packet.count)
            result.append(packet)
            offset += Self.continuationDataSize
            sequence += 1
        }
        return result
    }
}
