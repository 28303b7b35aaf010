/// `keybridge udev-rules`: prints the udev rules that let users and the `plugdev` group open FIDO keys.
struct UdevRulesCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "udev-rules",
        abstract: "Print udev rules giving access to FIDO security keys (hidraw).",
        usage: "keybridge udev-rules | sudo tee /etc/udev/rules.d/\(UdevRules.fileName)",
        discussion: """
            Then run `sudo udevadm control --reload-rules && sudo udevadm trigger` and replug the key. The rules
            tag keys with `uaccess` (the logged-in user) and give the `plugdev` group read-write access (services
            and CI runners).
            """)

    init(arguments: ParsedArguments) throws(ValidationError) {
        if let extra = arguments.positionals.first { throw ValidationError("unexpected argument '\(extra)'") }
    }

    func run() async throws -> ExitCode {
        Output.standardOutput(UdevRules.text)
        return .success
    }
}
