/// The options and positionals of one command line, after parsing.
struct ParsedArguments: Sendable, Equatable {
    /// Option values by long name; flags map to `"true"`.
    var options: [String: String] = [:]
    /// Positional arguments in order.
    var positionals: [String] = []
    /// Every value of a repeatable option, in command-line order, by long name.
    var repeated: [String: [String]] = [:]

    /// The value of an option, if given.
    func value(_ name: String) -> String? { options[name] }

    /// Every value of the repeatable option `name` (empty when not given).
    func values(_ name: String) -> [String] { repeated[name] ?? [] }

    /// Whether a flag was given.
    func flag(_ name: String) -> Bool { options[name] != nil }

    /// The positional at `index`, if given.
    func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }
}
