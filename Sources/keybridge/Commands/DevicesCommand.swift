import FIDODevices

/// `keybridge devices`: the FIDO keys this user can open.
struct DevicesCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the plugged-in FIDO security keys.",
        usage: "keybridge devices [--json]",
        options: [.flag("json", help: "Print a JSON array of {path, vendorId, productId, manufacturer, product}.")])

    let json: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        json = arguments.flag("json")
    }

    func run() async throws -> ExitCode {
        let devices = try FIDODevice.enumerate()
        for path in FIDODevice.inaccessibleDevicePaths() {
            Output.standardError(
                "warning: \(path) is a security key this user may not open: \(HIDRawTransport.permissionFix)\n")
        }
        if json {
            DeviceCommandSupport.printJSON(DeviceDescriptor.jsonBytes(devices))
        } else if devices.isEmpty {
            Output.standardError("no security keys found\n")
        } else {
            for device in devices { Output.standardOutput(device.summary + "\n") }
        }
        return .success
    }
}

/// `keybridge info`: the key's authenticatorGetInfo.
struct InfoCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show what a key supports (authenticatorGetInfo) and its PIN retries.",
        usage: "keybridge info [--device PATH | --virtual STATEFILE] [--wait] [--json]",
        options: DeviceOptions.specs + [.flag("json", help: "Print the info as JSON (CTAP 2.1 member names).")])

    let device: DeviceOptions
    let json: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        device = try DeviceOptions(arguments)
        json = arguments.flag("json")
    }

    func run() async throws -> ExitCode {
        let device = self.device
        let json = self.json
        return try await Interruptible.run {
            let key = try await device.open()
            let info = try await key.info()
            if json {
                DeviceCommandSupport.printJSON(info.jsonBytes())
                return .success
            }
            var lines = [
                "versions:        \(info.versions.joined(separator: ", "))",
                "extensions:      \(info.extensions.joined(separator: ", "))",
                "aaguid:          \(info.aaguidString)",
                "options:         \(info.options.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))",
                "pin protocols:   \(info.pinUVAuthProtocols.map(String.init).joined(separator: ", "))",
                "algorithms:      \(info.algorithms.map { String($0.coseIdentifier) }.joined(separator: ", "))",
                "transports:      \(info.transports.joined(separator: ", "))",
                "firmware:        \(info.firmwareVersion)",
                "min PIN length:  \(info.minimumPINLength)",
            ]
            if let remaining = info.remainingDiscoverableCredentials {
                lines.append("free resident credential slots: \(remaining)")
            }
            if let retries = info.pinRetries { lines.append("PIN retries:     \(retries)") }
            Output.standardOutput(lines.joined(separator: "\n") + "\n")
            return .success
        }
    }
}
