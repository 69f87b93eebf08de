import Testing

@testable import MLOpsCLI

@Suite struct ArgumentParserTests {
    let parser = ArgumentParser(commands: [
        CommandSpec(path: ["demo"], summary: "demo", run: { _, _ in }),
        CommandSpec(
            path: ["store", "check"], summary: "check", options: [.workspace, .flag("json", "json")],
            run: { _, _ in }),
        CommandSpec(
            path: ["runs", "search"], summary: "search",
            positionals: [
                PositionalSpec(name: "FILTER", help: "filter"), PositionalSpec(name: "N", help: "n", optional: true),
            ],
            run: { _, _ in }),
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var command: [String]
        var options: [String: String] = [:]
        var positionals: [String] = []
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        Case(arguments: ["demo"], command: ["demo"]),
        Case(arguments: ["demo", "--workspace", "/tmp/w"], command: ["demo"], options: ["workspace": "/tmp/w"]),
        Case(arguments: ["demo", "--workspace=/tmp/w"], command: ["demo"], options: ["workspace": "/tmp/w"]),
        Case(arguments: ["store", "check", "--json"], command: ["store", "check"], options: ["json": "true"]),
        Case(
            arguments: ["store", "check", "--json", "--workspace", "w"], command: ["store", "check"],
            options: ["json": "true", "workspace": "w"]),
        Case(
            arguments: ["runs", "search", "metrics.acc > 0.9"], command: ["runs", "search"],
            positionals: ["metrics.acc > 0.9"]),
        Case(arguments: ["runs", "search", "--", "--odd"], command: ["runs", "search"], positionals: ["--odd"]),
        Case(arguments: ["runs", "search", "x", "-5"], command: ["runs", "search"], positionals: ["x", "-5"]),
    ])
    func parses(_ example: Case) throws {
        guard case .run(let command, let parsed) = try parser.parse(example.arguments) else {
            Issue.record("expected a command to run")
            return
        }
        #expect(command.path == example.command)
        #expect(parsed.options == example.options)
        #expect(parsed.positionals == example.positionals)
    }

    @Test(arguments: [
        (["nope"], "unknown command 'nope'; run 'mlops --help' to list commands"),
        (["store"], "'store' needs a subcommand (check), got nothing"),
        (["store", "fix"], "'store' needs a subcommand (check), got 'fix'"),
        (["demo", "--bogus"], "unknown option '--bogus' for 'demo'"),
        (["demo", "--workspace"], "option '--workspace' needs a value (DIR)"),
        (["demo", "--workspace", "a", "--workspace", "b"], "option '--workspace' given twice"),
        (["store", "check", "--json=yes"], "flag '--json' takes no value"),
        (["demo", "-x"], "unknown option '-x' (options are spelled --name)"),
        (["demo", "extra"], "unexpected argument 'extra'"),
        (["runs", "search"], "missing argument FILTER"),
    ])
    func rejects(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError(message: message)) { try parser.parse(arguments) }
    }

    @Test func helpForms() throws {
        for arguments in [[], ["--help"], ["-h"], ["help"]] {
            guard case .help(nil) = try parser.parse(arguments) else {
                Issue.record("\(arguments) should show the overview")
                continue
            }
        }
        for arguments in [["store", "check", "--help"], ["help", "store", "check"], ["store", "check", "-h"]] {
            guard case .help(let command?) = try parser.parse(arguments) else {
                Issue.record("\(arguments) should show command help")
                continue
            }
            #expect(command.path == ["store", "check"])
            #expect(command.help.contains("USAGE: mlops store check [--workspace DIR] [--json]"))
        }
    }
}
