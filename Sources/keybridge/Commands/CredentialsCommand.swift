import FIDODevices
@_spi(ExpertsOnly) import WebAuthn

/// `keybridge credentials`: the discoverable credentials on a key.
struct CredentialsCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "List or delete the discoverable (resident) credentials on a key (needs the PIN).",
        usage: "keybridge credentials <list|delete> [options]",
        subcommands: [CredentialsListCommand.self, CredentialsDeleteCommand.self])

    init(arguments: ParsedArguments) throws(ValidationError) {}

    func run() async throws -> ExitCode {
        Output.standardError(Self.helpText)
        return .usage
    }
}

/// `keybridge credentials list`.
struct CredentialsListCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the discoverable credentials, for one relying party or all.",
        usage: "keybridge credentials list [--rp-id RPID] [--json] [--pin-stdin] [--device PATH | --virtual STATEFILE]",
        options: [
            .single("rp-id", "RPID", help: "Only this relying party's credentials."),
            .flag("json", help: "Print a JSON array of {rpId, credentialId, userId, userName, ...}."),
            PINInput.stdinSpec,
        ] + DeviceOptions.specs)

    let device: DeviceOptions
    let rpID: String?
    let json: Bool
    let pinFromStandardInput: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        device = try DeviceOptions(arguments)
        rpID = arguments.value("rp-id")
        if rpID?.isEmpty == true { throw ValidationError("--rp-id must not be empty") }
        json = arguments.flag("json")
        pinFromStandardInput = arguments.flag("pin-stdin")
    }

    func run() async throws -> ExitCode {
        let (device, rpID, json, fromStdin) = (device, rpID, json, pinFromStandardInput)
        return try await Interruptible.run {
            let key = try await device.open()
            let pin = try PINInput.read(fromStandardInput: fromStdin, prompt: "Security key PIN: ")
            var credentials: [DiscoverableCredential] = []
            let rpIDs: [String]
            if let rpID {
                rpIDs = [rpID]
            } else {
                rpIDs = try await key.relyingParties(pin: pin).map(\.id)
            }
            for id in rpIDs {
                credentials += try await key.discoverableCredentials(rpID: id, pin: pin)
            }
            if json {
                DeviceCommandSupport.printJSON(DiscoverableCredential.jsonBytes(credentials))
            } else if credentials.isEmpty {
                Output.standardError("no discoverable credentials\n")
            } else {
                for credential in credentials {
                    let user = credential.userName ?? Base64URL.encode(credential.userID)
                    Output.standardOutput(
                        "\(credential.rpID)  \(user)  \(Base64URL.encode(credential.credentialID))\n")
                }
            }
            return .success
        }
    }
}

/// `keybridge credentials delete`.
struct CredentialsDeleteCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete one discoverable credential.",
        usage: "keybridge credentials delete --credential-id B64URL [--pin-stdin] [--device PATH | --virtual STATEFILE]",
        options: [
            .single("credential-id", "B64URL", required: true, help: "The credential ID to delete."),
            PINInput.stdinSpec,
        ] + DeviceOptions.specs)

    let device: DeviceOptions
    let credentialID: [UInt8]
    let pinFromStandardInput: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        device = try DeviceOptions(arguments)
        guard let id = try ClientOptions.credentialIDs(arguments, "credential-id").first else {
            throw ValidationError("missing --credential-id B64URL")
        }
        credentialID = id
        pinFromStandardInput = arguments.flag("pin-stdin")
    }

    func run() async throws -> ExitCode {
        let (device, credentialID, fromStdin) = (device, credentialID, pinFromStandardInput)
        return try await Interruptible.run {
            let key = try await device.open()
            let pin = try PINInput.read(fromStandardInput: fromStdin, prompt: "Security key PIN: ")
            try await key.deleteCredential(id: credentialID, pin: pin)
            Output.standardError("Deleted credential \(Base64URL.encode(credentialID)).\n")
            return .success
        }
    }
}
