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
            A file whose exact content moved to another path is reported as renamed. Every modified \
            .csv file also gets a row-level diff: rows matched by the --key column (added, removed \
            and changed rows with the changed cells), or by content without --key, plus schema \
            changes (columns added, removed, retyped, reordered).

            With --json: {"from", "to", "changes", "summary", "tables"}; each change is {"kind", \
            "path", "oldPath", "oldSize", "newSize", "oldID", "newID"}, the summary {"added", \
            "removed", "modified", "renamed"}, each table {"path", "diff"} with the row-level diff's \
            fields (schemaChanges, addedRowCount, removedRowCount, changedRowCount, \
            unchangedRowCount, addedRows, removedRows, changedRows, …).
            """,
        options: [
            .workspace, .value("key", "COLUMN", "match the rows of modified CSV files by this key column"), jsonFlag,
        ],
        positionals: [
            PositionalSpec(name: "A", help: "the old revision: " + revisionHelp),
            PositionalSpec(name: "B", help: "the new revision"),
        ],
        run: { arguments, context in
            let repository = try await repository(arguments, context, writing: false)
            let old = try await repository.resolve(arguments.positional(0) ?? "")
            let new = try await repository.resolve(arguments.positional(1) ?? "")
            let diff = try await repository.diff(
                trees: try await repository.commit(old).root, try await repository.commit(new).root)
            var tables: [DataJSON.Table] = []
            for change in diff.changes where change.kind == .modified && change.path.lowercased().hasSuffix(".csv") {
                let table = try await repository.tableDiff(
                    of: change.path, from: old.description, to: new.description, key: arguments.value("key"))
                tables.append(DataJSON.Table(path: change.path, diff: table))
            }
            if arguments.flag("json") {
                context.out(
                    try DataJSON.text(
                        DataJSON.Diff(
                            from: old.description, to: new.description, changes: diff.changes.map(DataJSON.Change.init),
                            summary: DataJSON.Summary(diff), tables: tables)))
                return
            }
            context.out("from  \(old)")
            context.out("to    \(new)")
            context.out("")
            describe(diff, none: "no differences").forEach(context.out)
            for table in tables {
                context.out("")
                context.out("rows of \(TextTable.escapingControlCharacters(table.path)):")
                context.out(table.diff.report(maxRows: 10))
            }
        })
}
