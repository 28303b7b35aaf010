import FIDODevices

/// `keybridge pin`: set, change and count the key's PIN.
struct PINCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Set or change the key's PIN, or show the retries left.",
        usage: "keybridge pin <set|change|retries> [options]",
        discussion: "The PIN is read from the terminal without echo, or from stdin with --pin-stdin; never from argv.",
        subcommands: [PINSetCommand.self, PINChangeCommand.self, PINRetriesCommand.self])

    init(arguments: ParsedArguments) throws(ValidationError) {}

    func run() async throws -> ExitCode {
        Output.standardError(Self.helpText)
        return .usage
    }
}

/// `keybridge pin set`.
struct PINSetCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set the PIN of a key that has none.",
        usage: "keybridge pin set [--pin-stdin] [--device PATH | --virtual STATEFILE] [--wait]",
        discussion: "With --pin-stdin, stdin's first line is the new PIN.",
        options: [PINInput.stdinSpec] + DeviceOptions.specs)

    let options: PINCommandOptions

    init(arguments: ParsedArguments) throws(ValidationError) { options = try PINCommandOptions(arguments) }

    func run() async throws -> ExitCode {
        let (device, fromStdin) = (options.device, options.pinFromStandardInput)
        return try await Interruptible.run {
            let key = try await device.open()
            let pin = try PINInput.readNew(fromStandardInput: fromStdin)
            try await key.setPIN(pin)
            Output.standardError("The PIN is set.\n")
            return .success
        }
    }
}

/// `keybridge pin change`.
struct PINChangeCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "change",
        abstract: "Change the key's PIN.",
        usage: "keybridge pin change [--pin-stdin] [--device PATH | --virtual STATEFILE] [--wait]",
        discussion: "With --pin-stdin, stdin's first line is the current PIN and its second line the new one.",
        options: [PINInput.stdinSpec] + DeviceOptions.specs)

    let options: PINCommandOptions

    init(arguments: ParsedArguments) throws(ValidationError) { options = try PINCommandOptions(arguments) }

    func run() async throws -> ExitCode {
        let (device, fromStdin) = (options.device, options.pinFromStandardInput)
        return try await Interruptible.run {
            let key = try await device.open()
            let current = try PINInput.read(fromStandardInput: fromStdin, prompt: "Current PIN: ")
            let new = try PINInput.readNew(fromStandardInput: fromStdin)
            try await key.changePIN(from: current, to: new)
            Output.standardError("The PIN is changed.\n")
            return .success
        }
    }
}

/// `keybridge pin retries`.
struct PINRetriesCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "retries",
        abstract: "Show how many wrong PINs the key still accepts before it blocks.",
        usage: "keybridge pin retries [--json] [--device PATH | --virtual STATEFILE] [--wait]",
        options: [.flag("json", help: "Print {\"pinRetries\": N}.")] + DeviceOptions.specs)

    let device: DeviceOptions
    let json: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        device = try DeviceOptions(arguments)
        json = arguments.flag("json")
    }

    func run() async throws -> ExitCode {
        let (device, json) = (device, json)
        return try await Interruptible.run {
            let key = try await device.open()
            let retries = try await key.pinRetries()
            Output.standardOutput(json ? "{\"pinRetries\":\(retries)}\n" : "\(retries)\n")
            return .success
        }
    }
}

/// The options `pin set` and `pin change` share: the key, and where the PINs come from.
struct PINCommandOptions: Sendable {
    let device: DeviceOptions
    let pinFromStandardInput: Bool

    init(_ arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        device = try DeviceOptions(arguments)
        pinFromStandardInput = arguments.flag("pin-stdin")
    }
}

extension PINInput {
    /// A new PIN: the next stdin line, or asked twice on the terminal (a typo there would lock the user out,
    /// since nothing is echoed), refused when the two entries differ.
    static func readNew(fromStandardInput: Bool) throws(FIDOError) -> DevicePIN {
        if fromStandardInput { return try DevicePIN.read(fileDescriptor: 0) }
        return try DevicePIN.readNewFromTerminal(prompt: "New PIN: ", confirmationPrompt: "Confirm the new PIN: ")
    }
}
