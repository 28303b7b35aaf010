import Foundation
import Testing

@testable import FIDODevices

/// Enumeration, the permission check's report-descriptor test, waiting for a key, and the hidraw transport's
/// own failures. CI has no keys: enumeration may find nothing.
@Suite struct DiscoveryTests {
    @Test("Enumeration returns the keys this user can open, or says which keys it cannot open")
    func enumerate() throws {
        do throws(FIDOError) {
            let devices = try FIDODevice.enumerate()
            for device in devices {
                #expect(device.path.hasPrefix("/dev/"))
                let object = try? JSONSerialization.jsonObject(with: Data(device.jsonBytes())) as? [String: Any]
                #expect(object?["path"] as? String == device.path)
            }
            let list = try? JSONSerialization.jsonObject(with: Data(DeviceDescriptor.jsonBytes(devices))) as? [Any]
            #expect(list?.count == devices.count)
        } catch {
            #expect(error.code == .permissionDenied)
            #expect(error.reason.contains("udev-rules"))
        }
    }

    @Test("A descriptor JSON spells the USB IDs in hex")
    func descriptorJSON() throws {
        let descriptor = DeviceDescriptor(
            path: "/dev/hidraw3", vendorID: 0x1050, productID: 0x0407, manufacturer: "Yubico", product: "YubiKey")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(descriptor.jsonBytes())) as? [String: Any])
        #expect(object["vendorId"] as? String == "0x1050")
        #expect(object["productId"] as? String == "0x0407")
        #expect(descriptor.summary == "Yubico YubiKey (1050:0407) at /dev/hidraw3")
    }

    /// The start of a CTAPHID report descriptor as CTAP 2.1 §11.2.8.1 lays it out: Usage Page (FIDO Alliance
    /// 0xF1D0), Usage (CTAPHID 0x01), Collection (Application), then the input report items.
    static let fidoDescriptor: [UInt8] = [
        0x06, 0xD0, 0xF1, 0x09, 0x01, 0xA1, 0x01, 0x09, 0x20, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x40,
        0x81, 0x02, 0x09, 0x21, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x40, 0x91, 0x02, 0xC0,
    ]
    /// The start of the boot keyboard descriptor of HID 1.11 Appendix B.1: Usage Page (Generic Desktop),
    /// Usage (Keyboard), Collection (Application), Usage Page (Key Codes).
    static let keyboardDescriptor: [UInt8] = [0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7]

    @Test("The FIDO usage page is found in a CTAPHID descriptor and not in a keyboard's")
    func reportDescriptor() {
        #expect(HIDReportDescriptor.declaresFIDOUsagePage(Self.fidoDescriptor))
        #expect(!HIDReportDescriptor.declaresFIDOUsagePage(Self.keyboardDescriptor))
        // A keyboard followed by a FIDO collection (a composite device's descriptor).
        #expect(HIDReportDescriptor.declaresFIDOUsagePage(Self.keyboardDescriptor + Self.fidoDescriptor))
        // A long item (HID 1.11 §6.2.2.3) is skipped whole, even when its data looks like a usage page.
        #expect(!HIDReportDescriptor.declaresFIDOUsagePage([0xFE, 0x03, 0x10, 0x06, 0xD0, 0xF1]))
        #expect(HIDReportDescriptor.declaresFIDOUsagePage([0xFE, 0x01, 0x10, 0xAA, 0x06, 0xD0, 0xF1]))
        // The same page as a 4-byte item, and a truncated item.
        #expect(HIDReportDescriptor.declaresFIDOUsagePage([0x07, 0xD0, 0xF1, 0x00, 0x00]))
        #expect(!HIDReportDescriptor.declaresFIDOUsagePage([0x06, 0xD0]))
        #expect(!HIDReportDescriptor.declaresFIDOUsagePage([]))
    }

    @Test("Waiting for a key with none plugged in times out, and cancelling the wait is reported as cancelled")
    func waitForDevice() async throws {
        guard ((try? FIDODevice.enumerate()) ?? []).isEmpty else { return }
        let started = ContinuousClock.now
        await #expect(throws: FIDOError(.timeout, "")) {
            try await FIDODevice.waitForDevice(timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        let task = Task { try await FIDODevice.waitForDevice(timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let outcome = await task.result
        #expect(throws: FIDOError(.cancelled, "")) { try outcome.get() }
    }

    @Test("Opening a path that does not exist is no-device; a node another open holds is device-busy")
    func hidrawOpenFailures() async throws {
        await #expect(throws: FIDOError(.noDevice, "")) {
            try await FIDODevice.open(path: "/dev/keybridge-no-such-hidraw")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-lock-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
        defer { try? FileManager.default.removeItem(at: file) }
        let holder = HIDRawTransport(path: file.path)
        try holder.open()
        defer { holder.close() }
        #expect(throws: FIDOError(.deviceBusy, "")) { try HIDRawTransport(path: file.path).open() }
        holder.close()
        let next = HIDRawTransport(path: file.path)
        try next.open()
        next.close()
    }

    @Test("The hidraw transport sends 65-byte reports and refuses anything else")
    func hidrawReportSize() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-out-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
        defer { try? FileManager.default.removeItem(at: file) }
        let transport = HIDRawTransport(path: file.path)
        try transport.open()
        defer { transport.close() }
        let report: [UInt8] = [0] + (1...64).map { UInt8($0) }
        try transport.send(report: report)
        #expect(throws: FIDOError(.invalidArgument, "")) { try transport.send(report: Array(report.dropFirst())) }
        #expect(try Data(contentsOf: file) == Data(report))
    }
}
