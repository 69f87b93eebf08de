import MLOps

extension DataCommands {
    static let checkout: CommandSpec = CommandSpec(
        path: ["data", "checkout"],
        summary: "write the snapshot a revision names into a new directory",
        discussion: """
            DIR (relative to the current directory) must not exist or be empty. The snapshot is \
            written into a hidden sibling directory and renamed into place once every file is \
            written and verified, so a failed checkout leaves nothing at DIR. The staging area and \
            HEAD are not changed.

            With --json: {"commit", "directory", "files", "bytes"}.
            """,
        options: [.workspace, jsonFlag],
        positionals: [
            PositionalSpec(name: "REF", help: "the revision: " + revisionHelp),
            PositionalSpec(name: "DIR", help: "the directory to create"),
        ],
        run: { arguments, context in
            let directory = try context.absolutePath(arguments.positional(1) ?? "")
            let repository = try await repository(arguments, context, writing: false)
            let line = ProgressLine("checking out", context: context, json: arguments.flag("json"))
            let result: CheckoutResult
            do {
                defer { line?.finish() }
                result = try await repository.checkout(
                    arguments.positional(0) ?? "", into: directory,
                    progress: line?.reporter)
            }
            if arguments.flag("json") {
                context.out(
                    try DataJSON.text(
                        DataJSON.Checkout(
                            commit: result.commit.description, directory: result.directory, files: result.files,
                            bytes: result.bytes)))
                return
            }
            context.out(
                "checked out \(result.commit) into \(TextTable.escapingControlCharacters(result.directory)): "
                    + filesAndBytes(result.files, result.bytes))
        })

    static let branch: CommandSpec = CommandSpec(
        path: ["data", "branch"],
        summary: "create a branch at a revision, or list branches and tags (--list)",
        discussion: """
            NAME is required unless --list is given. The new branch starts at REF (default HEAD); \
            HEAD is not switched to it (commit to it with 'mlops data commit --branch NAME').

            With --json: {"name", "kind", "commit", "current", "keepCommits", "keepMilliseconds"}; \
            with --list, an array of those, branches first ("current" marks the branch HEAD names).
            """,
        options: [.workspace, .flag("list", "list every branch and tag"), jsonFlag],
        positionals: [
            PositionalSpec(name: "NAME", help: "the new branch's name", optional: true),
            PositionalSpec(name: "REF", help: "where it starts (default HEAD): " + revisionHelp, optional: true),
        ],
        run: { arguments, context in
            if arguments.flag("list") {
                guard arguments.positionals.isEmpty else {
                    throw UsageError(message: "give NAME or --list, not both", usage: branch.usage)
                }
                try await listRefs(arguments, context)
                return
            }
            guard let name = arguments.positional(0) else {
                throw UsageError(message: "missing argument NAME (or --list)", usage: branch.usage)
            }
            let repository = try await repository(arguments, context, writing: true)
            let ref = try await repository.createBranch(name, at: arguments.positional(1) ?? "HEAD")
            let current = try await repository.currentBranch() == name
            if arguments.flag("json") {
                context.out(try DataJSON.text(DataJSON.Ref(ref: ref, current: current)))
            } else {
                context.out("created branch \(TextTable.escapingControlCharacters(name)) at \(ref.commit)")
            }
        })

    static func listRefs(_ arguments: ParsedArguments, _ context: CommandContext) async throws {
        let repository = try await repository(arguments, context, writing: false)
        let refs = try await repository.refs()
        let current = try await repository.currentBranch()
        if arguments.flag("json") {
            let json = refs.map { DataJSON.Ref(ref: $0, current: $0.kind == .branch && $0.name == current) }
            context.out(try DataJSON.text(json))
            return
        }
        var rows = [["", "NAME", "KIND", "COMMIT"]]
        for ref in refs {
            let mark = ref.kind == .branch && ref.name == current ? "*" : ""
            rows.append([mark, ref.name, ref.kind.rawValue, ref.commit.description])
        }
        if refs.count > 0 { TextTable.render(rows, maxColumnWidth: 100).forEach(context.out) }
        if !refs.contains(where: { $0.kind == .branch && $0.name == current }) {
            context.out("HEAD names branch '\(TextTable.escapingControlCharacters(current))', which has no commits yet")
        }
    }

    static let tag: CommandSpec = CommandSpec(
        path: ["data", "tag"],
        summary: "name a revision with a tag that never moves",
        discussion: """
            Fails with a conflict if the tag exists.

            With --json: {"name", "kind", "commit", "current", "keepCommits", "keepMilliseconds"} \
            ("current" is always false for a tag).
            """,
        options: [.workspace, jsonFlag],
        positionals: [
            PositionalSpec(name: "NAME", help: "the tag's name"),
            PositionalSpec(name: "REF", help: "what it names (default HEAD): " + revisionHelp, optional: true),
        ],
        run: { arguments, context in
            let name = arguments.positional(0) ?? ""
            let repository = try await repository(arguments, context, writing: true)
            let ref = try await repository.tag(name, at: arguments.positional(1) ?? "HEAD")
            if arguments.flag("json") {
                context.out(try DataJSON.text(DataJSON.Ref(ref: ref, current: false)))
            } else {
                context.out("tagged \(ref.commit) as \(TextTable.escapingControlCharacters(name))")
            }
        })
}
