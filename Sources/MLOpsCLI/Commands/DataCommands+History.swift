import MLOps

extension DataCommands {
    /// A revision argument's help: what `DataRepository.resolve` accepts.
    static let revisionHelp = "a branch, tag, HEAD, commit id or unique hex prefix (≥ 4), with ~N or @{TIME}"

    static let log: CommandSpec = CommandSpec(
        path: ["data", "log"],
        summary: "list commits, newest first, following first parents",
        discussion: """
            Starts at REV (default HEAD, the current branch's commit).

            With --json: an array of {"commit", "parents", "root", "author", "message", \
            "timestamp", "files", "bytes", "metadata", "refs"}; refs are "branch:NAME" and \
            "tag:NAME".
            """,
        options: [
            .workspace, OptionSpec.value("max-count", "N", "at most N commits (default 100)").short("n"), jsonFlag,
        ],
        positionals: [PositionalSpec(name: "REV", help: revisionHelp, optional: true)],
        run: { arguments, context in
            var limit = 100
            if let text = arguments.value("max-count") {
                guard let value = Int(text), value > 0 else {
                    throw MLOpsError(.invalidArgument, "-n/--max-count must be a positive integer", value: text)
                }
                limit = value
            }
            let repository = try await repository(arguments, context, writing: false)
            let entries = try await repository.log(from: arguments.positional(0) ?? "HEAD", limit: limit)
            var refs: [ObjectID: [DataRef]] = [:]
            for ref in try await repository.refs() { refs[ref.commit, default: []].append(ref) }
            if arguments.flag("json") {
                let json = entries.map { entry in
                    DataJSON.LogEntry(entry, refs: (refs[entry.id] ?? []).map { "\($0.kind.rawValue):\($0.name)" })
                }
                context.out(try DataJSON.text(json))
                return
            }
            var rows = [["COMMIT", "DATE (UTC)", "AUTHOR", "FILES", "SIZE", "REFS", "MESSAGE"]]
            for entry in entries {
                let commit = entry.commit
                let names = (refs[entry.id] ?? []).map { $0.kind == .tag ? "tag:" + $0.name : $0.name }
                rows.append([
                    entry.id.short, TextTable.time(Int64(clamping: commit.timestampMilliseconds)), commit.author,
                    String(commit.fileCount), TextTable.bytes(commit.size), names.joined(separator: ", "),
                    String(commit.message.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""),
                ])
            }
            TextTable.render(rows, maxColumnWidth: 72).forEach(context.out)
            context.out("\(entries.count) commit\(entries.count == 1 ? "" : "s")")
        })

    static let diff: CommandSpec = CommandSpec(
        path: ["data", "diff"],
        summary: "show the files added, removed, modified and renamed from revision A to B",
        discussion: """
            A file whose exact content moved to another path is reported as renamed. --key (a \
            row-level diff of modified CSV files by a key column) is not available in this build \
            and fails with an "unsupported" error.

            With --json: {"from", "to", "changes", "summary"}; each change is {"kind", "path", \
            "oldPath", "oldSize", "newSize", "oldID", "newID"}, the summary {"added", "removed", \
            "modified", "renamed"}.
            """,
        options: [
            .workspace, .value("key", "COLUMN", "row-level CSV diff by this key column (not in this build)"), jsonFlag,
        ],
        positionals: [
            PositionalSpec(name: "A", help: "the old revision: " + revisionHelp),
            PositionalSpec(name: "B", help: "the new revision"),
        ],
        run: { arguments, context in
            if let key = arguments.value("key") {
                throw MLOpsError(
                    .unsupported, "row-level diff is not available in this build",
                    value: "--key " + TextTable.escapingControlCharacters(key))
            }
            let repository = try await repository(arguments, context, writing: false)
            let old = try await repository.resolve(arguments.positional(0) ?? "")
            let new = try await repository.resolve(arguments.positional(1) ?? "")
            let diff = try await repository.diff(
                trees: try await repository.commit(old).root, try await repository.commit(new).root)
            if arguments.flag("json") {
                context.out(
                    try DataJSON.text(
                        DataJSON.Diff(
                            from: old.description, to: new.description, changes: diff.changes.map(DataJSON.Change.init),
                            summary: DataJSON.Summary(diff))))
                return
            }
            context.out("from  \(old)")
            context.out("to    \(new)")
            context.out("")
            describe(diff, none: "no differences").forEach(context.out)
        })
}
