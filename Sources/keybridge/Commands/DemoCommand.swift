import FIDODevices
import Foundation
import VirtualAuthenticator
import WebAuthn

/// `keybridge demo`: registers a key with a local relying party and signs in with it, end to end: the relying
/// party's options go to the key through libfido2, and the key's responses come back to the relying party's
/// verifier. A plugged-in key is used when there is one; otherwise KeyBridge's software authenticator.
struct DemoCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Register a key with a local relying party, then sign in with it (a real key if plugged in).",
        usage: """
            keybridge demo [--rp-id RPID] [--user NAME] [--sign-ins N] [--algorithm es256|eddsa|rs256] [--json]
                [--pin-stdin] [--device PATH | --virtual STATEFILE] [--wait] [--timeout SECONDS]
            """,
        discussion: """
            The relying party is KeyBridge's own (the WebAuthn module) in this process, with origin https://RPID.
            Without --device or --virtual, the single plugged-in security key is used, or, when none is plugged in,
            KeyBridge's software authenticator with a throwaway state; the first line says which. The software
            authenticator's attestation root is trusted, so its attestation is reported as trusted; a real key's
            attestation is verified but checked against no trust anchor.
            """,
        options: [
            .single("rp-id", "RPID", help: "The relying party ID (default example.org)."),
            .single("user", "NAME", help: "The user name (default alice)."),
            .single("sign-ins", "N", help: "How many sign-ins follow the registration, 1 to 100 (default 2)."),
            .single("algorithm", "ALG", help: "es256 (default), eddsa or rs256."),
            .flag("json", help: "Print the outcome as one JSON object instead of lines of text."),
            PINInput.stdinSpec,
        ] + DeviceOptions.specs)

    let rpID: String
    let userName: String
    let signIns: Int
    let algorithm: CredentialAlgorithm
    let json: Bool
    let pinFromStandardInput: Bool
    let device: DeviceOptions

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        rpID = arguments.value("rp-id") ?? "example.org"
        guard !rpID.isEmpty else { throw ValidationError("--rp-id must not be empty") }
        userName = arguments.value("user") ?? "alice"
        guard !userName.isEmpty else { throw ValidationError("--user must not be empty") }
        if let text = arguments.value("sign-ins") {
            guard let count = Int(text), (1...100).contains(count) else {
                throw ValidationError("--sign-ins must be a whole number from 1 to 100, not '\(text)'")
            }
            signIns = count
        } else {
            signIns = 2
        }
        if let name = arguments.value("algorithm") {
            guard let algorithm = CredentialAlgorithm(name: name) else {
                throw ValidationError("--algorithm must be es256, eddsa or rs256, not '\(name)'")
            }
            self.algorithm = algorithm
        } else {
            algorithm = .es256
        }
        json = arguments.flag("json")
        pinFromStandardInput = arguments.flag("pin-stdin")
        device = try DeviceOptions(arguments)
    }

    /// What the demo did, for the text or JSON report.
    struct Report: Sendable {
        var authenticator = ""
        var credentialID: [UInt8] = []
        var algorithm = ""
        var attestationFormat = ""
        var attestationType = ""
        var attestationTrusted = false
        var signCounts: [UInt32] = []
    }

    func run() async throws -> ExitCode {
        let command = self
        return try await Interruptible.run {
            let (key, authenticatorName, trustAnchors) = try await command.openKey()
            var report = Report()
            report.authenticator = authenticatorName
            let origin = "https://\(command.rpID)"
            var rpConfiguration = RelyingParty.Configuration(
                rpID: command.rpID, rpName: command.rpID, allowedOrigins: [origin])
            rpConfiguration.attestation = .direct
            rpConfiguration.allowedAlgorithms = [COSEAlgorithm(rawValue: command.algorithm.coseIdentifier)]
            rpConfiguration.attestationVerifier = AttestationVerifier(trustAnchors: trustAnchors)
            let relyingParty = RelyingParty(configuration: rpConfiguration)
            var record = try await command.register(key, relyingParty: relyingParty, origin: origin, report: &report)
            for round in 1...command.signIns {
                record = try await command.signIn(
                    key, relyingParty: relyingParty, origin: origin, record: record, round: round, report: &report)
            }
            command.print(report)
            return .success
        }
    }

    /// The key: the one named, the single plugged-in one, or the software authenticator when none is plugged in.
    /// Also says which on stderr, and returns the attestation roots to trust.
    private func openKey() async throws -> (FIDODevice, String, TrustAnchorStore) {
        var configuration = FIDODevice.Configuration()
        configuration.timeout = device.timeout
        configuration.onUserPresenceRequired = { Output.standardError("Touch your security key…\n") }
        var anchors = TrustAnchorStore()
        if device.virtualStateFile == nil && device.devicePath == nil {
            let present = try FIDODevice.enumerate()
            if present.isEmpty && !device.wait {
                let authenticator = try VirtualAuthenticator()
                try anchors.add(pem: authenticator.exportRootPEM())
                let name = "KeyBridge's software authenticator (no security key is plugged in)"
                Output.standardError("Using \(name).\n")
                return (try await FIDODevice.open(transport: authenticator, configuration: configuration), name, anchors)
            }
        }
        if let stateFile = device.virtualStateFile {
            let authenticator = try VirtualAuthenticator(stateFile: stateFile)
            try anchors.add(pem: authenticator.exportRootPEM())
            let name = "KeyBridge's software authenticator (state file \(stateFile))"
            Output.standardError("Using \(name).\n")
            return (try await FIDODevice.open(transport: authenticator, configuration: configuration), name, anchors)
        }
        // A hardware key: DeviceOptions.open picks it (and says which) exactly as the other commands do.
        let key = try await device.open()
        return (key, "a hardware security key", anchors)
    }

    /// Runs `operation` without a PIN first, and with one when the key asks (from stdin or the terminal).
    private func withPIN<T: Sendable>(
        _ operation: @Sendable (DevicePIN?) async throws(FIDOError) -> T
    ) async throws(FIDOError) -> T {
        if pinFromStandardInput { return try await operation(try DevicePIN.read(fileDescriptor: 0)) }
        do {
            return try await operation(nil)
        } catch where error.code == .pinRequired {
            return try await operation(try DevicePIN.readFromTerminal(prompt: "Security key PIN: "))
        }
    }

    private func register(
        _ key: FIDODevice, relyingParty: RelyingParty, origin: String, report: inout Report
    ) async throws -> CredentialRecord {
        let user = PublicKeyCredentialUserEntity(
            id: DeviceCommandSupport.randomBytes(16), name: userName, displayName: userName)
        let (options, state) = relyingParty.startRegistration(user: user)
        var request = RegistrationRequest(
            rpID: options.rpID, userID: options.user.id, userName: options.user.name, challenge: options.challenge)
        request.origin = origin
        request.algorithm = algorithm
        Output.standardError("Registering \(userName) with \(rpID) (origin \(origin))…\n")
        let registration = request
        let result = try await withPIN { (pin) throws(FIDOError) in
            try await key.makeCredential(registration, pin: pin)
        }
        let record = try relyingParty.finishRegistration(
            try RegistrationResponseJSON(jsonBytes: result.jsonBytes()), state: state)
        report.credentialID = record.id
        report.algorithm = record.publicKey.algorithm.description
        report.attestationFormat = record.attestationFormat ?? "none"
        report.attestationType = record.attestationType?.rawValue ?? "none"
        report.attestationTrusted = record.attestationTrusted ?? false
        report.signCounts.append(record.signCount)
        return record
    }

    private func signIn(
        _ key: FIDODevice, relyingParty: RelyingParty, origin: String, record: CredentialRecord, round: Int,
        report: inout Report
    ) async throws -> CredentialRecord {
        let (options, state) = relyingParty.startAuthentication(
            allowCredentials: [PublicKeyCredentialDescriptor(id: record.id)])
        var request = AssertionRequest(rpID: options.rpID, challenge: options.challenge)
        request.origin = origin
        request.allowCredentials = [record.id]
        Output.standardError("Signing in (\(round) of \(signIns))…\n")
        let assertionRequest = request
        let results = try await withPIN { (pin) throws(FIDOError) in
            try await key.getAssertion(assertionRequest, pin: pin)
        }
        guard let assertion = results.first else { throw CommandFailure("the key returned no assertion") }
        let verified = try relyingParty.finishAuthentication(
            try AuthenticationResponseJSON(jsonBytes: assertion.jsonBytes()), state: state, credential: record)
        if verified.counterRegressed {
            throw CommandFailure(
                "the key's signature counter went from \(record.signCount) to \(verified.record.signCount): "
                    + "a sign that the credential may have been cloned")
        }
        report.signCounts.append(verified.record.signCount)
        return verified.record
    }

    private func print(_ report: Report) {
        if json {
            var object = JSONObject()
            object["authenticator"] = .string(report.authenticator)
            object["rpId"] = .string(rpID)
            object["origin"] = .string("https://\(rpID)")
            object["user"] = .string(userName)
            object["credentialId"] = .string(Base64URL.encode(report.credentialID))
            object["algorithm"] = .string(report.algorithm)
            object["attestationFormat"] = .string(report.attestationFormat)
            object["attestationType"] = .string(report.attestationType)
            object["attestationTrusted"] = .bool(report.attestationTrusted)
            object["signCounts"] = .array(report.signCounts.map { .number(Double($0)) })
            object["signIns"] = .number(Double(report.signCounts.count - 1))
            DeviceCommandSupport.printJSON(JSONWriter.bytes(.object(object)))
            return
        }
        let first = report.signCounts.first.map(String.init) ?? "0"
        let counts = report.signCounts.dropFirst().map(String.init).joined(separator: ", ")
        let trust = report.attestationTrusted ? "trusted" : "not checked against a trust anchor"
        Output.standardOutput(
            """
            authenticator:  \(report.authenticator)
            relying party:  \(rpID) (origin https://\(rpID)), user \(userName)
            registered:     credential \(Base64URL.encode(report.credentialID)), \(report.algorithm), \
            \(report.attestationFormat) attestation (\(report.attestationType), \(trust)), verified
            signed in:      \(report.signCounts.count - 1) times, each verified; signature counter \(first) at \
            registration, then \(counts)

            """)
    }
}

/// `keybridge attestation-root`: prints the software authenticator's attestation root certificate, so that a
/// verifier elsewhere (another relying party, a CI job) can trust its attestations.
struct AttestationRootCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "attestation-root",
        abstract: "Print the software authenticator's attestation root certificate (PEM).",
        usage: "keybridge attestation-root --virtual STATEFILE",
        discussion: "Pass the file to `keybridge verify registration --trust-anchor FILE`.",
        options: [
            .single("virtual", "STATEFILE", required: true, help: "The software authenticator's state file.")
        ])

    let stateFile: String

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        stateFile = try arguments.required("virtual")
        guard !stateFile.isEmpty else { throw ValidationError("--virtual must not be empty") }
    }

    func run() async throws -> ExitCode {
        let authenticator = try VirtualAuthenticator(stateFile: stateFile)
        Output.standardOutput(authenticator.exportRootPEM())
        return .success
    }
}
