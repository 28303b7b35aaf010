import Foundation
@_spi(ExpertsOnly) import WebAuthn

/// `keybridge verify`: the WebAuthn relying-party checks, for scripts and other tools.
struct VerifyCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a WebAuthn response read from stdin.",
        usage: "keybridge verify <registration|authentication> [options] < RESPONSE.json",
        discussion: """
            Exit 0: stdout is the credential record (JSON). Exit 1: the response was rejected, and stdout is
            {"error": CODE, "message": TEXT}. Exit 64: the command line was wrong.
            """,
        subcommands: [VerifyRegistrationCommand.self, VerifyAuthenticationCommand.self])

    init(arguments: ParsedArguments) throws(ValidationError) {}

    func run() async throws -> ExitCode {
        Output.standardError(Self.helpText)
        return .usage
    }
}

/// The options `verify registration` and `verify authentication` share, and what they do with them.
struct CeremonyOptions: Sendable {
    static let specs: [OptionSpec] = [
        .single("rp-id", "RPID", required: true, help: "The relying party ID (a domain, e.g. example.org)."),
        .repeated("origin", "ORIGIN", required: true, help: "An allowed origin (e.g. https://example.org)."),
        .single("challenge", "B64URL", required: true, help: "The challenge sent to the client, base64url."),
        .flag("require-user-verification", help: "Refuse responses without the UV flag."),
        .flag("allow-cross-origin", help: "Accept clientDataJSON.crossOrigin = true."),
        .repeated("top-origin", "ORIGIN", help: "An allowed top-level origin for cross-origin responses."),
        .single("time", "UNIXSECONDS", help: "The clock for every time check (default: now)."),
    ]

    /// The largest response read from stdin.
    static let maximumInputSize = 1 << 20

    let rpID: String
    let origins: [String]
    let challenge: [UInt8]
    let requireUserVerification: Bool
    let allowCrossOrigin: Bool
    let topOrigins: [String]
    let clock: WebAuthnClock

    init(_ arguments: ParsedArguments) throws(ValidationError) {
        rpID = try arguments.required("rp-id")
        guard !rpID.isEmpty else { throw ValidationError("--rp-id must not be empty") }
        origins = arguments.all("origin")
        let challengeText = try arguments.required("challenge")
        do {
            challenge = try Base64URL.decode(challengeText)
        } catch {
            throw ValidationError("--challenge is not base64url: \(error.reason)")
        }
        guard !challenge.isEmpty else { throw ValidationError("--challenge must not be empty") }
        requireUserVerification = arguments.flag("require-user-verification")
        allowCrossOrigin = arguments.flag("allow-cross-origin")
        topOrigins = arguments.all("top-origin")
        if let time = arguments.value("time") {
            guard let seconds = Int64(time), seconds >= 0 else {
                throw ValidationError("--time must be a whole number of seconds since 1970, not '\(time)'")
            }
            clock = .fixed(seconds)
        } else {
            clock = .system
        }
        if let extra = arguments.positionals.first { throw ValidationError("unexpected argument '\(extra)'") }
    }

    /// A relying party configured from the options.
    func relyingParty(attestationVerifier: AttestationVerifier = AttestationVerifier()) -> RelyingParty {
        var configuration = RelyingParty.Configuration(rpID: rpID, rpName: rpID, allowedOrigins: origins)
        configuration.allowCrossOrigin = allowCrossOrigin
        configuration.allowedTopOrigins = topOrigins
        configuration.userVerification = requireUserVerification ? .required : .preferred
        configuration.attestationVerifier = attestationVerifier
        configuration.clock = clock
        return RelyingParty(configuration: configuration)
    }

    /// The ceremony's expiry: the response is verified now, so the state lives for the configured timeout.
    func expiry(of relyingParty: RelyingParty) -> Int64 {
        clock.now() + relyingParty.configuration.timeoutSeconds
    }

    /// Reads the response from stdin, runs `verify`, and prints the record or the rejection.
    static func respond(_ verify: ([UInt8]) throws(WebAuthnError) -> CredentialRecord) -> ExitCode {
        guard let input = Output.readStandardInput(limit: maximumInputSize) else {
            return reject(WebAuthnError(.malformedInput, "the response on stdin is larger than \(maximumInputSize) bytes"))
        }
        do {
            let record = try verify(input)
            Output.standardOutput(record.jsonString() + "\n")
            return .success
        } catch {
            return reject(error)
        }
    }

    /// Prints `{"error": CODE, "message": TEXT}` to stdout; the rejection exit status.
    static func reject(_ error: WebAuthnError) -> ExitCode {
        let body = JSONValue.object(JSONObject([
            ("error", .string(error.code.rawValue)), ("message", .string(error.reason)),
        ]))
        Output.standardOutput(JSONWriter.string(body) + "\n")
        return .failure
    }
}

/// `keybridge verify registration`.
struct VerifyRegistrationCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "registration",
        abstract: "Verify a RegistrationResponseJSON (WebAuthn L3 §7.1) from stdin.",
        usage: """
            keybridge verify registration --rp-id RPID --origin ORIGIN [--origin ORIGIN ...] --challenge B64URL
                [--require-user-verification] [--trust-anchor PEMFILE ...] [--require-trusted-attestation]
                [--allow-cross-origin] [--top-origin ORIGIN ...] [--time UNIXSECONDS]  < RegistrationResponseJSON
            """,
        discussion: "Exit 0 prints the credential record to store; exit 1 prints {\"error\", \"message\"}.",
        options: CeremonyOptions.specs + [
            .repeated("trust-anchor", "PEMFILE", help: "A PEM file of attestation root certificates."),
            .flag("require-trusted-attestation", help: "Refuse attestations that do not chain to a trust anchor."),
        ])

    let options: CeremonyOptions
    let trustAnchors: TrustAnchorStore
    let requireTrustedAttestation: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try CeremonyOptions(arguments)
        var store = TrustAnchorStore()
        for path in arguments.all("trust-anchor") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read --trust-anchor \(path)")
            }
            do {
                try store.add(pem: String(decoding: data, as: UTF8.self))
            } catch {
                throw ValidationError("--trust-anchor \(path): \(error.reason)")
            }
        }
        trustAnchors = store
        requireTrustedAttestation = arguments.flag("require-trusted-attestation")
    }

    func run() async throws -> ExitCode {
        let verifier: AttestationVerifier
        if requireTrustedAttestation {
            verifier = AttestationVerifier(trustAnchors: trustAnchors) { RequireTrustedAttestation() }
        } else {
            verifier = AttestationVerifier(trustAnchors: trustAnchors)
        }
        let relyingParty = options.relyingParty(attestationVerifier: verifier)
        let state = RegistrationState(
            challenge: options.challenge, rpID: options.rpID, allowedOrigins: options.origins,
            requireUserVerification: options.requireUserVerification, allowCrossOrigin: options.allowCrossOrigin,
            allowedTopOrigins: options.topOrigins, expiresAt: options.expiry(of: relyingParty))
        return CeremonyOptions.respond { input throws(WebAuthnError) in
            let response = try RegistrationResponseJSON(jsonBytes: input)
            return try relyingParty.finishRegistration(response, state: state)
        }
    }
}

/// `keybridge verify authentication`.
struct VerifyAuthenticationCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "authentication",
        abstract: "Verify an AuthenticationResponseJSON (WebAuthn L3 §7.2) from stdin against a stored record.",
        usage: """
            keybridge verify authentication --rp-id RPID --origin ORIGIN [--origin ...] --challenge B64URL
                --credential RECORDFILE [--require-user-verification] [--allow-cross-origin] [--top-origin ORIGIN ...]
                < AuthenticationResponseJSON
            """,
        discussion: """
            RECORDFILE is a record printed by `verify registration` (only id, publicKey and signCount are required).
            Exit 0 prints the record with signCount updated; exit 1 prints {"error", "message"}.
            """,
        options: CeremonyOptions.specs + [
            .single("credential", "RECORDFILE", required: true, help: "The stored credential record (JSON).")
        ])

    let options: CeremonyOptions
    let record: CredentialRecord

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try CeremonyOptions(arguments)
        let path = try arguments.required("credential")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read --credential \(path)")
        }
        do {
            record = try CredentialRecord(jsonBytes: Array(data))
        } catch {
            throw ValidationError("--credential \(path) is not a credential record: \(error.code.rawValue): \(error.reason)")
        }
    }

    func run() async throws -> ExitCode {
        let relyingParty = options.relyingParty()
        let state = AuthenticationState(
            challenge: options.challenge, rpID: options.rpID, allowedOrigins: options.origins,
            requireUserVerification: options.requireUserVerification, allowCrossOrigin: options.allowCrossOrigin,
            allowedTopOrigins: options.topOrigins, allowCredentials: [record.id],
            expiresAt: options.expiry(of: relyingParty))
        let record = self.record
        return CeremonyOptions.respond { input throws(WebAuthnError) in
            let response = try AuthenticationResponseJSON(jsonBytes: input)
            return try relyingParty.finishAuthentication(response, state: state, credential: record).record
        }
    }
}
