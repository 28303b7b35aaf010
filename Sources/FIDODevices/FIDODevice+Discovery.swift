internal import CFIDO2

extension FIDODevice {
    /// The most keys one enumeration reports.
    static let maximumDevices = 64

    /// The FIDO keys this user can open (`fido_dev_info_manifest`, which walks hidraw through libudev).
    ///
    /// libfido2 silently skips nodes it cannot open, so a permission problem would look like "no keys".
    /// KeyBridge therefore also looks at every hidraw node whose report descriptor declares the FIDO usage
    /// page: when there are such nodes but none can be opened, it throws
    /// ``FIDOError/Code/permissionDenied`` with the fix, instead of returning nothing.
    ///
    /// - Returns: The keys, possibly none.
    /// - Throws: ``FIDOError/Code/permissionDenied`` as described, or libfido2's failure.
    public static func enumerate() throws(FIDOError) -> [DeviceDescriptor] {
        let devices = try DeviceInfoList.manifest(capacity: maximumDevices)
        if devices.isEmpty {
            let blocked = inaccessibleDevicePaths()
            if !blocked.isEmpty {
                throw FIDOError(
                    .permissionDenied,
                    "found security keys this user may not open (\(blocked.joined(separator: ", "))): "
                        + HIDRawTransport.permissionFix)
            }
        }
        return devices
    }

    /// The hidraw nodes that are FIDO keys (by their report descriptor's usage page) but that this user may
    /// not open read-write. Use it to warn when some keys are usable and others are not.
    ///
    /// - Returns: The device paths, sorted; empty when libudev cannot be asked.
    public static func inaccessibleDevicePaths() -> [String] {
        ((try? UDev.fidoNodes()) ?? []).filter { !$0.accessible }.map(\.path)
    }

    /// Waits for a key to be plugged in (for `--wait`): returns at once when one is present, else listens to
    /// libudev's hidraw events and enumerates again on each addition (and every second, for systems without
    /// udev events).
    ///
    /// - Parameter timeout: How long to wait.
    /// - Returns: The first key found.
    /// - Throws: ``FIDOError/Code/timeout`` when no key came in time, ``FIDOError/Code/cancelled`` when the
    ///   task is cancelled, ``FIDOError/Code/permissionDenied`` when a key came but cannot be opened.
    public static func waitForDevice(timeout: Duration) async throws(FIDOError) -> DeviceDescriptor {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let monitor = UDev.hidrawMonitor()
        var nextFullScan = clock.now
        while true {
            let now = clock.now
            let added = monitor?.drainAddedDevices() ?? false
            if added || now >= nextFullScan {
                if let first = try enumerate().first { return first }
                nextFullScan = now + .seconds(1)
            }
            guard now < deadline else {
                throw FIDOError(.timeout, "no security key was plugged in within \(IOBridge.describe(timeout))")
            }
            do {
                try await Task.sleep(for: min(.milliseconds(50), deadline - now))
            } catch {
                throw FIDOError(.cancelled, "waiting for a security key was cancelled")
            }
        }
    }
}

/// The one owner of a `fido_dev_info_t` array, freed once with its capacity.
struct DeviceInfoList: ~Copyable {
    private let pointer: OpaquePointer
    private let capacity: Int

    private init(capacity: Int) throws(FIDOError) {
        pointer = try LibFIDO2.allocate("fido_dev_info_new") { fido_dev_info_new(capacity) }
        self.capacity = capacity
    }

    deinit {
        // fido_dev_info_free needs the capacity it was made with; it sets our copy to NULL.
        var owned: OpaquePointer? = pointer
        fido_dev_info_free(&owned, capacity)
    }

    /// The keys libfido2 finds, copied out of a fresh list.
    static func manifest(capacity: Int) throws(FIDOError) -> [DeviceDescriptor] {
        let list = try DeviceInfoList(capacity: capacity)
        var found = 0
        let pointer = list.pointer
        try LibFIDO2.status("fido_dev_info_manifest") { fido_dev_info_manifest(pointer, capacity, &found) }
        return (0..<min(found, capacity)).compactMap { index in
            // Borrowed from the list.
            guard let info = fido_dev_info_ptr(pointer, index), let path = Borrowed.string(fido_dev_info_path(info))
            else { return nil }
            return DeviceDescriptor(
                path: path, vendorID: UInt16(bitPattern: fido_dev_info_vendor(info)),
                productID: UInt16(bitPattern: fido_dev_info_product(info)),
                manufacturer: Borrowed.string(fido_dev_info_manufacturer_string(info)) ?? "",
                product: Borrowed.string(fido_dev_info_product_string(info)) ?? "")
        }
    }
}
