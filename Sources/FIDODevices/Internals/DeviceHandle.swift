internal import CFIDO2

/// The one owner of a `fido_dev_t`: created with `fido_dev_new`, routed through an ``IOBridge``, closed and
/// freed once in `deinit`.
///
/// Not copyable and not `Sendable`: only its ``FIDODevice`` actor touches it, on the actor's thread.
struct DeviceHandle: ~Copyable {
    private let pointer: OpaquePointer
    /// The io layer every report of this device passes through.
    let bridge: IOBridge
    private var isOpen = false

    /// A new, closed device that will talk through `transport`.
    ///
    /// - Throws: ``FIDOError/Code/allocationFailed``.
    init(transport: any FIDOTransport) throws(FIDOError) {
        pointer = try LibFIDO2.allocate("fido_dev_new") { fido_dev_new() }
        bridge = IOBridge(transport: transport)
    }

    /// Opens the device: installs KeyBridge's io functions and runs `fido_dev_open` (CTAPHID_INIT, then
    /// authenticatorGetInfo on a CTAP2 key).
    ///
    /// - Throws: the transport's failure (``FIDOError/Code/permissionDenied``, ``FIDOError/Code/deviceBusy``,
    ///   …) or libfido2's.
    mutating func open() throws(FIDOError) {
        var io = IOBridgeRegistry.ioFunctions()
        // libfido2 copies the table into the device.
        try LibFIDO2.status("fido_dev_set_io_functions") { fido_dev_set_io_functions(pointer, &io) }
        // Lent to the bridge for fido_dev_cancel inside reads; taken back in deinit before the free.
        bridge.attach(device: pointer)
        let path = IOBridgeRegistry.register(bridge)
        defer { _ = IOBridgeRegistry.take(path) }
        let device = pointer
        try LibFIDO2.status("fido_dev_open", bridge: bridge) { fido_dev_open(device, path) }
        isOpen = true
    }

    /// Runs `body` with the device pointer, valid for the duration of the call only.
    borrowing func withDevice<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(pointer)
    }

    /// Closes the device now (the handle stays allocated until deinit).
    mutating func close() {
        guard isOpen else { return }
        isOpen = false
        let device = pointer
        try? LibFIDO2.status("fido_dev_close") { fido_dev_close(device) }
    }

    deinit {
        bridge.detach()
        if isOpen {
            let device = pointer
            try? LibFIDO2.status("fido_dev_close") { fido_dev_close(device) }
        }
        // fido_dev_free sets our copy to NULL; nothing else refers to the device now.
        var owned: OpaquePointer? = pointer
        fido_dev_free(&owned)
    }
}
