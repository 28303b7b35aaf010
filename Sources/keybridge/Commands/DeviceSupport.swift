import Foundation
import FIDODevices
import Synchronization
import VirtualAuthenticator

/// A device command that failed for a reason the user can act on; printed as `error: MESSAGE`, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The options every device command shares: which key, whether to wait for one, and the timeout.
struct DeviceOptions: Sendable {
    static let specs: [OptionSpec] = [
        .single("device", "PATH", help: "The key's hidraw node (default: the single plugged-in key)."),
        .single("virtual", "STATEFILE", help: "Use KeyBridge's software authenticator, state kept in STATEFILE."),
        .single(
            "virtual-protocols", "LIST",
            help: "With --virtual: the protocols it speaks, ctap2 (default), u2f or ctap2,u2f."),
        .single(
            "virtual-attestation", "MODE", help: "With --virtual: its attestation, packed (default), self or none."),
        .flag("wait", help: "Wait for a key to be plugged in instead of failing at once."),
        .single("timeout", "SECONDS", help: "How long the key may take, touch included (default 30)."),
    ]

    let devicePath: String?
    let virtualStateFile: String?
    /// The software authenticator's behaviour (`--virtual-protocols`, `--virtual-attestation`).
    let virtualConfiguration: VirtualAuthenticator.Configuration
    let wait: Bool
    let timeout: Duration

    init(_ arguments: ParsedArguments) throws(ValidationError) {
        devicePath = arguments.value("device")
        virtualStateFile = arguments.value("virtual")
        if devicePath != nil && virtualStateFile != nil {
            throw ValidationError("--device and --virtual cannot be used together")
        }
        if devicePath?.isEmpty == true { throw ValidationError("--device must not be empty") }
        if virtualStateFile?.isEmpty == true { throw ValidationError("--virtual must not be empty") }
        var configuration = VirtualAuthenticator.Configuration()
        if let text = arguments.value("virtual-protocols") {
            guard virtualStateFile != nil else { throw ValidationError("--virtual-protocols needs --virtual STATEFILE") }
            var protocols: VirtualAuthenticator.Protocols = []
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                switch name {
                case "ctap2": protocols.insert(.ctap2)
                case "u2f": protocols.insert(.u2f)
                default: throw ValidationError("--virtual-protocols must be ctap2, u2f or ctap2,u2f, not '\(text)'")
                }
            }
            configuration.protocols = protocols
        }
        if let text = arguments.value("virtual-attestation") {
            guard virtualStateFile != nil else { throw ValidationError("--virtual-attestation needs --virtual STATEFILE") }
            switch text {
            case "packed": configuration.attestation = .packedFull
            case "self": configuration.attestation = .packedSelf
            case "none": configuration.attestation = .none
            default: throw ValidationError("--virtual-attestation must be packed, self or none, not '\(text)'")
            }
        }
        virtualConfiguration = configuration
        wait = arguments.flag("wait")
        if let text = arguments.value("timeout") {
            guard let seconds = Int(text), seconds > 0, seconds <= 3600 else {
                throw ValidationError("--timeout must be a whole number of seconds from 1 to 3600, not '\(text)'")
            }
            timeout = .seconds(seconds)
        } else {
            timeout = .seconds(30)
        }
    }

    /// How operations on the chosen key behave: the timeout and the touch prompt.
    var deviceConfiguration: FIDODevice.Configuration {
        var configuration = FIDODevice.Configuration()
        configuration.timeout = timeout
        configuration.onUserPresenceRequired = { Output.standardError("Touch your security key…\n") }
        return configuration
    }

    /// Opens the chosen key: the software authenticator, the named node, or the single plugged-in key.
    func open() async throws -> FIDODevice {
        let chosen = try await chooseTransport()
        return try await FIDODevice.open(transport: chosen.transport, configuration: deviceConfiguration)
    }

    /// Finds the chosen key's transport without opening it: the software authenticator, the named node, or
    /// the single plugged-in key (waiting for one with `--wait`). `keybridge record` wraps it.
    func chooseTransport() async throws -> ChosenTransport {
        if let virtualStateFile {
            Output.standardError("Using KeyBridge's software authenticator (state file \(virtualStateFile)), not a hardware key.\n")
            let authenticator = try VirtualAuthenticator(stateFile: virtualStateFile, configuration: virtualConfiguration)
            return ChosenTransport(transport: authenticator, source: .virtual(authenticator, virtualConfiguration))
        }
        if let devicePath {
            let known = (try? FIDODevice.enumerate())?.first { $0.path == devicePath }
            return ChosenTransport(transport: HIDRawTransport(path: devicePath), source: .hardware(known))
        }
        var devices = try FIDODevice.enumerate()
        if devices.isEmpty && wait {
            Output.standardError("Waiting for a security key to be plugged in…\n")
            _ = try await FIDODevice.waitForDevice(timeout: timeout)
            devices = try FIDODevice.enumerate()
        }
        guard let first = devices.first else {
            throw CommandFailure(
                "no security key found: plug one in (or pass --wait), name it with --device PATH, or use "
                    + "--virtual STATEFILE for KeyBridge's software authenticator")
        }
        guard devices.count == 1 else {
            let list = devices.map { "  \($0.summary)" }.joined(separator: "\n")
            throw CommandFailure("several security keys are plugged in; choose one with --device PATH:\n\(list)")
        }
        Output.standardError("Using \(first.summary).\n")
        return ChosenTransport(transport: HIDRawTransport(path: first.path), source: .hardware(first))
    }
}

/// The transport to the key a device command chose, and what kind of key it is.
struct ChosenTransport: Sendable {
    enum Source: Sendable {
        /// The software authenticator and the configuration it runs with.
        case virtual(VirtualAuthenticator, VirtualAuthenticator.Configuration)
        /// A hardware key, with its enumeration entry when libfido2 lists it.
        case hardware(DeviceDescriptor?)
    }

    let transport: any FIDOTransport
    let source: Source
}

/// Reading PINs: from stdin with `--pin-stdin` (one per line), otherwise from the terminal without echo.
enum PINInput {
    static let stdinSpec = OptionSpec.flag(
        "pin-stdin", help: "Read the PIN from stdin (one line) instead of the terminal; never from the command line.")

    /// One PIN: the next line of stdin, or a terminal prompt.
    static func read(fromStandardInput: Bool, prompt: String) throws(FIDOError) -> DevicePIN {
        fromStandardInput ? try DevicePIN.read(fileDescriptor: 0) : try DevicePIN.readFromTerminal(prompt: prompt)
    }
}

/// The write end of the Ctrl-C pipe, for the SIGINT handler (which may only make async-signal-safe calls);
/// -1 when no operation is running.
private let interruptPipeWriteEnd = Atomic<Int32>(-1)

/// Runs a key operation so that Ctrl-C cancels it on the key: a SIGINT handler cancels the operation's task,
/// and the command then exits 130.
enum Interruptible {
    /// The exit status after Ctrl-C (128 + SIGINT), as shells report it.
    static let interruptedExitCode = ExitCode(rawValue: 130)

    /// What the SIGINT handler shares with the command: whether Ctrl-C came, and the task to cancel.
    private final class State: Sendable {
        let raised = Atomic<Bool>(false)
        let task = Mutex<Task<ExitCode, any Error>?>(nil)
    }

    /// Runs `body` in a task that Ctrl-C cancels.
    ///
    /// The SIGINT handler only writes a byte to a pipe (async-signal-safe); a dispatch read source on the
    /// pipe cancels the task. A `DispatchSource` signal source is not used: on Linux it relies on signalfd,
    /// which sees the signal only when every thread blocks it, and the concurrency runtime's threads do not.
    static func run(_ body: @escaping @Sendable () async throws -> ExitCode) async throws -> ExitCode {
        let state = State()
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw CommandFailure("cannot set up the Ctrl-C handler (pipe failed, errno \(errno))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        source.setEventHandler {
            var byte: UInt8 = 0
            while Glibc.read(readEnd, &byte, 1) > 0 {}
            state.raised.store(true, ordering: .sequentiallyConsistent)
            state.task.withLock { $0?.cancel() }
        }
        // The source owns both ends from here: they are closed once, when it is cancelled.
        source.setCancelHandler {
            Glibc.close(readEnd)
            Glibc.close(writeEnd)
        }
        source.resume()
        interruptPipeWriteEnd.store(writeEnd, ordering: .sequentiallyConsistent)
        // The handler is in place before the operation starts, so no Ctrl-C is lost or kills the process.
        signal(SIGINT) { _ in
            let savedErrno = errno
            var byte: UInt8 = 1
            _ = Glibc.write(interruptPipeWriteEnd.load(ordering: .relaxed), &byte, 1)
            errno = savedErrno
        }
        defer {
            signal(SIGINT, SIG_DFL)
            interruptPipeWriteEnd.store(-1, ordering: .sequentiallyConsistent)
            source.cancel()
        }
        let task = Task { try await body() }
        state.task.withLock { $0 = task }
        if state.raised.load(ordering: .sequentiallyConsistent) { task.cancel() }
        do {
            let code = try await task.value
            if state.raised.load(ordering: .sequentiallyConsistent) { return interrupted() }
            return code
        } catch {
            if state.raised.load(ordering: .sequentiallyConsistent) { return interrupted() }
            throw error
        }
    }

    private static func interrupted() -> ExitCode {
        Output.standardError("interrupted (Ctrl-C): the operation was cancelled\n")
        return interruptedExitCode
    }
}

/// Small helpers shared by the device commands.
enum DeviceCommandSupport {
    /// `count` random bytes from the system's CSPRNG (`getrandom` on Linux).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Rejects stray positional words.
    static func rejectPositionals(_ arguments: ParsedArguments) throws(ValidationError) {
        if let extra = arguments.positionals.first { throw ValidationError("unexpected argument '\(extra)'") }
    }

    /// Prints JSON bytes and a line feed on stdout.
    static func printJSON(_ bytes: [UInt8]) {
        Output.standardOutput(String(decoding: bytes, as: UTF8.self) + "\n")
    }
}
