internal import CUDev
import Foundation

/// The one owner of a libudev object, unreferenced once in `deinit`.
struct UDevObject: ~Copyable {
    /// Which `*_unref` matches the pointer.
    enum Kind {
        case context, enumerate, device, monitor
    }

    private let pointer: OpaquePointer
    private let kind: Kind

    /// Takes ownership of `pointer` (one reference), or throws when libudev returned NULL.
    init(_ pointer: OpaquePointer?, _ kind: Kind, operation: String) throws(FIDOError) {
        guard let pointer else { throw FIDOError(.ioFailed, "\(operation) failed (\(Errno.text(errno)))") }
        self.pointer = pointer
        self.kind = kind
    }

    /// Takes ownership of a non-NULL `pointer` (one reference).
    init(taking pointer: OpaquePointer, _ kind: Kind) {
        self.pointer = pointer
        self.kind = kind
    }

    /// Runs `body` with the pointer, valid for the duration of the call only.
    borrowing func withPointer<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(pointer)
    }

    deinit {
        switch kind {
        case .context: udev_unref(pointer)
        case .enumerate: udev_enumerate_unref(pointer)
        case .device: udev_device_unref(pointer)
        case .monitor: udev_monitor_unref(pointer)
        }
    }
}

/// What libudev knows about the hidraw nodes, for the permission check and `--wait`.
enum UDev {
    /// A hidraw node whose report descriptor declares the FIDO usage page.
    struct FIDONode: Sendable, Hashable {
        /// The device node, for example `/dev/hidraw3`.
        let path: String
        /// Whether this user may open it read-write.
        let accessible: Bool
    }

    /// Every hidraw node that is a FIDO authenticator, with whether this user may open it.
    static func fidoNodes() throws(FIDOError) -> [FIDONode] {
        let context = try UDevObject(udev_new(), .context, operation: "udev_new")
        return try context.withPointer { (udev) throws(FIDOError) -> [FIDONode] in
            let enumeration = try UDevObject(udev_enumerate_new(udev), .enumerate, operation: "udev_enumerate_new")
            return enumeration.withPointer { enumerate -> [FIDONode] in
                guard udev_enumerate_add_match_subsystem(enumerate, "hidraw") >= 0,
                    udev_enumerate_scan_devices(enumerate) >= 0
                else { return [] }
                var nodes: [FIDONode] = []
                var entry = udev_enumerate_get_list_entry(enumerate)
                while let current = entry {
                    // The entry's name is borrowed from the enumeration.
                    if let syspath = udev_list_entry_get_name(current).map({ String(cString: $0) }),
                        let node = fidoNode(udev: udev, syspath: syspath)
                    {
                        nodes.append(node)
                    }
                    entry = udev_list_entry_get_next(current)
                }
                return nodes.sorted { $0.path < $1.path }
            }
        }
    }

    private static func fidoNode(udev: OpaquePointer, syspath: String) -> FIDONode? {
        guard let raw = udev_device_new_from_syspath(udev, syspath) else { return nil }
        let device = UDevObject(taking: raw, .device)
        return device.withPointer { hidraw -> FIDONode? in
            // The devnode and the parent are borrowed from the hidraw device (the parent is not referenced).
            guard let devnode = udev_device_get_devnode(hidraw).map({ String(cString: $0) }),
                let parent = udev_device_get_parent_with_subsystem_devtype(hidraw, "hid", nil),
                let parentPath = udev_device_get_syspath(parent).map({ String(cString: $0) }),
                let descriptor = FileManager.default.contents(atPath: parentPath + "/report_descriptor"),
                HIDReportDescriptor.declaresFIDOUsagePage(Array(descriptor))
            else { return nil }
            return FIDONode(path: devnode, accessible: access(devnode, R_OK | W_OK) == 0)
        }
    }

    /// A netlink monitor for hidraw events (`add`, `remove`), or nil where udev events are not available
    /// (for example in a container without udevd).
    static func hidrawMonitor() -> HIDRawMonitor? {
        try? HIDRawMonitor()
    }
}

/// A libudev monitor of hidraw events, read without blocking.
final class HIDRawMonitor {
    private let context: UDevObject
    private let monitor: UDevObject
    private let fileDescriptor: Int32

    init() throws(FIDOError) {
        let context = try UDevObject(udev_new(), .context, operation: "udev_new")
        let monitor = try UDevObject(
            context.withPointer { udev_monitor_new_from_netlink($0, "udev") }, .monitor,
            operation: "udev_monitor_new_from_netlink")
        let descriptor = try monitor.withPointer { (pointer) throws(FIDOError) -> Int32 in
            guard udev_monitor_filter_add_match_subsystem_devtype(pointer, "hidraw", nil) >= 0,
                udev_monitor_enable_receiving(pointer) >= 0
            else { throw FIDOError(.ioFailed, "cannot listen for udev hidraw events") }
            return udev_monitor_get_fd(pointer)
        }
        self.context = context
        self.monitor = monitor
        self.fileDescriptor = descriptor
    }

    /// Reads every pending event without waiting; true when one of them added a device.
    func drainAddedDevices() -> Bool {
        var added = false
        while true {
            var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 0) > 0 else { return added }
            guard let raw = monitor.withPointer({ udev_monitor_receive_device($0) }) else { return added }
            let received = UDevObject(taking: raw, .device)
            received.withPointer { device in
                if let action = udev_device_get_action(device), String(cString: action) == "add" { added = true }
            }
        }
    }
}

/// The one check KeyBridge makes on a HID report descriptor (HID 1.11 §6.2.2): does it declare the FIDO
/// Alliance usage page, 0xF1D0 (CTAP 2.1 §11.2.8.1)?
enum HIDReportDescriptor {
    /// True when a Usage Page item with the value 0xF1D0 appears in `descriptor`.
    static func declaresFIDOUsagePage(_ descriptor: [UInt8]) -> Bool {
        var index = 0
        while index < descriptor.count {
            let prefix = descriptor[index]
            if prefix == 0xFE {
                // A long item: prefix, data size, long tag, then the data.
                guard index + 1 < descriptor.count else { return false }
                index += 3 + Int(descriptor[index + 1])
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard index + size < descriptor.count else { return false }
            // Usage Page is the global item with tag 0 (prefix 0000 01 nn).
            if prefix & 0xFC == 0x04 {
                var value: UInt32 = 0
                for offset in 0..<size { value |= UInt32(descriptor[index + 1 + offset]) << (8 * offset) }
                if value == 0xF1D0 { return true }
            }
            index += 1 + size
        }
        return false
    }
}
