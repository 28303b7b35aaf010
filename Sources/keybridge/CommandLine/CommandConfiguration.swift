/// What a command is called, what it says in `--help`, and which options and subcommands it has.
struct CommandConfiguration: Sendable {
    var commandName: String
    var abstract: String
    var usage: String = ""
    var discussion: String = ""
    var options: [OptionSpec] = []
    var subcommands: [any Command.Type] = []
}

/// One option a command accepts.
struct OptionSpec: Sendable {
    enum Kind: Sendable {
        /// `--name`, no value.
        case flag
        /// `--name VALUE` or `--name=VALUE`, at most once.
        case single
        /// `--name VALUE`, any number of times.
        case repeated
    }

    var name: String
    var kind: Kind
    var valueName: String = "VALUE"
    var help: String
    var isRequired: Bool = false

    static func flag(_ name: String, help: String) -> OptionSpec { OptionSpec(name: name, kind: .flag, help: help) }
    static func single(_ name: String, _ valueName: String, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .single, valueName: valueName, help: help, isRequired: required)
    }
    static func repeated(_ name: String, _ valueName: String, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .repeated, valueName: valueName, help: help, isRequired: required)
    }
}
