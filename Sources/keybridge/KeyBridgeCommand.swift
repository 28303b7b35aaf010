import Foundation

/// `keybridge`: security keys from the command line, and the WebAuthn verifier for scripts.
@main
struct KeyBridgeCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "keybridge",
        abstract: "Hardware security keys, WebAuthn verification and MFA, from the command line.",
        usage: "keybridge <subcommand> [options]",
        subcommands: [
            VerifyCommand.self, DevicesCommand.self, InfoCommand.self, RegisterCommand.self, AuthenticateCommand.self,
            PINCommand.self, ResetCommand.self, CredentialsCommand.self, UdevRulesCommand.self, DemoCommand.self,
            AttestationRootCommand.self, TOTPCommand.self, MFACommand.self, RecordCommand.self, ReplayCommand.self, VersionCommand.self,
        ])

    init(arguments: ParsedArguments) throws(ValidationError) {}

    func run() async throws -> ExitCode {
        Output.standardError(Self.helpText)
        return .usage
    }

    static func main() async {
        let code = await dispatch(Array(CommandLine.arguments.dropFirst()))
        exit(code.rawValue)
    }

    /// Finds the subcommand the words name, parses its options, validates and runs it.
    static func dispatch(_ words: [String]) async -> ExitCode {
        var command: any Command.Type = KeyBridgeCommand.self
        var rest = words[...]
        var path = ["keybridge"]
        // Options a command group declares may come before its subcommand (`keybridge mfa --db FILE methods
        // alice`); they are carried over to the subcommand, which declares them too.
        var carried: [String] = []
        while true {
            while let word = rest.first, word.hasPrefix("--"), !command.configuration.subcommands.isEmpty,
                let spec = command.configuration.options.first(where: {
                    word == "--\($0.name)" || word.hasPrefix("--\($0.name)=")
                })
            {
                carried.append(word)
                rest = rest.dropFirst()
                if spec.kind != .flag, !word.contains("="), let value = rest.first {
                    carried.append(value)
                    rest = rest.dropFirst()
                }
            }
            guard let next = rest.first,
                let sub = command.configuration.subcommands.first(where: { $0.configuration.commandName == next })
            else { break }
            command = sub
            path.append(next)
            rest = rest.dropFirst()
        }
        rest = carried[...] + rest
        if rest.contains("--help") || rest.first == "help" {
            Output.standardOutput(command.helpText)
            return .success
        }
        if !command.configuration.subcommands.isEmpty {
            if let unknown = rest.first {
                Output.standardError("error: unknown subcommand '\(unknown)' for '\(path.joined(separator: " "))'\n\n")
            }
            Output.standardError(command.helpText)
            return .usage
        }
        do {
            let parsed = try ArgumentReader.parse(Array(rest), specs: command.configuration.options)
            var instance = try command.init(arguments: parsed)
            try instance.validate()
            return try await instance.run()
        } catch let error as ValidationError {
            Output.standardError("error: \(error.message)\n")
            Output.standardError("see '\(path.joined(separator: " ")) --help'\n")
            return .usage
        } catch {
            Output.standardError("error: \(error)\n")
            return .failure
        }
    }
}

/// `keybridge version`.
struct VersionCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the KeyBridge version.", usage: "keybridge version")
    static let version = "0.1.0"

    init(arguments: ParsedArguments) throws(ValidationError) {
        if let extra = arguments.positionals.first { throw ValidationError("unexpected argument '\(extra)'") }
    }

    func run() async throws -> ExitCode {
        Output.standardOutput("keybridge \(Self.version)\n")
        return .success
    }
}

/// Where the commands write. One place, so nothing secret is ever printed by accident elsewhere.
enum Output {
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Reads all of standard input, up to `limit` bytes. Returns nil when the input is larger.
    static func readStandardInput(limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        let handle = FileHandle.standardInput
        while true {
            let chunk = handle.readData(ofLength: 64 * 1024)
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
            if bytes.count > limit { return nil }
        }
        return bytes
    }
}
