import Foundation
import VirtualAuthenticator

/// The host side of CTAPHID (CTAP 2.1 §11.2), written from the specification for the tests: it frames
/// requests into 65-byte reports and reassembles 64-byte responses, counting KEEPALIVE packets.
struct HIDHost {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A reassembled response.
    struct Response: Equatable {
        let channel: UInt32
        let command: UInt8
        let payload: [UInt8]
    }

    static let broadcast: UInt32 = 0xFFFF_FFFF
    static let ping: UInt8 = 0x01
    static let msg: UInt8 = 0x03
    static let lock: UInt8 = 0x04
    static let initialize: UInt8 = 0x06
    static let wink: UInt8 = 0x08
    static let cbor: UInt8 = 0x10
    static let cancel: UInt8 = 0x11
    static let keepalive: UInt8 = 0x3B
    static let error: UInt8 = 0x3F

    let device: VirtualAuthenticator
    var channel: UInt32 = broadcast
    /// KEEPALIVE packets seen by the last ``receive()``, with their status bytes.
    var keepaliveStatuses: [UInt8] = []

    init(device: VirtualAuthenticator) {
        self.device = device
    }

    /// The reports for one message, as CTAP 2.1 §11.2.4 lays them out.
    static func reports(channel: UInt32, command: UInt8, payload: [UInt8], length: Int? = nil) -> [[UInt8]] {
        let cid = [UInt8(channel >> 24), UInt8((channel >> 16) & 0xFF), UInt8((channel >> 8) & 0xFF), UInt8(channel & 0xFF)]
        let declared = length ?? payload.count
        var first: [UInt8] = [0] + cid + [0x80 | command, UInt8(declared >> 8), UInt8(declared & 0xFF)]
        first += payload.prefix(57)
        first += [UInt8](repeating: 0, count: 65 - first.count)
        var reports = [first]
        var offset = 57
        var sequence: UInt8 = 0
        while offset < payload.count {
            var report: [UInt8] = [0] + cid + [sequence]
            report += payload[offset..<min(payload.count, offset + 59)]
            report += [UInt8](repeating: 0, count: 65 - report.count)
            reports.append(report)
            offset += 59
            sequence += 1
        }
        return reports
    }

    /// Sends one message on ``channel``.
    func send(command: UInt8, payload: [UInt8]) throws {
        for report in Self.reports(channel: channel, command: command, payload: payload) {
            try device.write(report: report)
        }
    }

    /// Reads one whole response, skipping KEEPALIVE packets (and recording their status).
    mutating func receive(maximumPackets: Int = 10_000) throws -> Response {
        keepaliveStatuses = []
        var collected: [UInt8] = []
        var header: (channel: UInt32, command: UInt8, length: Int)?
        var expectedSequence: UInt8 = 0
        for _ in 0..<maximumPackets {
            guard let packet = device.read() else {
                throw Failure(description: "the device went quiet before the response was complete")
            }
            guard packet.count == 64 else { throw Failure(description: "packet of \(packet.count) bytes") }
            let cid = UInt32(packet[0]) << 24 | UInt32(packet[1]) << 16 | UInt32(packet[2]) << 8 | UInt32(packet[3])
            if packet[4] & 0x80 != 0 {
                let command = packet[4] & 0x7F
                if command == Self.keepalive {
                    keepaliveStatuses.append(packet[7])
                    // A real device sends KEEPALIVE about every 100 ms; give the clock a moment.
                    Thread.sleep(forTimeInterval: 0.001)
                    continue
                }
                let length = Int(packet[5]) << 8 | Int(packet[6])
                header = (cid, command, length)
                collected = Array(packet[7..<min(64, 7 + length)])
            } else {
                guard let current = header, cid == current.channel, packet[4] == expectedSequence else {
                    throw Failure(description: "unexpected continuation packet")
                }
                expectedSequence += 1
                collected += packet[5..<min(64, 5 + current.length - collected.count)]
            }
            if let current = header, collected.count == current.length {
                return Response(channel: current.channel, command: current.command, payload: collected)
            }
        }
        throw Failure(description: "no complete response in \(maximumPackets) packets")
    }

    /// CTAPHID_INIT on the broadcast channel; adopts the channel the device assigns.
    @discardableResult
    mutating func initialize(nonce: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]) throws -> Response {
        let saved = channel
        channel = Self.broadcast
        try send(command: Self.initialize, payload: nonce)
        let response = try receive()
        guard response.command == Self.initialize, response.payload.count == 17, Array(response.payload.prefix(8)) == nonce
        else {
            channel = saved
            throw Failure(description: "bad INIT response \(response)")
        }
        let p = response.payload
        channel = UInt32(p[8]) << 24 | UInt32(p[9]) << 16 | UInt32(p[10]) << 8 | UInt32(p[11])
        return response
    }

    /// A CTAP2 command over CTAPHID_CBOR; returns the CTAP response (status byte first).
    mutating func cbor(_ command: UInt8, _ parameters: [UInt8]) throws -> [UInt8] {
        try send(command: Self.cbor, payload: [command] + parameters)
        let response = try receive()
        guard response.command == Self.cbor, response.channel == channel else {
            throw Failure(description: "expected a CBOR response, got \(response)")
        }
        return response.payload
    }
}
