import FIDODevices
import Synchronization
@_spi(ExpertsOnly) import WebAuthn

/// Options `register` and `authenticate` share: the relying party, origin and challenge.
struct ClientOptions: Sendable {
    static let specs: [OptionSpec] = [
        .single("rp-id", "RPID", required: true, help: "The relying party ID (a domain, e.g. example.com)."),
        .single("origin", "ORIGIN", help: "The origin written into clientDataJSON (default: https://RPID)."),
        .single("challenge", "B64URL", help: "The challenge, base64url (default: 32 random bytes, printed on stderr)."),
        PINInput.stdinSpec,
    ]

    let rpID: String
    let origin: String
    let challenge: [UInt8]
    let challengeGiven: Bool
    let pinFromStandardInput: Bool

    init(_ arguments: ParsedArguments) throws(ValidationError) {
        rpID = try arguments.required("rp-id")
        guard !rpID.isEmpty else { throw ValidationError("--rp-id must not be empty") }
        origin = arguments.value("origin") ?? "https://\(rpID)"
        if let text = arguments.value("challenge") {
            do {
                challenge = try Base64URL.decode(text)
            } catch {
                throw ValidationError("--challenge is not base64url: \(error.reason)")
            }
            guard !challenge.isEmpty else { throw ValidationError("--challenge must not be empty") }
            challengeGiven = true
        } else {
            challenge = DeviceCommandSupport.randomBytes(32)
            challengeGiven = false
        }
        pinFromStandardInput = arguments.flag("pin-stdin")
    }

    /// Says on stderr which challenge the response signs, so that a script can verify it.
    func announceChallenge() {
        Output.standardError("challenge: \(Base64URL.encode(challenge))\n")
    }

    /// Decodes the repeated base64url option `name`.
    static func credentialIDs(_ arguments: ParsedArguments, _ name: String) throws(ValidationError) -> [[UInt8]] {
        var ids: [[UInt8]] = []
        for text in arguments.all(name) {
            do {
                let id = try Base64URL.decode(text)
                guard !id.isEmpty else { throw ValidationError("--\(name) must not be empty") }
                ids.append(id)
            } catch let error as WebAuthnError {
                throw ValidationError("--\(name) is not base64url: \(error.reason)")
            } catch {
                throw ValidationError("--\(name) is not base64url")
            }
        }
        return ids
    }

    /// Runs `operation` with the PIN from stdin when `--pin-stdin` was given; otherwise without a PIN, and
    /// again with a PIN from the terminal when the key says it needs one.
    ///
    /// - Parameters:
    ///   - log: Told how the PIN was supplied (for `keybridge record`, which never stores the PIN itself).
    ///   - operation: The key operation.
    func withPIN<T: Sendable>(
        reportingTo log: PINUseLog? = nil, _ operation: @Sendable (DevicePIN?) async throws(FIDOError) -> T
    ) async throws(FIDOError) -> T {
        if pinFromStandardInput {
            log?.set(.given)
            return try await operation(try DevicePIN.read(fileDescriptor: 0))
        }
        do {
            log?.set(.none)
            return try await operation(nil)
        } catch where error.code == .pinRequired {
            log?.set(.afterPINRequired)
            let pin = try DevicePIN.readFromTerminal(prompt: "Security key PIN: ")
            return try await operation(pin)
        }
    }
}

/// How a ceremony command supplied the PIN, for `keybridge record`: whether, never what.
final class PINUseLog: Sendable {
    private let use = Mutex(CTAPRecording.PINUse.none)

    var value: CTAPRecording.PINUse { use.withLock { $0 } }

    func set(_ value: CTAPRecording.PINUse) {
        use.withLock { $0 = value }
    }
}

/// `keybridge register`: makes a credential on a key and prints the RegistrationResponseJSON.
struct RegisterCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a credential on a security key; print the RegistrationResponseJSON.",
        usage: """
            keybridge register --rp-id RPID --user NAME [--user-id B64URL] [--origin ORIGIN] [--challenge B64URL]
                [--algorithm es256|eddsa|rs256] [--resident-key] [--pin-stdin] [--exclude CREDID ...] [--hmac-secret]
                [--cred-protect 1|2|3] [--device PATH | --virtual STATEFILE] [--wait] [--timeout SECONDS]
            """,
        discussion: """
            stdout holds only the RegistrationResponseJSON; prompts, progress and the challenge go to stderr.
            Check it with `keybridge verify registration --rp-id RPID --origin ORIGIN --challenge CHALLENGE`.
            """,
        options: ClientOptions.specs + [
            .single("user", "NAME", required: true, help: "The user name (user.name and user.displayName)."),
            .single("user-id", "B64URL", help: "The user handle, base64url, 1 to 64 bytes (default: 16 random bytes)."),
            .single("algorithm", "ALG", help: "es256 (default), eddsa or rs256."),
            .flag("resident-key", help: "Make a discoverable (resident) credential."),
            .repeated("exclude", "CREDID", help: "A credential ID (base64url) the key must not already hold."),
            .flag("hmac-secret", help: "Ask for the hmac-secret extension."),
            .single("cred-protect", "N", help: "Ask for credProtect level 1, 2 or 3."),
        ] + DeviceOptions.specs)

    let client: ClientOptions
    let device: DeviceOptions
    let request: RegistrationRequest

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        client = try ClientOptions(arguments)
        device = try DeviceOptions(arguments)
        let user = try arguments.required("user")
        guard !user.isEmpty else { throw ValidationError("--user must not be empty") }
        var userID = DeviceCommandSupport.randomBytes(16)
        if let text = arguments.value("user-id") {
            do {
                userID = try Base64URL.decode(text)
            } catch {
                throw ValidationError("--user-id is not base64url: \(error.reason)")
            }
            guard (1...64).contains(userID.count) else {
                throw ValidationError("--user-id must be 1 to 64 bytes, got \(userID.count)")
            }
        }
        var request = RegistrationRequest(
            rpID: client.rpID, userID: userID, userName: user, challenge: client.challenge)
        request.origin = client.origin
        if let name = arguments.value("algorithm") {
            guard let algorithm = CredentialAlgorithm(name: name) else {
                throw ValidationError("--algorithm must be es256, eddsa or rs256, not '\(name)'")
            }
            request.algorithm = algorithm
        }
        request.residentKey = arguments.flag("resident-key")
        request.excludeCredentials = try ClientOptions.credentialIDs(arguments, "exclude")
        request.hmacSecret = arguments.flag("hmac-secret")
        if let level = arguments.value("cred-protect") {
            guard let raw = Int32(level), let protection = CredentialProtection(rawValue: raw) else {
                throw ValidationError("--cred-protect must be 1, 2 or 3, not '\(level)'")
            }
            request.credentialProtection = protection
        }
        self.request = request
    }

    func run() async throws -> ExitCode {
        let command = self
        return try await Interruptible.run {
            let key = try await command.device.open()
            let result = try await command.perform(on: key)
            command.report(result)
            return .success
        }
    }

    /// Registers on an open key: the path `register` and `record -- register` share.
    ///
    /// - Parameters:
    ///   - key: The open key.
    ///   - pinLog: Told how the PIN was supplied.
    func perform(on key: FIDODevice, pinLog: PINUseLog? = nil) async throws(FIDOError) -> RegistrationResult {
        let request = self.request
        if !client.challengeGiven { client.announceChallenge() }
        Output.standardError("Registering \(request.userName) with \(request.rpID) (origin \(request.origin))…\n")
        return try await client.withPIN(reportingTo: pinLog) { (pin) throws(FIDOError) in
            try await key.makeCredential(request, pin: pin)
        }
    }

    /// Prints the RegistrationResponseJSON on stdout and the credential ID on stderr.
    func report(_ result: RegistrationResult) {
        DeviceCommandSupport.printJSON(result.jsonBytes())
        Output.standardError("Registered credential \(Base64URL.encode(result.credentialID)).\n")
    }
}

/// `keybridge authenticate`: gets an assertion from a key and prints the AuthenticationResponseJSON.
struct AuthenticateCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "authenticate",
        abstract: "Authenticate with a security key; print the AuthenticationResponseJSON.",
        usage: """
            keybridge authenticate --rp-id RPID [--credential-id B64URL ...] [--origin ORIGIN] [--challenge B64URL]
                [--pin-stdin] [--device PATH | --virtual STATEFILE] [--wait] [--timeout SECONDS]
            """,
        discussion: """
            Without --credential-id the key answers with a discoverable credential for RPID. stdout holds only the
            AuthenticationResponseJSON; prompts, progress and the challenge go to stderr.
            """,
        options: ClientOptions.specs + [
            .repeated("credential-id", "B64URL", help: "A credential ID that may answer (the allow list).")
        ] + DeviceOptions.specs)

    let client: ClientOptions
    let device: DeviceOptions
    let request: AssertionRequest

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        client = try ClientOptions(arguments)
        device = try DeviceOptions(arguments)
        var request = AssertionRequest(rpID: client.rpID, challenge: client.challenge)
        request.origin = client.origin
        request.allowCredentials = try ClientOptions.credentialIDs(arguments, "credential-id")
        self.request = request
    }

    func run() async throws -> ExitCode {
        let command = self
        return try await Interruptible.run {
            let key = try await command.device.open()
            let results = try await command.perform(on: key)
            try command.report(results)
            return .success
        }
    }

    /// Authenticates on an open key: the path `authenticate` and `record -- authenticate` share.
    ///
    /// - Parameters:
    ///   - key: The open key.
    ///   - pinLog: Told how the PIN was supplied.
    func perform(on key: FIDODevice, pinLog: PINUseLog? = nil) async throws(FIDOError) -> [AssertionResult] {
        let request = self.request
        if !client.challengeGiven { client.announceChallenge() }
        Output.standardError("Authenticating with \(request.rpID) (origin \(request.origin))…\n")
        return try await client.withPIN(reportingTo: pinLog) { (pin) throws(FIDOError) in
            try await key.getAssertion(request, pin: pin)
        }
    }

    /// Prints the first AuthenticationResponseJSON on stdout, and on stderr the other credentials and the
    /// signature counter.
    func report(_ results: [AssertionResult]) throws {
        guard let first = results.first else {
            throw CommandFailure("the key returned no assertion for \(request.rpID)")
        }
        if results.count > 1 {
            Output.standardError(
                "The key holds \(results.count) credentials for \(request.rpID); printing the first. "
                    + "Choose another with --credential-id:\n")
            for result in results {
                let user = result.userName.map { " (\($0))" } ?? ""
                Output.standardError("  \(Base64URL.encode(result.credentialID))\(user)\n")
            }
        }
        DeviceCommandSupport.printJSON(first.jsonBytes())
        Output.standardError("Signature counter: \(first.signCount).\n")
    }
}
