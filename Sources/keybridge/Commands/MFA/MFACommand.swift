import Foundation
import MFA
import OneTimeCodes
import WebAuthn

/// `keybridge mfa`: the MFA method registry's admin command line over an SQLite database.
struct MFACommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "mfa",
        abstract: "Administer the MFA method registry (accounts, TOTP, SMS, recovery codes, sign-in decisions).",
        usage: "keybridge mfa --db FILE <subcommand> [options]",
        discussion: """
            The database is created (with its schema) on first use. The server key that seals TOTP secrets and
            hashes codes lives in --key-file (default FILE.key, created with mode 0600 when missing); SMS codes and
            notifications go to outbox files beside the database (FILE.sms.jsonl, FILE.notifications.jsonl) unless
            named. Codes and trusted-device tokens are read from the terminal or stdin, never from the command line.
            """,
        options: MFAOptions.specs,
        subcommands: [
            MFAAddAccountCommand.self, MFAMethodsCommand.self, MFAEnrollTOTPCommand.self, MFAEnrollSMSCommand.self,
            MFASendSMSCommand.self, MFASignInCommand.self, MFAVerifyCommand.self, MFARecoveryCodesCommand.self,
            MFARemoveMethodCommand.self, MFAResetCommand.self, MFAChangePhoneCommand.self, MFAUnlockCommand.self,
            MFAPolicyCommand.self, MFAAuditCommand.self,
        ])

    init(arguments: ParsedArguments) throws(ValidationError) {}

    func run() async throws -> ExitCode {
        Output.standardError(Self.helpText)
        return .usage
    }
}

/// The options every `keybridge mfa` subcommand shares, and the registry they open.
struct MFAOptions: Sendable {
    static let specs: [OptionSpec] = [
        .single("db", "FILE", required: true, help: "The SQLite database (created when missing)."),
        .single("key-file", "FILE", help: "The server key file (default FILE.key; created when missing)."),
        .single("sms-outbox", "FILE", help: "Where SMS codes are written (default FILE.sms.jsonl)."),
        .single("notification-outbox", "FILE", help: "Where notifications are written (default FILE.notifications.jsonl)."),
        .single("enforce", "POLICY", help: "all (default), optional, or created-since:UNIXSECONDS."),
        .single("now", "UNIXSECONDS", help: "The registry's clock (for scripts and tests; default: the system clock)."),
        .flag("json", help: "Print JSON on stdout instead of text."),
    ]

    let database: String
    let keyFile: String
    let smsOutbox: String
    let notificationOutbox: String
    let enforcement: MFAEnforcementPolicy
    let now: Int64?
    let json: Bool

    init(_ arguments: ParsedArguments) throws(ValidationError) {
        database = try arguments.required("db")
        guard !database.isEmpty else { throw ValidationError("--db must not be empty") }
        keyFile = arguments.value("key-file") ?? database + ".key"
        smsOutbox = arguments.value("sms-outbox") ?? database + ".sms.jsonl"
        notificationOutbox = arguments.value("notification-outbox") ?? database + ".notifications.jsonl"
        switch arguments.value("enforce") {
        case nil, "all": enforcement = .allAccounts
        case "optional": enforcement = .optional
        case let text?:
            guard text.hasPrefix("created-since:"), let cutoff = Int64(text.dropFirst("created-since:".count)) else {
                throw ValidationError("--enforce must be all, optional or created-since:UNIXSECONDS, not '\(text)'")
            }
            enforcement = .accountsCreated(onOrAfter: cutoff)
        }
        if let text = arguments.value("now") {
            guard let value = Int64(text), value >= 0 else {
                throw ValidationError("--now must be Unix seconds, 0 or more, not '\(text)'")
            }
            now = value
        } else {
            now = nil
        }
        json = arguments.flag("json")
    }

    /// The registry over the database, creating the key file first when it is missing.
    func registry() throws -> MFAMethodRegistry {
        if !FileManager.default.fileExists(atPath: keyFile) {
            _ = try MFAServerKeys.createKeyFile(atPath: keyFile)
            Output.standardError("Created the server key file \(keyFile) (mode 0600). Keep it apart from the database.\n")
        }
        var configuration = MFAMethodRegistry.Configuration()
        configuration.enforcement = enforcement
        var clock: (@Sendable () -> Int64)? = nil
        if let fixed = now { clock = { fixed } }
        return try MFAMethodRegistry(
            databasePath: database, keyFile: keyFile, smsOutboxPath: smsOutbox,
            notificationOutboxPath: notificationOutbox, configuration: configuration, clock: clock)
    }

    /// Prints `object` as JSON, or `text` when --json was not given.
    func emit(_ object: JSONObject, text: @autoclosure () -> String) {
        if json {
            Output.standardOutput(JSONWriter.string(.object(object)) + "\n")
        } else {
            Output.standardOutput(text())
        }
    }
}

/// Reading one-time codes and tokens: never from argv.
enum MFAInput {
    static let codeStdinSpec = OptionSpec.flag(
        "code-stdin", help: "Read the code from stdin (one line) instead of asking on the terminal.")

    /// One line from stdin, or from the terminal after `prompt`.
    static func code(fromStandardInput: Bool, prompt: String) throws -> String {
        if fromStandardInput {
            guard let line = readLine(strippingNewline: true) else {
                throw CommandFailure("expected a code on stdin, found the end of input")
            }
            return line.trimmingCharacters(in: .whitespaces)
        }
        guard let terminal = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            throw CommandFailure("no terminal to ask for the code on; use --code-stdin")
        }
        defer { try? terminal.close() }
        terminal.write(Data(prompt.utf8))
        var bytes: [UInt8] = []
        while true {
            let chunk = terminal.readData(ofLength: 1)
            guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
            if bytes.count < 256 { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The code in the newest message the SMS outbox holds for `phone` (for development set-ups whose gateway is
    /// the outbox).
    static func codeFromOutbox(_ path: String, phone: String) throws -> String {
        let number: PhoneNumber
        do {
            number = try PhoneNumber(phone)
        } catch {
            throw CommandFailure("'\(phone)' is not an E.164 phone number: \(error.reason)")
        }
        let latest: OutboxMessage?
        do {
            latest = try OutboxSMSGateway(path: path).latestMessage(to: number)
        } catch {
            // An unreadable outbox is the set-up's problem, not the registry's: print its code and reason as they
            // are, not as a registry error with a user's message.
            throw CommandFailure(error.description)
        }
        guard let message = latest else {
            throw CommandFailure("the SMS outbox \(path) holds no message to \(number.e164)")
        }
        let digits = message.body.split(whereSeparator: { !$0.isNumber }).first { $0.count >= 6 && $0.count <= 8 }
        guard let digits else { throw CommandFailure("the newest SMS to \(number.e164) holds no code") }
        return String(digits)
    }

    /// A trusted-device token from a file (it is a bearer secret: never on the command line).
    static func deviceToken(file: String?) throws -> String? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read the device token file \(file)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Errors of the registry as the command line shows them: the stable code, the user's message, the reason.
enum MFAFailure {
    static func describe(_ error: MFAError) -> String {
        var text = "\(error.code.rawValue): \(error.userMessage)"
        if error.reason != error.userMessage { text += " (\(error.reason))" }
        return text
    }
}

/// The first positional word: the account.
func accountArgument(_ arguments: ParsedArguments, extra: Int = 0) throws(ValidationError) -> String {
    guard let account = arguments.positionals.first, !account.isEmpty else {
        throw ValidationError("missing ACCOUNT")
    }
    if arguments.positionals.count > 1 + extra {
        throw ValidationError("unexpected argument '\(arguments.positionals[1 + extra])'")
    }
    return account
}

extension MFAMethodSummary {
    /// One line for text output.
    var line: String {
        var parts = ["\(id)", "\(kind)", "\"\(name)\"", "\(state)"]
        if isPreferred { parts.append("preferred") }
        if let maskedPhoneNumber { parts.append(maskedPhoneNumber) }
        if let recoveryCodesRemaining { parts.append("\(recoveryCodesRemaining) codes left") }
        return parts.joined(separator: "  ")
    }

    var jsonValue: JSONValue {
        var object = JSONObject()
        object["id"] = .string(id)
        object["kind"] = .string(kind.rawValue)
        object["name"] = .string(name)
        object["state"] = .string(state.rawValue)
        object["preferred"] = .bool(isPreferred)
        if let maskedPhoneNumber { object["phone"] = .string(maskedPhoneNumber) }
        if let recoveryCodesRemaining { object["recoveryCodesRemaining"] = .integer(recoveryCodesRemaining) }
        object["createdAt"] = .integer(Int(createdAt))
        return .object(object)
    }
}
