import Foundation
import MFA
import OneTimeCodes
import WebAuthn

/// Runs a registry operation, turning its errors into the command line's: the stable code and the user's message.
func withRegistryErrors(_ body: () async throws -> ExitCode) async throws -> ExitCode {
    do {
        return try await body()
    } catch let error as MFAError {
        throw CommandFailure(MFAFailure.describe(error))
    }
}

// MARK: - Accounts and methods

/// `keybridge mfa add-account ACCOUNT [--service-account]`.
struct MFAAddAccountCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "add-account", abstract: "Add an account (interactive, or a service account exempt from MFA).",
        usage: "keybridge mfa --db FILE add-account ACCOUNT [--service-account]",
        options: MFAOptions.specs + [.flag("service-account", help: "A non-interactive account: no MFA prompt.")])

    let options: MFAOptions
    let account: String
    let service: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        service = arguments.flag("service-account")
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let created = try registry.createAccount(id: account, isServiceAccount: service)
            let status = try registry.status(accountID: created.id)
            var object = JSONObject()
            object["account"] = .string(created.id)
            object["serviceAccount"] = .bool(!created.isInteractive)
            object["mfaRequired"] = .bool(status.isMFARequired)
            options.emit(
                object,
                text: "Added \(service ? "service account" : "account") \(created.id). "
                    + (status.isMFARequired
                        ? "MFA is required: it must set up a method at its first sign-in.\n"
                        : "MFA is not required for it.\n"))
            return .success
        }
    }
}

/// `keybridge mfa methods ACCOUNT [--all]`.
struct MFAMethodsCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "methods", abstract: "List an account's MFA methods, and whether a backup is recommended.",
        usage: "keybridge mfa --db FILE methods ACCOUNT [--all] [--json]",
        options: MFAOptions.specs + [.flag("all", help: "Include removed methods.")])

    let options: MFAOptions
    let account: String
    let all: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        all = arguments.flag("all")
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let status = try registry.status(accountID: account)
            let methods = try registry.methods(accountID: account, includeRemoved: all)
            var object = JSONObject()
            object["account"] = .string(account)
            object["serviceAccount"] = .bool(!status.account.isInteractive)
            object["mfaRequired"] = .bool(status.isMFARequired)
            object["mfaEnabled"] = .bool(status.isMFAEnabled)
            object["recommendsBackup"] = .bool(status.recommendsBackup)
            object["consecutiveFailures"] = .integer(status.consecutiveFailures)
            object["methods"] = .array(methods.map(\.jsonValue))
            var text = "\(account): MFA \(status.isMFARequired ? "required" : "not required"), "
                + "\(status.isMFAEnabled ? "enabled" : "not set up")\n"
            for method in methods { text += "  " + method.line + "\n" }
            if methods.isEmpty { text += "  (no methods)\n" }
            if status.recommendsBackup {
                text += "Only one method is active: add a second one (an authenticator app, a phone or recovery codes) "
                    + "so that losing it does not lock the account out.\n"
            }
            options.emit(object, text: text)
            return .success
        }
    }
}

/// `keybridge mfa remove-method ACCOUNT METHODID`.
struct MFARemoveMethodCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "remove-method", abstract: "Remove a method (refused for the last one while MFA is required).",
        usage: "keybridge mfa --db FILE remove-method ACCOUNT METHODID [--admin ID --reason TEXT]",
        options: MFAOptions.specs + MFAActorOptions.specs)

    let options: MFAOptions
    let account: String
    let methodID: String
    let actor: MFAActor

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments, extra: 1)
        guard arguments.positionals.count == 2 else { throw ValidationError("missing METHODID") }
        methodID = arguments.positionals[1]
        actor = try MFAActorOptions.actor(arguments)
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let result = try await options.registry().removeMethod(accountID: account, methodID: methodID, actor: actor)
            var object = JSONObject()
            object["removed"] = .array(result.removedMethodIDs.map { .string($0) })
            object["revokedTrustedDevices"] = .integer(result.revokedTrustedDevices)
            object["recommendsBackup"] = .bool(result.recommendsBackup)
            options.emit(
                object,
                text: "Removed \(result.removedMethodIDs.joined(separator: ", ")); revoked "
                    + "\(result.revokedTrustedDevices) trusted device(s).\n")
            return .success
        }
    }
}

/// `--admin ID --reason TEXT`: who acts, for the audit log.
enum MFAActorOptions {
    static let specs: [OptionSpec] = [
        .single("admin", "ID", help: "Act as this administrator (the support path); needs --reason."),
        .single("reason", "TEXT", help: "Why the administrator acts (recorded in the audit log)."),
    ]

    static func actor(_ arguments: ParsedArguments) throws(ValidationError) -> MFAActor {
        switch (arguments.value("admin"), arguments.value("reason")) {
        case (nil, nil): return .user
        case (let admin?, let reason?):
            guard !admin.isEmpty, !reason.isEmpty else { throw ValidationError("--admin and --reason must not be empty") }
            return .administrator(id: admin, reason: reason)
        default: throw ValidationError("--admin and --reason go together")
        }
    }
}

// MARK: - TOTP

/// `keybridge mfa enroll-totp ACCOUNT`: shows the QR code and the manual key, then asks for the current code.
struct MFAEnrollTOTPCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "enroll-totp",
        abstract: "Enroll an authenticator app: QR code in the terminal, then confirm with its current code.",
        usage: """
            keybridge mfa --db FILE enroll-totp ACCOUNT [--name NAME] [--qr-svg FILE] [--qr-png FILE] [--code-stdin]
            keybridge mfa --db FILE enroll-totp ACCOUNT --no-confirm [--json]     (begin only; prints the method ID)
            keybridge mfa --db FILE enroll-totp ACCOUNT --confirm METHODID [--code-stdin]
            """,
        discussion: """
            The QR code (Unicode half blocks) and the key for manual entry go to stderr with the prompts. The
            enrollment finishes only when a valid current code is entered; a wrong one gets "\(MFAError.wrongCodeMessage)".
            """,
        options: MFAOptions.specs + [
            .single("name", "NAME", help: "A name for the app (default \"Authenticator app\")."),
            .single("qr-svg", "FILE", help: "Also write the QR code as SVG."),
            .single("qr-png", "FILE", help: "Also write the QR code as PNG."),
            .flag("no-confirm", help: "Begin only: print the method ID, URI and key, and stop."),
            .single("confirm", "METHODID", help: "Confirm an enrollment begun with --no-confirm."),
            MFAInput.codeStdinSpec,
        ])

    let options: MFAOptions
    let account: String
    let name: String?
    let svgPath: String?
    let pngPath: String?
    let beginOnly: Bool
    let confirmMethodID: String?
    let codeFromStandardInput: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        name = arguments.value("name")
        svgPath = arguments.value("qr-svg")
        pngPath = arguments.value("qr-png")
        beginOnly = arguments.flag("no-confirm")
        confirmMethodID = arguments.value("confirm")
        codeFromStandardInput = arguments.flag("code-stdin")
        if beginOnly && confirmMethodID != nil { throw ValidationError("--no-confirm and --confirm exclude each other") }
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let methodID: String
            if let confirmMethodID {
                methodID = confirmMethodID
            } else {
                let enrollment = try registry.beginTOTPEnrollment(accountID: account, name: name ?? "Authenticator app")
                methodID = enrollment.methodID
                try show(enrollment)
                if beginOnly {
                    var object = JSONObject()
                    object["methodId"] = .string(enrollment.methodID)
                    object["uri"] = .string(enrollment.uriString)
                    object["secret"] = .string(enrollment.manualEntrySecret)
                    options.emit(object, text: "\(enrollment.methodID)\n")
                    return .success
                }
            }
            // Three tries at the terminal; one from stdin.
            let attempts = codeFromStandardInput ? 1 : 3
            for attempt in 1...attempts {
                let code = try MFAInput.code(
                    fromStandardInput: codeFromStandardInput, prompt: "Enter the 6-digit code the app shows: ")
                do {
                    let result = try await registry.confirmTOTPEnrollment(accountID: account, methodID: methodID, code: code)
                    report(result, options: options)
                    return .success
                } catch let error as MFAError where error.code == .codeNotValid && attempt < attempts {
                    Output.standardError(MFAError.wrongCodeMessage + "\n")
                }
            }
            return .failure
        }
    }

    private func show(_ enrollment: TOTPEnrollment) throws {
        Output.standardError(
            """
            Scan this QR code with the authenticator app:

            \(enrollment.qrCode.terminalString())
            Or enter this key by hand: \(enrollment.manualEntrySecret)
            (\(enrollment.configuration.algorithm), \(enrollment.configuration.digits) digits, \
            every \(enrollment.configuration.period) seconds)

            """)
        if let svgPath {
            try Data(enrollment.qrCode.svg().utf8).write(to: URL(fileURLWithPath: svgPath))
            Output.standardError("Wrote the QR code to \(svgPath).\n")
        }
        if let pngPath {
            try Data(enrollment.qrCode.png()).write(to: URL(fileURLWithPath: pngPath))
            Output.standardError("Wrote the QR code to \(pngPath).\n")
        }
    }
}

/// Prints an enrollment's outcome, with the backup nudge.
func report(_ result: EnrollmentResult, options: MFAOptions) {
    var object = JSONObject()
    object["method"] = result.method.jsonValue
    object["mfaEnabled"] = .bool(result.enabledMFA)
    object["recommendsBackup"] = .bool(result.recommendsBackup)
    var text = "Enrolled: \(result.method.line)\n"
    if result.enabledMFA { text += "MFA is now on for this account.\n" }
    if result.recommendsBackup {
        text += "Add a second method (another app, a phone, or recovery codes) so that losing this one does not "
            + "lock the account out.\n"
    }
    if let failure = result.notificationFailure {
        text += "warning: the notification could not be sent: \(failure)\n"
    }
    options.emit(object, text: text)
}

// MARK: - SMS

/// `keybridge mfa enroll-sms ACCOUNT --phone NUMBER`.
struct MFAEnrollSMSCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "enroll-sms", abstract: "Enroll a phone: a code is sent to it, then confirmed.",
        usage: "keybridge mfa --db FILE enroll-sms ACCOUNT --phone +E164 [--name NAME] [--code-stdin | --code-from-outbox]",
        discussion: "--code-from-outbox reads the code from the SMS outbox file (the embedded, development gateway).",
        options: MFAOptions.specs + [
            .single("phone", "NUMBER", required: true, help: "The number in E.164 form, e.g. +14155550100."),
            .single("name", "NAME", help: "A name for the phone (default \"Phone\")."),
        ] + SMSCodeSource.specs)

    let options: MFAOptions
    let account: String
    let phone: String
    let name: String
    let codeSource: SMSCodeSource

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        phone = try arguments.required("phone")
        name = arguments.value("name") ?? "Phone"
        codeSource = try SMSCodeSource(arguments)
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let enrollment = try await registry.beginSMSEnrollment(accountID: account, phoneNumber: phone, name: name)
            Output.standardError("Sent a code to \(enrollment.codeSent.maskedPhoneNumber).\n")
            let code = try codeSource.code(
                outbox: options.smsOutbox, phone: phone, prompt: "Enter the code from the text message: ")
            let result = try await registry.confirmSMSEnrollment(
                accountID: account, challengeID: enrollment.codeSent.challengeID, code: code)
            report(result, options: options)
            return .success
        }
    }
}

/// Where an SMS code comes from: typed at the terminal, a line of stdin, or the SMS outbox.
struct SMSCodeSource: Sendable {
    static let specs: [OptionSpec] = [
        MFAInput.codeStdinSpec,
        .flag("code-from-outbox", help: "Take the code from the SMS outbox instead of asking."),
    ]

    let fromStandardInput: Bool
    let fromOutbox: Bool

    init(_ arguments: ParsedArguments) throws(ValidationError) {
        fromStandardInput = arguments.flag("code-stdin")
        fromOutbox = arguments.flag("code-from-outbox")
        if fromStandardInput && fromOutbox {
            throw ValidationError("--code-stdin and --code-from-outbox exclude each other")
        }
    }

    /// The code sent to `phone`.
    func code(outbox: String, phone: String, prompt: String) throws -> String {
        fromOutbox
            ? try MFAInput.codeFromOutbox(outbox, phone: phone)
            : try MFAInput.code(fromStandardInput: fromStandardInput, prompt: prompt)
    }
}

/// `keybridge mfa send-sms ACCOUNT`: sends a sign-in code; prints the challenge ID `verify --sms` needs.
struct MFASendSMSCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "send-sms", abstract: "Send a sign-in code by SMS (or resend one); print its challenge ID.",
        usage: "keybridge mfa --db FILE send-sms ACCOUNT [--method METHODID] [--resend CHALLENGEID]",
        options: MFAOptions.specs + [
            .single("method", "METHODID", help: "The phone to use (default: the preferred or first active one)."),
            .single("resend", "CHALLENGEID", help: "Resend a code for this challenge (after the cooldown)."),
        ])

    let options: MFAOptions
    let account: String
    let methodID: String?
    let resend: String?

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        methodID = arguments.value("method")
        resend = arguments.value("resend")
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let sent = if let resend {
                try await registry.resendSMSCode(accountID: account, challengeID: resend)
            } else {
                try await registry.sendSignInSMSCode(accountID: account, methodID: methodID)
            }
            var object = JSONObject()
            object["challengeId"] = .string(sent.challengeID)
            object["methodId"] = .string(sent.methodID)
            object["phone"] = .string(sent.maskedPhoneNumber)
            object["expiresAt"] = .integer(Int(sent.expiresAt))
            object["resendAvailableAt"] = .integer(Int(sent.resendAvailableAt))
            options.emit(object, text: "\(sent.challengeID)\n")
            Output.standardError("Sent a code to \(sent.maskedPhoneNumber).\n")
            return .success
        }
    }
}

/// `keybridge mfa change-phone ACCOUNT --method METHODID --phone NEW`: the old number stays until the new one is
/// confirmed with a code sent to it.
struct MFAChangePhoneCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "change-phone", abstract: "Move an SMS method to a new number, confirmed by a code sent there.",
        usage: """
            keybridge mfa --db FILE change-phone ACCOUNT --method METHODID --phone +E164 [--code-stdin | --code-from-outbox]
            """,
        options: MFAOptions.specs + [
            .single("method", "METHODID", required: true, help: "The SMS method."),
            .single("phone", "NUMBER", required: true, help: "The new number in E.164 form."),
        ] + SMSCodeSource.specs)

    let options: MFAOptions
    let account: String
    let methodID: String
    let phone: String
    let codeSource: SMSCodeSource

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        methodID = try arguments.required("method")
        phone = try arguments.required("phone")
        codeSource = try SMSCodeSource(arguments)
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let sent = try await registry.beginPhoneNumberChange(
                accountID: account, methodID: methodID, newPhoneNumber: phone)
            Output.standardError("Sent a code to the new number \(sent.maskedPhoneNumber); the old one stays active until it is confirmed.\n")
            let code = try codeSource.code(
                outbox: options.smsOutbox, phone: phone, prompt: "Enter the code sent to the new number: ")
            let result = try await registry.confirmPhoneNumberChange(
                accountID: account, challengeID: sent.challengeID, code: code)
            var object = JSONObject()
            object["method"] = result.method.jsonValue
            object["revokedTrustedDevices"] = .integer(result.revokedTrustedDevices)
            options.emit(
                object,
                text: "The phone number is changed: \(result.method.line); revoked \(result.revokedTrustedDevices) "
                    + "trusted device(s).\n")
            return .success
        }
    }
}

// MARK: - Sign-in

/// Where a sign-in comes from: `--device-token-file`, `--ip`.
enum MFAContextOptions {
    static let specs: [OptionSpec] = [
        .single("device-token-file", "FILE", help: "A file holding the device's trusted-device token."),
        .single("ip", "ADDRESS", help: "The client's IP address (for the IP lists and GeoIP)."),
    ]

    static func context(_ arguments: ParsedArguments) throws -> SignInContext {
        var context = SignInContext()
        context.deviceToken = try MFAInput.deviceToken(file: arguments.value("device-token-file"))
        if let text = arguments.value("ip") {
            do {
                context.ipAddress = try IPAddress(parsing: text)
            } catch {
                throw CommandFailure("--ip '\(text)' is not an IP address")
            }
        }
        return context
    }
}

/// `keybridge mfa sign-in ACCOUNT`: the decision after a correct password (allow, challenge, enrollment required).
struct MFASignInCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "sign-in",
        abstract: "Decide a sign-in after the password: allow, MFA challenge, or enrollment required.",
        usage: "keybridge mfa --db FILE sign-in ACCOUNT [--device-token-file FILE] [--ip ADDRESS] [--json]",
        discussion: "Exit 0 for allow, 2 for a challenge, 3 when a method must be set up first.",
        options: MFAOptions.specs + MFAContextOptions.specs)

    let options: MFAOptions
    let account: String
    let arguments: ParsedArguments

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        self.arguments = arguments
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let decision = try options.registry().signIn(
                accountID: account, context: try MFAContextOptions.context(arguments))
            var object = JSONObject()
            object["decision"] = .string(decision.outcome)
            object["explanation"] = .string(decision.explanation)
            if case .challenge(let challenge) = decision {
                object["methods"] = .array(challenge.methods.map(\.jsonValue))
                object["risk"] = .array(challenge.riskCodes.map { .string($0) })
            }
            options.emit(object, text: "\(decision.outcome): \(decision.explanation)\n")
            switch decision {
            case .allow: return .success
            case .challenge: return ExitCode(rawValue: 2)
            case .enrollmentRequired: return ExitCode(rawValue: 3)
            }
        }
    }
}

/// `keybridge mfa verify ACCOUNT --totp|--sms CHALLENGEID|--recovery`: completes a challenged sign-in.
struct MFAVerifyCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a second-factor code for a challenged sign-in; issue a trusted-device token.",
        usage: """
            keybridge mfa --db FILE verify ACCOUNT (--totp | --sms CHALLENGEID | --recovery) [--code-stdin]
                [--remember-device FILE] [--device-token-file FILE] [--ip ADDRESS]
            """,
        discussion: """
            With --remember-device, the trusted-device token (valid 5 days) is written to FILE (mode 0600): present
            it with --device-token-file to skip the prompt until then, unless a risk signal fires.
            """,
        options: MFAOptions.specs + MFAContextOptions.specs + [
            .flag("totp", help: "An authenticator-app code."),
            .single("sms", "CHALLENGEID", help: "The code of this SMS challenge (from send-sms)."),
            .flag("recovery", help: "A recovery code."),
            .single("remember-device", "FILE", help: "Write the trusted-device token to FILE."),
            MFAInput.codeStdinSpec,
        ])

    enum Kind: Sendable { case totp, sms(String), recovery }

    let options: MFAOptions
    let account: String
    let kind: Kind
    let rememberFile: String?
    let codeFromStandardInput: Bool
    let arguments: ParsedArguments

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        var kinds: [Kind] = []
        if arguments.flag("totp") { kinds.append(.totp) }
        if let challenge = arguments.value("sms") { kinds.append(.sms(challenge)) }
        if arguments.flag("recovery") { kinds.append(.recovery) }
        guard kinds.count == 1, let kind = kinds.first else {
            throw ValidationError("give exactly one of --totp, --sms CHALLENGEID, --recovery")
        }
        self.kind = kind
        rememberFile = arguments.value("remember-device")
        codeFromStandardInput = arguments.flag("code-stdin")
        self.arguments = arguments
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let registry = try options.registry()
            let code = try MFAInput.code(fromStandardInput: codeFromStandardInput, prompt: "Code: ")
            let proof: SecondFactorProof
            switch kind {
            case .totp: proof = .totp(code: code)
            case .sms(let challenge): proof = .sms(challengeID: challenge, code: code)
            case .recovery: proof = .recoveryCode(code)
            }
            let completion = try await registry.completeSignIn(
                accountID: account, proof: proof, context: try MFAContextOptions.context(arguments),
                rememberDevice: rememberFile != nil)
            if let rememberFile, let token = completion.trustedDeviceToken {
                guard FileManager.default.createFile(
                    atPath: rememberFile, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
                else { throw CommandFailure("cannot write the trusted-device token to \(rememberFile)") }
            }
            var object = JSONObject()
            object["verified"] = .bool(true)
            object["methodId"] = .string(completion.methodID)
            object["kind"] = .string(completion.methodKind.rawValue)
            if let expires = completion.trustedDeviceExpiresAt { object["trustedDeviceExpiresAt"] = .integer(Int(expires)) }
            if let left = completion.recoveryCodesRemaining { object["recoveryCodesRemaining"] = .integer(left) }
            var text = "Verified with \(completion.methodKind) \(completion.methodID).\n"
            if let expires = completion.trustedDeviceExpiresAt, let rememberFile {
                text += "This device is trusted until \(expires) (Unix time); its token is in \(rememberFile).\n"
            }
            if let left = completion.recoveryCodesRemaining { text += "\(left) recovery codes left.\n" }
            options.emit(object, text: text)
            return .success
        }
    }
}

// MARK: - Recovery, reset, unlock

/// `keybridge mfa recovery-codes ACCOUNT`: ten new single-use codes; the old set stops working.
struct MFARecoveryCodesCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "recovery-codes", abstract: "Generate ten recovery codes (shown once; the old set stops working).",
        usage: "keybridge mfa --db FILE recovery-codes ACCOUNT [--json]", options: MFAOptions.specs)

    let options: MFAOptions
    let account: String

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let issued = try await options.registry().generateRecoveryCodes(accountID: account)
            var object = JSONObject()
            object["methodId"] = .string(issued.methodID)
            object["codes"] = .array(issued.codes.map { .string($0) })
            object["replacedPreviousSet"] = .bool(issued.replacedPreviousSet)
            options.emit(object, text: issued.codes.joined(separator: "\n") + "\n")
            Output.standardError(
                "Store these codes somewhere safe: each works once, and they are not shown again."
                    + (issued.replacedPreviousSet ? " The previous codes no longer work." : "") + "\n")
            return .success
        }
    }
}

/// `keybridge mfa reset ACCOUNT`: every method goes; the account re-enrolls at its next sign-in.
struct MFAResetCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Reset MFA: remove every method and trusted device; notify the account.",
        usage: "keybridge mfa --db FILE reset ACCOUNT [--admin ID --reason TEXT]",
        discussion: "Without --admin the user resets their own MFA; with it, support does, and the audit log says who.",
        options: MFAOptions.specs + MFAActorOptions.specs)

    let options: MFAOptions
    let account: String
    let actor: MFAActor

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        actor = try MFAActorOptions.actor(arguments)
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let result = try await options.registry().resetMFA(accountID: account, actor: actor)
            var object = JSONObject()
            object["removed"] = .array(result.removedMethodIDs.map { .string($0) })
            object["revokedTrustedDevices"] = .integer(result.revokedTrustedDevices)
            object["mustReenroll"] = .bool(result.mustReenroll)
            options.emit(
                object,
                text: "Reset by \(actor): removed \(result.removedMethodIDs.count) method(s), revoked "
                    + "\(result.revokedTrustedDevices) trusted device(s)."
                    + (result.mustReenroll ? " The account must set up a method at its next sign-in." : "") + "\n")
            return .success
        }
    }
}

/// `keybridge mfa unlock ACCOUNT --admin ID --reason TEXT`: lifts a hard lock.
struct MFAUnlockCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "unlock", abstract: "Lift the lock after too many failed codes (administrators only).",
        usage: "keybridge mfa --db FILE unlock ACCOUNT --admin ID --reason TEXT",
        options: MFAOptions.specs + [
            .single("admin", "ID", required: true, help: "The administrator."),
            .single("reason", "TEXT", required: true, help: "Why (recorded in the audit log)."),
        ])

    let options: MFAOptions
    let account: String
    let admin: String
    let reason: String

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        account = try accountArgument(arguments)
        admin = try arguments.required("admin")
        reason = try arguments.required("reason")
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            try options.registry().unlock(accountID: account, administrator: admin, reason: reason)
            options.emit(JSONObject(["unlocked": .bool(true)]), text: "Unlocked \(account).\n")
            return .success
        }
    }
}

// MARK: - Policy and audit

/// `keybridge mfa policy`: the policy in effect.
struct MFAPolicyCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show the MFA policy in effect.",
        usage: "keybridge mfa --db FILE policy [--enforce POLICY] [--json]", options: MFAOptions.specs)

    let options: MFAOptions

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        try DeviceCommandSupport.rejectPositionals(arguments)
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let configuration = try options.registry().configuration
            let sms = configuration.sms
            var object = JSONObject()
            object["enforcement"] = .string(configuration.enforcement.description)
            object["totp"] = .string(
                "\(configuration.totp.algorithm), \(configuration.totp.digits) digits, \(configuration.totp.period) s, "
                    + "window ±\(configuration.totpWindow)")
            object["smsCodeLifetime"] = .integer(Int(sms.lifetime))
            object["trustedDeviceLifetime"] = .integer(Int(configuration.trustedDeviceLifetime))
            options.emit(
                object,
                text: """
                    Enforcement:     \(configuration.enforcement.description)
                    Methods:         security keys (WebAuthn), authenticator apps (TOTP), SMS, recovery codes
                    Authenticator:   \(configuration.totp.algorithm), \(configuration.totp.digits) digits every \
                    \(configuration.totp.period) s, ±\(configuration.totpWindow) step accepted, each code once
                    SMS codes:       expire after \(sms.lifetime) s
                    Trusted devices: no prompt for \(configuration.trustedDeviceLifetime / 86_400) days unless a risk \
                    signal fires; revoked by a reset, a phone change or a method removal
                    Service accounts: exempt from interactive MFA; every sign-in recorded

                    """)
            return .success
        }
    }
}

/// `keybridge mfa audit [ACCOUNT]`: the audit log.
struct MFAAuditCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit log (every decision and change, with its reason).",
        usage: "keybridge mfa --db FILE audit [ACCOUNT] [--limit N] [--json]",
        options: MFAOptions.specs + [.single("limit", "N", help: "The most events to show (default 100).")])

    let options: MFAOptions
    let account: String?
    let limit: Int

    init(arguments: ParsedArguments) throws(ValidationError) {
        options = try MFAOptions(arguments)
        if arguments.positionals.count > 1 { throw ValidationError("unexpected argument '\(arguments.positionals[1])'") }
        account = arguments.positionals.first
        if let text = arguments.value("limit") {
            guard let value = Int(text), value > 0, value <= 100_000 else {
                throw ValidationError("--limit must be 1 to 100000, not '\(text)'")
            }
            limit = value
        } else {
            limit = 100
        }
    }

    func run() async throws -> ExitCode {
        try await withRegistryErrors {
            let events = try options.registry().auditLog(accountID: account, limit: limit)
            if options.json {
                let values: [JSONValue] = events.map { event in
                    var object = JSONObject()
                    object["sequence"] = .integer(Int(event.sequence))
                    object["time"] = .integer(Int(event.time))
                    if let accountID = event.accountID { object["account"] = .string(accountID) }
                    object["action"] = .string(event.action)
                    object["detail"] = .string(event.detail)
                    return .object(object)
                }
                Output.standardOutput(JSONWriter.string(.array(values)) + "\n")
            } else {
                for event in events {
                    Output.standardOutput(
                        "\(event.sequence)  \(event.time)  \(event.accountID ?? "-")  \(event.action)  \(event.detail)\n")
                }
            }
            return .success
        }
    }
}
