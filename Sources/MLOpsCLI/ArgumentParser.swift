/// What the command line asks for once parsed.
enum ParseOutcome: Sendable {
    /// Run `command` with `arguments`.
    case run(CommandSpec, ParsedArguments)
    /// Print help for `command` (or the overview if `nil`).
    case help(CommandSpec?)
    /// Print the subcommands of a group such as `mlops runs`.
    case groupHelp(CommandGroup)
}

/// A usage error: the message, the usage line of the command it concerns, and
/// any further help to print after them (a group's subcommands).
struct UsageError: Error, Sendable, Equatable {
    var message: String
    var usage: String?
    var help: String?

    init(message: String, usage: String? = nil, help: String? = nil) {
        self.message = message
        self.usage = usage
        self.help = help
    }

    static func == (lhs: UsageError, rhs: UsageError) -> Bool { lhs.message == rhs.message }
}

/// A small table-driven parser: the longest run of leading words that names a
/// command selects it; the rest are `--name value`, `--name=value`, flags,
/// positionals, and `--` to end options. A first word shared by several
/// commands (`runs`) is a group: `mlops runs --help` lists its subcommands.
/// `--version` alone means the `version` command.
struct ArgumentParser: Sendable {
    /// Every command the tool knows.
    var commands: [CommandSpec]

    /// Parses `arguments` (without the program name).
    func parse(_ arguments: [String]) throws(UsageError) -> ParseOutcome {
        if arguments.isEmpty || arguments == ["help"] || arguments == ["--help"] || arguments == ["-h"] {
            return .help(nil)
        }
        var words = arguments == ["--version"] ? ["version"] : arguments
        var helpRequest = false
        if words.first == "help" {
            helpRequest = true
            words.removeFirst()
        }
        // The longest matching command path wins.
        var best: CommandSpec?
        for command in commands where words.starts(with: command.path) {
            if command.path.count > (best?.path.count ?? 0) { best = command }
        }
        guard let command = best else {
            let prefixMatches = commands.filter { $0.path.first == words.first }
            if !prefixMatches.isEmpty, let first = words.first {
                let group = CommandGroup(name: first, commands: prefixMatches)
                let next = words.dropFirst().first
                if helpRequest || next == "--help" || next == "-h" { return .groupHelp(group) }
                let subcommands = prefixMatches.map { $0.path.dropFirst().joined(separator: " ") }
                let given = next.map { "'\($0)'" } ?? "nothing"
                throw UsageError(
                    message: "'\(first)' needs a subcommand (\(subcommands.joined(separator: ", "))), got \(given)",
                    help: group.help)
            }
            throw UsageError(message: "unknown command '\(words.first ?? "")'; run 'mlops --help' to list commands")
        }
        if helpRequest { return .help(command) }
        var parsed = ParsedArguments()
        var rest = Array(words.dropFirst(command.path.count))
        var optionsEnded = false
        while !rest.isEmpty {
            let word = rest.removeFirst()
            if !optionsEnded, word == "--" {
                optionsEnded = true
                continue
            }
            if !optionsEnded, word == "-h" || word == "--help" { return .help(command) }
            // A one-dash alias (`-m`) stands for its long option.
            let alias =
                optionsEnded || word.count != 2 || !word.hasPrefix("-")
                ? nil : command.options.first { $0.shortName == word.last }
            if !optionsEnded, word.hasPrefix("--") || alias != nil {
                var name = alias?.name ?? String(word.dropFirst(2))
                var inlineValue: String?
                if alias == nil, let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                guard let option = alias ?? command.options.first(where: { $0.name == name }) else {
                    throw UsageError(
                        message: "unknown option '--\(name)' for '\(command.path.joined(separator: " "))'",
                        usage: command.usage)
                }
                if parsed.options[name] != nil, !option.isRepeatable {
                    throw UsageError(message: "option '--\(name)' given twice", usage: command.usage)
                }
                if let valueName = option.valueName {
                    if let inlineValue {
                        parsed.options[name] = inlineValue
                        if option.isRepeatable { parsed.repeated[name, default: []].append(inlineValue) }
                    } else if let value = rest.first, !value.hasPrefix("--") {
                        parsed.options[name] = value
                        if option.isRepeatable { parsed.repeated[name, default: []].append(value) }
                        rest.removeFirst()
                    } else {
                        throw UsageError(
                            message: "option '--\(name)' needs a value (\(valueName))", usage: command.usage)
                    }
                } else {
                    if inlineValue != nil {
                        throw UsageError(message: "flag '--\(name)' takes no value", usage: command.usage)
                    }
                    parsed.options[name] = "true"
                }
                continue
            }
            if !optionsEnded, word.hasPrefix("-"), word.count > 1, Double(word) == nil {
                let aliases = command.options.compactMap { option in option.shortName.map { "-\($0)" } }
                let spelled = aliases.isEmpty ? "--name" : "--name or " + aliases.joined(separator: ", ")
                throw UsageError(
                    message: "unknown option '\(word)' (options are spelled \(spelled))", usage: command.usage)
            }
            parsed.positionals.append(word)
        }
        let missing = command.options.filter { $0.isRequired && parsed.options[$0.name] == nil }
        if !missing.isEmpty {
            let names = missing.map { "--\($0.name)" + ($0.valueName.map { " \($0)" } ?? "") }
            throw UsageError(
                message: "missing required option\(missing.count == 1 ? "" : "s") \(names.joined(separator: ", "))",
                usage: command.usage)
        }
        parsed.positionals = try Self.matchPositionals(parsed.positionals, to: command)
        return .run(command, parsed)
    }

    /// Checks `words` against the command's positionals and returns the
    /// values: fixed positionals in order, then a variadic one's values (its
    /// words split at its separator).
    static func matchPositionals(_ words: [String], to command: CommandSpec) throws(UsageError) -> [String] {
        let specs = command.positionals
        let fixed = specs.prefix { !$0.isVariadic }
        let required = fixed.filter { !$0.optional }.count
        if words.count < required {
            throw UsageError(message: "missing argument \(specs[words.count].name)", usage: command.usage)
        }
        guard fixed.count < specs.count else {
            if words.count > specs.count {
                throw UsageError(message: "unexpected argument '\(words[specs.count])'", usage: command.usage)
            }
            return words
        }
        let variadic = specs[fixed.count]
        var values = Array(words.prefix(fixed.count))
        var count = 0
        for word in words.dropFirst(fixed.count) {
            guard let separator = variadic.separator else {
                values.append(word)
                count += 1
                continue
            }
            let parts = word.split(separator: separator, omittingEmptySubsequences: false)
            if parts.contains(where: \.isEmpty) {
                throw UsageError(
                    message: "empty \(variadic.name) in '\(word)' (values are separated by '\(separator)')",
                    usage: command.usage)
            }
            values += parts.map(String.init)
            count += parts.count
        }
        if count < variadic.minimumCount {
            let noun = variadic.minimumCount == 1 ? "value" : "values"
            throw UsageError(
                message:
                    "missing argument \(variadic.name): needs at least \(variadic.minimumCount) \(noun), got \(count)",
                usage: command.usage)
        }
        return values
    }

    /// The overview `mlops --help` prints.
    var overview: String {
        var lines = [
            "mlops — the swift-mlops command-line tool", "",
            "USAGE: mlops <command> [options]", "", "COMMANDS:",
        ]
        for command in commands {
            lines.append("  " + pad(command.path.joined(separator: " "), 22) + command.summary)
        }
        lines += [
            "",
            "Run 'mlops <command> --help' for a command's options, 'mlops <group> --help' for a group's "
                + "subcommands.",
        ]
        return lines.joined(separator: "\n")
    }
}
