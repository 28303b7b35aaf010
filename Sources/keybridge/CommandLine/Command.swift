/// A `keybridge` command: the shape of swift-argument-parser's `AsyncParsableCommand`, without the dependency.
protocol Command: Sendable {
    static var configuration: CommandConfiguration { get }
    /// Builds the command from its parsed options. Throws ``ValidationError`` for a bad value.
    init(arguments: ParsedArguments) throws(ValidationError)
    /// Checks the options against each other before anything runs.
    mutating func validate() throws(ValidationError)
    /// Does the work and says how the process ends.
    mutating func run() async throws -> ExitCode
}

extension Command {
    mutating func validate() throws(ValidationError) {}

    /// The `--help` text.
    static var helpText: String {
        let c = configuration
        var lines: [String] = []
        lines.append("\(c.commandName): \(c.abstract)")
        if !c.usage.isEmpty {
            lines.append("")
            lines.append("USAGE: \(c.usage)")
        }
        if !c.discussion.isEmpty {
            lines.append("")
            lines.append(c.discussion)
        }
        if !c.subcommands.isEmpty {
            lines.append("")
            lines.append("SUBCOMMANDS:")
            for sub in c.subcommands {
                let name = sub.configuration.commandName
                lines.append("  " + name.padding(toLength: max(24, name.count + 2)) + sub.configuration.abstract)
            }
        }
        if !c.options.isEmpty {
            lines.append("")
            lines.append("OPTIONS:")
            for option in c.options {
                var left = "--\(option.name)"
                if option.kind != .flag { left += " \(option.valueName)" }
                if option.kind == .repeated { left += " ..." }
                var help = option.help
                if option.isRequired { help += " (required)" }
                lines.append("  " + left.padding(toLength: max(34, left.count + 2)) + help)
            }
        }
        lines.append("  " + "--help".padding(toLength: 34) + "Show this help.")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
