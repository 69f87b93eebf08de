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
        CommandSpec(
            path: ["runs", "compare"], summary: "compare", options: [.workspace, .flag("json", "json")],
            positionals: [.variadic("RUN_ID", "runs", minimumCount: 2, separator: ",")], run: { _, _ in }),
        CommandSpec(
            path: ["tag"], summary: "tag",
            positionals: [PositionalSpec(name: "KEY", help: "key"), .variadic("VALUE", "values", minimumCount: 0)],
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
        Case(arguments: ["runs", "compare", "a", "b"], command: ["runs", "compare"], positionals: ["a", "b"]),
        Case(
            arguments: ["runs", "compare", "a", "--json", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"],
            command: ["runs", "compare"], options: ["json": "true"],
            positionals: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]),
        Case(arguments: ["runs", "compare", "a,b"], command: ["runs", "compare"], positionals: ["a", "b"]),
        Case(arguments: ["runs", "compare", "a,b", "c"], command: ["runs", "compare"], positionals: ["a", "b", "c"]),
        Case(
            arguments: ["runs", "compare", "--", "a", "--b"], command: ["runs", "compare"], positionals: ["a", "--b"]),
        Case(arguments: ["tag", "k"], command: ["tag"], positionals: ["k"]),
        Case(arguments: ["tag", "k", "v,w", "x"], command: ["tag"], positionals: ["k", "v,w", "x"]),
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
        (["runs", "search", "a", "b", "c"], "unexpected argument 'c'"),
        (["runs", "compare"], "missing argument RUN_ID: needs at least 2 values, got 0"),
        (["runs", "compare", "a"], "missing argument RUN_ID: needs at least 2 values, got 1"),
        (["runs", "compare", "--json", "a"], "missing argument RUN_ID: needs at least 2 values, got 1"),
        (["runs", "compare", "a,"], "empty RUN_ID in 'a,' (values are separated by ',')"),
        (["runs", "compare", "a,,b"], "empty RUN_ID in 'a,,b' (values are separated by ',')"),
        (["runs", "compare", "a", ",b"], "empty RUN_ID in ',b' (values are separated by ',')"),
        (["tag"], "missing argument KEY"),
    ])
    func rejects(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError(message: message)) { try parser.parse(arguments) }
    }

    @Test func repeatableOptionsKeepEveryValueInOrder() throws {
        let parser = ArgumentParser(commands: [
            CommandSpec(
                path: ["train"], summary: "train",
                options: [.repeatable("param", "K=V", "a parameter"), .value("seed", "N", "seed")], run: { _, _ in })
        ])
        guard
            case .run(_, let parsed) = try parser.parse([
                "train", "--param", "a=1", "--param=b=2,3", "--seed", "4", "--param", "c=",
            ])
        else {
            Issue.record("expected a command to run")
            return
        }
        #expect(parsed.values("param") == ["a=1", "b=2,3", "c="])
        #expect(parsed.values("seed") == [])
        #expect(parsed.value("seed") == "4")
        #expect(throws: UsageError.self) { _ = try parser.parse(["train", "--seed", "1", "--seed", "2"]) }
        #expect(parser.commands[0].usage.contains("[--param K=V]..."))
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

    @Test func variadicPositionalsInHelp() throws {
        guard case .help(let compare?) = try parser.parse(["runs", "compare", "--help"]) else {
            Issue.record("expected command help")
            return
        }
        #expect(compare.usage == "mlops runs compare [--workspace DIR] [--json] RUN_ID...")
        #expect(compare.help.contains("\n  RUN_ID...             runs (at least 2)\n"))
        guard case .help(let tag?) = try parser.parse(["help", "tag"]) else {
            Issue.record("expected command help")
            return
        }
        #expect(tag.usage == "mlops tag [--workspace DIR] KEY [VALUE...]")
        #expect(tag.help.contains("\n  VALUE...              values\n"))
    }

    /// Every command of the tool: at most one variadic positional, and only last.
    @Test func variadicPositionalsComeLast() {
        for command in MLOpsCLI.commands {
            let variadic = command.positionals.indices.filter { command.positionals[$0].isVariadic }
            #expect(variadic.count <= 1, "\(command.path)")
            if let index = variadic.first { #expect(index == command.positionals.count - 1, "\(command.path)") }
        }
    }
}
