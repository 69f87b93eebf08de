/// One option a command accepts, e.g. `--workspace DIR` or the flag `--json`.
struct OptionSpec: Sendable {
    /// The long name without dashes, e.g. `workspace`.
    var name: String
    /// The placeholder shown in help for the value, or `nil` for a flag.
    var valueName: String?
    /// One line of help.
    var help: String
    /// Whether the command cannot run without it; the parser reports a missing
    /// required option as a usage error. Only options that take a value can be required.
    var isRequired: Bool = false
    /// A one-letter alias spelled with one dash (`-m` for `--message`), or `nil`.
    var shortName: Character?
    /// Whether the option may be given several times (its values are then read with
    /// ``ParsedArguments/values(_:)``).
    var isRepeatable = false

    /// This option with the one-dash alias `-<letter>`.
    func short(_ letter: Character) -> OptionSpec {
        var copy = self
        copy.shortName = letter
        return copy
    }

    /// An option that takes a value.
    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    /// An option that takes a value and may be given any number of times.
    static func repeatable(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, isRepeatable: true)
    }

    /// An option that takes a value and must be given.
    static func required(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, isRequired: true)
    }

    /// How usage lines show it: `--name VALUE` when required, else `[--name VALUE]` or `[--name]`.
    var usageText: String {
        let text = "--\(name)" + (valueName.map { " \($0)" } ?? "")
        return isRequired ? text : "[\(text)]" + (isRepeatable ? "..." : "")
    }

    /// A flag that takes no value.
    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    /// The `--workspace DIR` option every command takes.
    static let workspace = OptionSpec.value(
        "workspace", "DIR", "workspace directory (default: $MLOPS_WORKSPACE, else ./.mlops)")
}

/// A positional argument of a command.
///
/// A variadic positional (``variadic(_:_:minimumCount:separator:)``) takes
/// every remaining positional word; it must be a command's last positional.
struct PositionalSpec: Sendable {
    /// The placeholder shown in help.
    var name: String
    /// One line of help.
    var help: String
    /// Whether the argument may be left out.
    var optional: Bool = false
    /// Whether it takes all remaining positional words (shown as `NAME...`).
    var isVariadic: Bool = false
    /// For a variadic positional: how many values it needs at least.
    var minimumCount: Int = 0
    /// For a variadic positional: a character that also separates values
    /// inside one word (`a,b` is two values), or `nil`.
    var separator: Character?

    /// A positional that takes every remaining word, needing at least
    /// `minimumCount` values; with a `separator`, one word may hold several.
    static func variadic(_ name: String, _ help: String, minimumCount: Int = 1, separator: Character? = nil)
        -> PositionalSpec
    {
        PositionalSpec(
            name: name, help: help, optional: minimumCount == 0, isVariadic: true, minimumCount: minimumCount,
            separator: separator)
    }

    /// How usage lines and help show it: `NAME`, `[NAME]`, `NAME...` or `[NAME...]`.
    var displayName: String {
        let base = isVariadic ? name + "..." : name
        return optional ? "[\(base)]" : base
    }
}

/// A subcommand: its words (`["store", "check"]`), its arguments, and what it runs.
struct CommandSpec: Sendable {
    /// The words that select it, e.g. `["store", "check"]`.
    var path: [String]
    /// One line that says what it does.
    var summary: String
    /// Further paragraphs for `--help`.
    var discussion: String = ""
    /// The options it accepts (besides `--help`).
    var options: [OptionSpec] = [.workspace]
    /// Its positional arguments, in order.
    var positionals: [PositionalSpec] = []
    /// The work.
    var run: @Sendable (ParsedArguments, CommandContext) async throws -> Void

    /// The usage line, e.g. `mlops store check [--workspace DIR]`: required
    /// options first, then the others, then the positionals.
    var usage: String {
        var parts = ["mlops"] + path
        for option in options where option.isRequired { parts.append(option.usageText) }
        for option in options where !option.isRequired { parts.append(option.usageText) }
        for positional in positionals {
            parts.append(positional.displayName)
        }
        return parts.joined(separator: " ")
    }

    /// The text `--help` prints.
    var help: String {
        var lines = ["\(summary)", "", "USAGE: \(usage)"]
        if !discussion.isEmpty { lines += ["", discussion] }
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for positional in positionals {
                var help = positional.help
                if positional.isVariadic, positional.minimumCount > 1 {
                    help += " (at least \(positional.minimumCount))"
                }
                lines.append("  " + pad(positional.isVariadic ? positional.name + "..." : positional.name, 22) + help)
            }
        }
        lines += ["", "OPTIONS:"]
        for option in options {
            let name =
                (option.shortName.map { "-\($0), " } ?? "") + "--\(option.name)"
                + (option.valueName.map { " \($0)" } ?? "")
            lines.append("  " + pad(name, 22) + option.help + (option.isRequired ? " (required)" : ""))
        }
        lines.append("  " + pad("-h, --help", 22) + "show this help")
        return lines.joined(separator: "\n")
    }
}

/// A group of subcommands that share a first word, e.g. `mlops runs`: what
/// `mlops runs --help` prints.
struct CommandGroup: Sendable {
    /// The shared first word, e.g. `runs`.
    var name: String
    /// The commands of the group, in the tool's order.
    var commands: [CommandSpec]

    /// The text `mlops <group> --help` prints: the usage and every subcommand with its summary.
    var help: String {
        var lines = ["USAGE: mlops \(name) <subcommand> [options]", "", "SUBCOMMANDS:"]
        for command in commands {
            lines.append("  " + pad(command.path.dropFirst().joined(separator: " "), 22) + command.summary)
        }
        lines += ["", "Run 'mlops \(name) <subcommand> --help' for a subcommand's options and arguments."]
        return lines.joined(separator: "\n")
    }
}

/// Pads `text` with spaces to `width` (at least one space after it).
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
