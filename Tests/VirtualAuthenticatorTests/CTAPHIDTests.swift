import CBOR
import Foundation
import Synchronization
import Testing
import VirtualAuthenticator

/// The CTAPHID layer (CTAP 2.1 §11.2): INIT, PING, WINK, CANCEL, KEEPALIVE, ERROR, continuation packets.
@Suite struct CTAPHIDTests {
    static func packet(channel: UInt32, _ bytes: [UInt8]) -> [UInt8] {
        let cid = [UInt8(channel >> 24), UInt8((channel >> 16) & 0xFF), UInt8((channel >> 8) & 0xFF), UInt8(channel & 0xFF)]
        let report = [0] + cid + bytes
        return report + [UInt8](repeating: 0, count: 65 - report.count)
    }

    @Test("INIT echoes the nonce, assigns a fresh channel, reports protocol version 2 and the CBOR|WINK|NMSG capabilities")
    func initialize() throws {
        let device = try VirtualAuthenticator()
        var host = HIDHost(device: device)
        let response = try host.initialize(nonce: [9, 8, 7, 6, 5, 4, 3, 2])
        #expect(response.channel == HIDHost.broadcast)
        #expect(host.channel != 0 && host.channel != HIDHost.broadcast)
        #expect(response.payload[12] == 2)
        #expect(response.payload[16] == 0x01 | 0x04 | 0x08)
        let first = host.channel
        try host.initialize()
        #expect(host.channel != first)
        // INIT on an allocated channel keeps it.
        try host.send(command: HIDHost.initialize, payload: [1, 1, 1, 1, 1, 1, 1, 1])
        let again = try host.receive()
        #expect(again.channel == host.channel)
        let cid = host.channel
        #expect(Array(again.payload[8..<12]) == [UInt8(cid >> 24), UInt8((cid >> 16) & 0xFF), UInt8((cid >> 8) & 0xFF), UInt8(cid & 0xFF)])
        #expect(device.read() == nil)
    }

    @Test("PING echoes a message spanning several continuation packets, up to the maximum size")
    func ping() throws {
        var host = HIDHost(device: try VirtualAuthenticator())
        try host.initialize()
        for size in [0, 57, 58, 200, 7609] {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7) }
            try host.send(command: HIDHost.ping, payload: payload)
            #expect(try host.receive() == HIDHost.Response(channel: host.channel, command: HIDHost.ping, payload: payload))
        }
    }

    @Test("A message longer than 7609 bytes is ERR_INVALID_LEN")
    func tooLong() throws {
        let device = try VirtualAuthenticator()
        var host = HIDHost(device: device)
        try host.initialize()
        try device.write(report: HIDHost.reports(channel: host.channel, command: HIDHost.ping, payload: [], length: 7610)[0])
        #expect(try host.receive() == HIDHost.Response(channel: host.channel, command: HIDHost.error, payload: [0x03]))
    }

    @Test("WINK is answered and counted")
    func wink() throws {
        let device = try VirtualAuthenticator()
        var host = HIDHost(device: device)
        try host.initialize()
        try host.send(command: HIDHost.wink, payload: [])
        #expect(try host.receive().command == HIDHost.wink)
        #expect(device.winkCount == 1)
    }

    @Test("Errors: unknown command, unknown or reserved channel, bad INIT length, LOCK, MSG without U2F, empty CBOR")
    func errors() throws {
        let device = try VirtualAuthenticator()
        var host = HIDHost(device: device)
        try host.initialize()
        func expectError(_ channel: UInt32, _ bytes: [UInt8], _ code: UInt8) throws {
            try device.write(report: Self.packet(channel: channel, bytes))
            let response = try host.receive()
            #expect(response == HIDHost.Response(channel: channel, command: HIDHost.error, payload: [code]))
        }
        try expectError(host.channel, [0x80 | 0x30, 0, 0], 0x01)
        try expectError(0x1234_5678, [0x80 | HIDHost.ping, 0, 1, 0xAA], 0x0B)
        try expectError(HIDHost.broadcast, [0x80 | HIDHost.ping, 0, 1, 0xAA], 0x0B)
        try expectError(0, [0x80 | HIDHost.initialize, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8], 0x0B)
        try expectError(HIDHost.broadcast, [0x80 | HIDHost.initialize, 0, 7, 1, 2, 3, 4, 5, 6, 7], 0x03)
        try expectError(host.channel, [0x80 | HIDHost.lock, 0, 1, 5], 0x01)
        try expectError(host.channel, [0x80 | HIDHost.msg, 0, 4, 0, 3, 0, 0], 0x01)
        try expectError(host.channel, [0x80 | HIDHost.cbor, 0, 0], 0x03)
    }

    @Test("A continuation packet out of sequence is ERR_INVALID_SEQ; a stray continuation is ignored")
    func sequence() throws {
        let device = try VirtualAuthenticator()
        var host = HIDHost(device: device)
        try host.initialize()
        try device.write(report: Self.packet(channel: host.channel, [0x05] + [UInt8](repeating: 1, count: 59)))
        #expect(device.read() == nil)
        let reports = HIDHost.reports(channel: host.channel, command: HIDHost.ping, payload: [UInt8](repeating: 3, count: 200))
        try device.write(report: reports[0])
        try device.write(report: reports[2])
        #expect(try host.receive() == HIDHost.Response(channel: host.channel, command: HIDHost.error, payload: [0x04]))
    }

    @Test("While one channel is mid-message, another channel gets ERR_CHANNEL_BUSY and the first completes")
    func busy() throws {
        let device = try VirtualAuthenticator()
        var first = HIDHost(device: device)
        try first.initialize()
        var second = HIDHost(device: device)
        try second.initialize()
        let payload = [UInt8](repeating: 4, count: 100)
        let reports = HIDHost.reports(channel: first.channel, command: HIDHost.ping, payload: payload)
        try device.write(report: reports[0])
        try second.send(command: HIDHost.ping, payload: [1])
        #expect(try second.receive() == HIDHost.Response(channel: second.channel, command: HIDHost.error, payload: [0x06]))
        try device.write(report: reports[1])
        #expect(try first.receive() == HIDHost.Response(channel: first.channel, command: HIDHost.ping, payload: payload))
    }

    @Test("While waiting for a touch the key sends KEEPALIVE with status 2, then the response")
    func keepalive() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.userPresence = .afterPolls(3)
        let device = try VirtualAuthenticator(configuration: configuration)
        var host = HIDHost(device: device)
        try host.initialize()
        let hash = [UInt8](repeating: 1, count: 32)
        let request = CBOREncoder.encode(.map(Platform.makeCredentialRequest(clientDataHash: hash)))
        try host.send(command: HIDHost.cbor, payload: [0x01] + request)
        let response = try host.receive()
        #expect(host.keepaliveStatuses == [2, 2, 2])
        #expect(response.payload.first == 0)
    }

    @Test("CANCEL during the wait ends the request with CTAP2_ERR_KEEPALIVE_CANCEL")
    func cancel() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.userPresence = UserPresence { _ in .wait }
        let device = try VirtualAuthenticator(configuration: configuration)
        var host = HIDHost(device: device)
        try host.initialize()
        let request = CBOREncoder.encode(.map(Platform.makeCredentialRequest(clientDataHash: [UInt8](repeating: 2, count: 32))))
        try host.send(command: HIDHost.cbor, payload: [0x01] + request)
        let keepalive = try #require(device.read())
        #expect(keepalive[4] == 0x80 | HIDHost.keepalive)
        #expect(keepalive[7] == 2)
        // Another channel is busy meanwhile.
        var other = HIDHost(device: device)
        try other.initialize()
        try other.send(command: HIDHost.ping, payload: [1])
        #expect(try other.receive().payload == [0x06])
        try host.send(command: HIDHost.cancel, payload: [])
        #expect(try host.receive() == HIDHost.Response(channel: host.channel, command: HIDHost.cbor, payload: [0x2D]))
    }

    @Test("A denied touch is CTAP2_ERR_OPERATION_DENIED; a touch that never comes times out")
    func deniedAndTimeout() throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.userPresence = .denied
        let denied = Platform(direct: try VirtualAuthenticator(configuration: configuration))
        #expect(try denied.makeCredential().status == 0x27)
        configuration.userPresence = UserPresence { _ in .wait }
        configuration.userPresenceTimeout = .milliseconds(20)
        let device = try VirtualAuthenticator(configuration: configuration)
        #expect(try Platform(direct: device).makeCredential().status == 0x2F)
        #expect(try Platform(hid: device).makeCredential().status == 0x2F)
    }

    @Test("A touch from another thread releases a waiting command")
    func touchFromAnotherThread() throws {
        let touched = Atomic<Bool>(false)
        var configuration = VirtualAuthenticator.Configuration()
        configuration.userPresence = UserPresence { _ in touched.load(ordering: .relaxed) ? .approve : .wait }
        let device = try VirtualAuthenticator(configuration: configuration)
        let hash = [UInt8](repeating: 3, count: 32)
        let payload = CBOREncoder.encode(.map(Platform.makeCredentialRequest(clientDataHash: hash)))
        // The command blocks while it waits for the touch, so it runs on a thread of its own, and the touch comes
        // from this one: neither depends on the concurrency pool, which other tests may keep busy.
        let response = Mutex<[UInt8]>([])
        let done = DispatchSemaphore(value: 0)
        Thread {
            let answer = device.handle(command: 0x01, payload: payload)
            response.withLock { $0 = answer }
            done.signal()
        }.start()
        usleep(20_000)
        touched.store(true, ordering: .relaxed)
        done.wait()
        #expect(response.withLock { $0 }.first == 0)
    }

    @Test("Reports that are not 65 bytes with report ID 0 are refused")
    func badReports() throws {
        let device = try VirtualAuthenticator()
        #expect(throws: VirtualAuthenticatorError(.invalidReport, "")) { try device.write(report: [0]) }
        #expect(throws: VirtualAuthenticatorError(.invalidReport, "")) {
            try device.write(report: [1] + [UInt8](repeating: 0, count: 64))
        }
    }
}
