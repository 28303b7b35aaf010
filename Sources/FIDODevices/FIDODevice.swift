internal import CFIDO2

/// An open security key, driven through libfido2 with KeyBridge acting as the WebAuthn client.
///
/// Every device, real or not, talks through a ``FIDOTransport`` plugged into libfido2's custom io: a real key
/// through ``HIDRawTransport``, the software authenticator through its own conformance, a recording or
/// replaying wrapper through whatever it wraps. KeyBridge's io layer under libfido2 adds three things its
/// own io lacks: a timeout per operation (``Configuration/timeout``, ``FIDOError/Code/timeout``), Task
/// cancellation (the request is cancelled on the key with `fido_dev_cancel`, ``FIDOError/Code/cancelled``),
/// and a touch prompt (``Configuration/onUserPresenceRequired``, called once per operation when the key
/// starts waiting for a touch). An unplugged key fails with ``FIDOError/Code/deviceRemoved``.
///
/// The actor owns the `fido_dev_t` and runs on its own thread, so that libfido2's blocking calls never
/// occupy Swift's cooperative thread pool.
///
/// ```swift
/// let descriptor = try await FIDODevice.waitForDevice(timeout: .seconds(60))
/// var configuration = FIDODevice.Configuration()
/// configuration.onUserPresenceRequired = { print("Touch your security key…", to: &standardError) }
/// let device = try await FIDODevice.open(path: descriptor.path, configuration: configuration)
/// let result = try await device.makeCredential(request, pin: pin)
/// ```
public actor FIDODevice {
    /// How the device behaves during operations.
    public struct Configuration: Sendable {
        /// How long one operation (including the wait for a touch) may take before KeyBridge cancels it on
        /// the key and throws ``FIDOError/Code/timeout``. 30 seconds by default.
        public var timeout: Duration = .seconds(30)
        /// Called once per operation, on the device's thread, when the key starts waiting for a touch
        /// (CTAPHID KEEPALIVE with status "user presence needed", or U2F's "conditions not satisfied").
        /// It must return promptly.
        public var onUserPresenceRequired: (@Sendable () -> Void)?
        /// The transports reported in registration responses (`response.transports`). `["usb"]` by default.
        public var transports: [String] = ["usb"]

        /// The defaults: a 30-second timeout, no prompt, transport `usb`.
        public init() {}
    }

    private let executor: DeviceThreadExecutor
    var handle: DeviceHandle
    /// How operations behave; change it with ``setConfiguration(_:)``.
    public private(set) var configuration: Configuration
    /// The transport the device talks through.
    public nonisolated let transport: any FIDOTransport

    /// The device's own serial executor: a dedicated thread on which every libfido2 call for this key runs.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(transport: any FIDOTransport, configuration: Configuration) throws(FIDOError) {
        self.handle = try DeviceHandle(transport: transport)
        self.executor = DeviceThreadExecutor(name: "keybridge.fido-device")
        self.configuration = configuration
        self.transport = transport
    }

    deinit {
        executor.stop()
    }

    // MARK: - Opening

    /// Opens the key at a hidraw path through KeyBridge's hidraw io (``HIDRawTransport``).
    ///
    /// - Parameters:
    ///   - path: The hidraw node, as ``enumerate()`` lists it.
    ///   - configuration: Timeout and prompt.
    /// - Returns: The open device.
    /// - Throws: ``FIDOError`` with ``FIDOError/Code/permissionDenied`` (the message names the udev fix),
    ///   ``FIDOError/Code/deviceBusy``, ``FIDOError/Code/noDevice``, ``FIDOError/Code/timeout``, or
    ///   libfido2's failure.
    public static func open(path: String, configuration: Configuration = Configuration()) async throws(FIDOError)
        -> FIDODevice
    {
        try await open(transport: HIDRawTransport(path: path), configuration: configuration)
    }

    /// Opens a key through any transport: `fido_dev_open` (CTAPHID_INIT, then authenticatorGetInfo on a
    /// CTAP2 key) runs through the transport.
    ///
    /// - Parameters:
    ///   - transport: The transport, for example a `VirtualAuthenticator`.
    ///   - configuration: Timeout and prompt.
    /// - Returns: The open device.
    /// - Throws: The transport's failure or libfido2's.
    public static func open(transport: any FIDOTransport, configuration: Configuration = Configuration())
        async throws(FIDOError) -> FIDODevice
    {
        let device = try FIDODevice(transport: transport, configuration: configuration)
        try await device.connect()
        return device
    }

    private func connect() async throws(FIDOError) {
        try await perform("open") { (handle: inout DeviceHandle) throws(FIDOError) in try handle.open() }
    }

    /// Closes the key now. Later operations fail; the device is also closed when the actor goes away.
    public func close() {
        handle.close()
    }

    /// Replaces the configuration for later operations.
    ///
    /// - Parameter configuration: The new configuration.
    public func setConfiguration(_ configuration: Configuration) {
        self.configuration = configuration
    }

    // MARK: - Capabilities

    /// What libfido2 learnt about the key when it opened it.
    public var capabilities: DeviceCapabilities {
        handle.withDevice { device in
            DeviceCapabilities(
                isFIDO2: fido_dev_is_fido2(device), supportsPIN: fido_dev_supports_pin(device),
                hasPIN: fido_dev_has_pin(device), supportsCredentialManagement: fido_dev_supports_credman(device),
                supportsCredentialProtection: fido_dev_supports_cred_prot(device),
                hasUserVerification: fido_dev_has_uv(device), ctapHIDProtocol: fido_dev_protocol(device),
                firmwareVersion: (fido_dev_major(device), fido_dev_minor(device), fido_dev_build(device)),
                capabilityFlags: fido_dev_flags(device))
        }
    }

    // MARK: - Running an operation

    /// Runs one blocking libfido2 operation on the device's thread, with the configured timeout, Task
    /// cancellation wired to `fido_dev_cancel` and the touch prompt armed.
    func perform<R>(_ operation: String, _ body: (inout DeviceHandle) throws(FIDOError) -> R) async throws(FIDOError)
        -> R
    {
        let bridge = handle.bridge
        let timeout = configuration.timeout
        let prompt = configuration.onUserPresenceRequired
        let outcome: Result<R, FIDOError> = await withTaskCancellationHandler {
            // The bracket sits in the synchronous part, on the device's thread, so no other operation of this
            // actor can interleave with it. A cancellation that came before `begin` is seen just below.
            bridge.begin(operation: operation, timeout: timeout, prompt: prompt)
            defer { bridge.end() }
            if Task.isCancelled {
                return .failure(FIDOError(.cancelled, "\(operation) was cancelled before it started"))
            }
            return Result { () throws(FIDOError) -> R in try body(&handle) }
        } onCancel: {
            bridge.requestCancel()
        }
        return try outcome.get()
    }
}
