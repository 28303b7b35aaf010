import Foundation
import OneTimeCodes

/// `keybridge totp`: authenticator-app codes from the command line.
struct TOTPCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "totp",
        abstract: "Compute authenticator-app (TOTP, RFC 6238) codes.",
        usage: "keybridge totp code [options]",
        subcommands: [TOTPCodeCommand.self])

    init(arguments: ParsedArguments) throws(ValidationError) {}

    func run() async throws -> ExitCode {
        Output.standardError(Self.helpText)
        return .usage
    }
}

/// `keybridge totp code`: prints the code an authenticator app shows for a secret, on one line.
struct TOTPCodeCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Print the current TOTP code of a Base32 secret on one line.",
        usage: """
            keybridge totp code (--secret BASE32 | --secret - | --secret-file FILE) [--algorithm SHA1|SHA256|SHA512]
                [--digits N] [--period S] [--time UNIX]
            """,
        discussion: """
            `--secret -` reads the secret from stdin's first line and --secret-file from a file: prefer either, since
            other users of the machine can read a process's arguments. A secret given on the command line is used,
            with a warning on stderr. Defaults: SHA1, 6 digits, 30 seconds, the current time.
            """,
        options: [
            .single("secret", "BASE32", help: "The shared secret in Base32 (spaces and lower case allowed), or - for stdin."),
            .single("secret-file", "FILE", help: "A file whose first line is the Base32 secret."),
            .single("algorithm", "NAME", help: "SHA1 (default), SHA256 or SHA512."),
            .single("digits", "N", help: "6 (default), 7 or 8."),
            .single("period", "S", help: "The time step in seconds, 1 to 86400 (default 30)."),
            .single("time", "UNIX", help: "The time in Unix seconds (default: now)."),
        ])

    enum SecretSource: Sendable {
        case argument(String)
        case standardInput
        case file(String)
    }

    let source: SecretSource
    let configuration: TOTPConfiguration
    let time: Int64?

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        switch (arguments.value("secret"), arguments.value("secret-file")) {
        case (.some, .some): throw ValidationError("give the secret once: --secret or --secret-file")
        case (.none, .none): throw ValidationError("missing --secret BASE32, --secret - or --secret-file FILE")
        case (.some("-"), .none): source = .standardInput
        case (.some(let text), .none): source = .argument(text)
        case (.none, .some(let path)): source = .file(path)
        }
        var configuration = TOTPConfiguration()
        if let name = arguments.value("algorithm") {
            guard let algorithm = OTPAlgorithm(keyURIName: name) else {
                throw ValidationError("--algorithm must be SHA1, SHA256 or SHA512, not '\(name)'")
            }
            configuration.algorithm = algorithm
        }
        if let text = arguments.value("digits") {
            guard let digits = Int(text), (6...8).contains(digits) else {
                throw ValidationError("--digits must be 6, 7 or 8, not '\(text)'")
            }
            configuration.digits = digits
        }
        if let text = arguments.value("period") {
            guard let period = Int64(text), (1...86_400).contains(period) else {
                throw ValidationError("--period must be a whole number of seconds from 1 to 86400, not '\(text)'")
            }
            configuration.period = period
        }
        if let text = arguments.value("time") {
            guard let time = Int64(text), time >= 0 else {
                throw ValidationError("--time must be a whole number of Unix seconds, 0 or more, not '\(text)'")
            }
            self.time = time
        } else {
            time = nil
        }
        self.configuration = configuration
    }

    func run() async throws -> ExitCode {
        let text: String
        switch source {
        case .argument(let value):
            Output.standardError(
                "warning: a secret on the command line is visible to other users; prefer --secret - or --secret-file\n")
            text = value
        case .standardInput:
            guard let bytes = Output.readStandardInput(limit: 4096) else {
                throw CommandFailure("the secret on stdin is longer than 4096 bytes")
            }
            text = Self.firstLine(bytes)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure("cannot read the secret file \(path)")
            }
            text = Self.firstLine(Array(data.prefix(4096)))
        }
        let secret: OTPSecret
        do {
            secret = try OTPSecret(uncheckedBytes: try Base32.decode(text))
        } catch {
            throw CommandFailure("the secret is not usable Base32: \(error.reason) (code \(error.code))")
        }
        let generator = try TOTP(secret: secret, configuration: configuration)
        let now = time ?? Int64(Date().timeIntervalSince1970)
        Output.standardOutput(try generator.code(at: now) + "\n")
        return .success
    }

    private static func firstLine(_ bytes: [UInt8]) -> String {
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return String(decoding: line, as: UTF8.self)
    }
}
