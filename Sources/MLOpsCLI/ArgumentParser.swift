/// What the command line asks for once parsed.
enum ParseOutcome: Sendable {
    /// Run `command` with `arguments`.
    case run(CommandSpec, ParsedArguments)
    /// Print help for `command` (or the overview if `nil`).
    case help(CommandSpec?)
}

/// A usage error: the message and the command it concerns (for its usage line).
struct UsageError: Error, Sendable, Equatable {
    var message: String
    var usage: String?

    static func == (lhs: UsageError, rhs: UsageError) -> Bool { lhs.message == rhs.message }
}

/// A small table-driven parser: the longest run of leading words that names a
/// command selects it; the rest are `--name value`, `--name=value`, flags,
/// positionals, and `--` to end options.
struct ArgumentParser: Sendable {
    /// Every command the tool knows.
    var commands: [CommandSpec]

    /// Parses `arguments` (without the program name).
    func parse(_ arguments: [String]) throws(UsageError) -> ParseOutcome {
        if arguments.isEmpty || arguments == ["help"] || arguments == ["--help"] || arguments == ["-h"] {
            return .help(nil)
        }
        var words = arguments
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
                let subcommands = prefixMatches.map { $0.path.dropFirst().joined(separator: " ") }
                let given = words.dropFirst().first.map { "'\($0)'" } ?? "nothing"
                throw UsageError(
                    message: "'\(first)' needs a subcommand (\(subcommands.joined(separator: ", "))), got \(given)",
                    usage: nil)
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
            if !optionsEnded, word.hasPrefix("--") {
                var name = String(word.dropFirst(2))
                var inlineValue: String?
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                guard let option = command.options.first(where: { $0.name == name }) else {
                    throw UsageError(
                        message: "unknown option '--\(name)' for '\(command.path.joined(separator: " "))'",
                        usage: command.usage)
                }
                if parsed.options[name] != nil {
                    throw UsageError(message: "option '--\(name)' given twice", usage: command.usage)
                }
                if let valueName = option.valueName {
                    if let inlineValue {
                        parsed.options[name] = inlineValue
                    } else if let value = rest.first, !value.hasPrefix("--") {
                        parsed.options[name] = value
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
                throw UsageError(message: "unknown option '\(word)' (options are spelled --name)", usage: command.usage)
            }
            parsed.positionals.append(word)
        }
        let required = command.positionals.filter { !$0.optional }.count
        if parsed.positionals.count < required {
            let missing = command.positionals[parsed.positionals.count].name
            throw UsageError(message: "missing argument \(missing)", usage: command.usage)
        }
        if parsed.positionals.count > command.positionals.count {
            throw UsageError(
                message: "unexpected argument '\(parsed.positionals[command.positionals.count])'", usage: command.usage)
        }
        return .run(command, parsed)
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
        lines += ["", "Run 'mlops <command> --help' for a command's options."]
        return lines.joined(separator: "\n")
    }
}
