import Synchronization
import Testing
import VirtualAuthenticator

@testable import FIDODevices

/// The io layer's additions to libfido2: the touch prompt, the timeout, Task cancellation through
/// fido_dev_cancel, and a key unplugged mid-operation.
@Suite(.serialized) struct OperationControlTests {
    @Test("The touch prompt fires exactly once per operation that waits for user presence")
    func promptOncePerOperation() async throws {
        let prompts = CallCounter()
        let key = try await VirtualKey.open(
            prompt: { prompts.increment() }, configure: { $0.userPresence = .afterPolls(5) })
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        #expect(prompts.value == 1)
        _ = try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID]))
        #expect(prompts.value == 2)
        // An operation without a touch (no user presence asked) does not prompt.
        var silent = VirtualKey.assertion(allow: [registration.credentialID])
        silent.userPresence = false
        _ = try await key.device.getAssertion(silent)
        _ = try await key.device.info()
        #expect(prompts.value == 2)
    }

    @Test("A touch that never comes ends in a timeout, the request is cancelled on the key, and the key works on")
    func timeout() async throws {
        let presence = PresenceSwitch()
        let key = try await VirtualKey.open(configure: { $0.userPresence = presence.userPresence })
        var configuration = await key.device.configuration
        configuration.timeout = .milliseconds(300)
        await key.device.setConfiguration(configuration)
        let driver = MockingDriver()
        let started = ContinuousClock.now
        let error = await #expect(throws: FIDOError.self) {
            try await MockingDriver.$current.withValue(driver) {
                try await key.device.makeCredential(VirtualKey.registration())
            }
        }
        #expect(error?.code == .timeout)
        // Not a timing assertion (the machine is noisy): it only tells the configured 300 ms timeout from the
        // 30 s default that an ignored configuration would leave.
        #expect(ContinuousClock.now - started < .seconds(25))
        #expect(driver.trace.contains("fido_dev_cancel"))
        presence.approve()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        _ = try RelyingPartyCheck.verify(registration)
    }

    @Test("Cancelling the task cancels the request on the key with fido_dev_cancel")
    func cancellation() async throws {
        let presence = PresenceSwitch()
        let prompts = CallCounter()
        let key = try await VirtualKey.open(
            prompt: { prompts.increment() }, configure: { $0.userPresence = presence.userPresence })
        let driver = MockingDriver()
        let device = key.device
        let task = Task {
            try await MockingDriver.$current.withValue(driver) {
                try await device.makeCredential(VirtualKey.registration())
            }
        }
        #expect(await prompts.wait(for: 1))
        task.cancel()
        let outcome = await task.result
        #expect(throws: FIDOError(.cancelled, "")) { try outcome.get() }
        #expect(driver.trace.contains("fido_dev_cancel"))
        presence.approve()
        _ = try await key.device.makeCredential(VirtualKey.registration())
    }

    @Test("A task cancelled before the operation starts fails with cancelled without talking to the key")
    func cancelledBeforeStart() async throws {
        let key = try await VirtualKey.open()
        let device = key.device
        let driver = MockingDriver()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await MockingDriver.$current.withValue(driver) {
                try await device.makeCredential(VirtualKey.registration())
            }
        }
        await #expect(throws: FIDOError(.cancelled, "")) { try await task.value }
        #expect(!driver.trace.contains("fido_dev_make_cred"))
    }

    @Test("A key unplugged while it waits for a touch fails with device-removed")
    func deviceRemoved() async throws {
        let presence = PresenceSwitch()
        let prompts = CallCounter()
        var configuration = VirtualAuthenticator.Configuration()
        configuration.userPresence = presence.userPresence
        let transport = UnpluggableTransport(try VirtualAuthenticator(configuration: configuration))
        var deviceConfiguration = FIDODevice.Configuration()
        deviceConfiguration.onUserPresenceRequired = { prompts.increment() }
        let device = try await FIDODevice.open(transport: transport, configuration: deviceConfiguration)
        let task = Task { try await device.makeCredential(VirtualKey.registration()) }
        #expect(await prompts.wait(for: 1))
        transport.unplug()
        let outcome = await task.result
        #expect(throws: FIDOError(.deviceRemoved, "")) { try outcome.get() }
    }
}

/// A transport that can be "unplugged": afterwards every call fails as HIDRawTransport fails on ENODEV.
final class UnpluggableTransport: FIDOTransport {
    private let inner: VirtualAuthenticator
    private let unplugged = Atomic<Bool>(false)

    init(_ inner: VirtualAuthenticator) {
        self.inner = inner
    }

    func unplug() {
        unplugged.store(true, ordering: .relaxed)
    }

    private func check() throws(FIDOError) {
        if unplugged.load(ordering: .relaxed) { throw FIDOError(.deviceRemoved, "the key was removed") }
    }

    func open() throws(FIDOError) {
        try check()
        try inner.open()
    }

    func close() {
        inner.close()
    }

    func send(report: [UInt8]) throws(FIDOError) {
        try check()
        try inner.send(report: report)
    }

    func receive(timeout: Duration) throws(FIDOError) -> [UInt8]? {
        try check()
        return try inner.receive(timeout: timeout)
    }
}
