/// The options of one command, as read from the command line.
struct ParsedArguments: Sendable {
    private(set) var flags: Set<String> = []
    private(set) var values: [String: [String]] = [:]
    /// Words that are not options, in order.
    private(set) var positionals: [String] = []

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The value of a required option (``ArgumentReader`` has already checked that it is there).
    func required(_ name: String) throws(ValidationError) -> String {
        guard let v = value(name) else { throw ValidationError("missing --\(name)") }
        return v
    }

    fileprivate mutating func add(flag name: String) { flags.insert(name) }
    fileprivate mutating func add(value: String, for name: String) { values[name, default: []].append(value) }
    fileprivate mutating func add(positional: String) { positionals.append(positional) }
}

/// Reads `argv` against a command's ``OptionSpec``s: `--name`, `--name VALUE`, `--name=VALUE`, and `--` to end options.
enum ArgumentReader {
    /// Parses `arguments` (without the command words) for `specs`.
    static func parse(_ arguments: [String], specs: [OptionSpec]) throws(ValidationError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if optionsEnded || !word.hasPrefix("--") || word == "-" {
                parsed.add(positional: word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let spec = specs.first(where: { $0.name == name }) else {
                throw ValidationError("unknown option --\(name)")
            }
            switch spec.kind {
            case .flag:
                if inlineValue != nil { throw ValidationError("--\(name) takes no value") }
                parsed.add(flag: name)
            case .single, .repeated:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw ValidationError("--\(name) needs a \(spec.valueName)") }
                    value = arguments[index]
                    index += 1
                }
                if spec.kind == .single, parsed.value(name) != nil {
                    throw ValidationError("--\(name) may be given only once")
                }
                parsed.add(value: value, for: name)
            }
        }
        for spec in specs where spec.isRequired && parsed.value(spec.name) == nil && !parsed.flag(spec.name) {
            throw ValidationError("missing --\(spec.name) \(spec.valueName)")
        }
        return parsed
    }
}
