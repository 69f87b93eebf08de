import MLOps

/// `mlops data add|commit|status|reset|log|diff|checkout|branch|tag`: versioned datasets in a
/// workspace's data repository (DataVersioning's `DataRepository`), with Git's verbs.
///
/// Commands that write the repository (`add`, `commit`, `reset`, `branch NAME`, `tag`) create a
/// missing workspace; the others open it read-only and fail on a missing one. Every command
/// takes `--json`: one JSON object or array on standard output, keys documented in its help and
/// in ``DataJSON``.
enum DataCommands {
    static var specs: [CommandSpec] {
        [add, commit, status, reset, log, diff, checkout, branch, tag, verify, gc, push, pull]
    }

    static let jsonFlag = OptionSpec.flag("json", "print JSON (the keys are listed above)")

    /// The workspace's data repository: created with the workspace when `writing`, else opened
    /// read-only.
    static func repository(_ arguments: ParsedArguments, _ context: CommandContext, writing: Bool) async throws
        -> DataRepository
    {
        let workspace = try Workspace.open(
            at: context.workspacePath(arguments), mode: writing ? .createIfMissing : .readOnly)
        return try await workspace.data
    }

    /// A changes table (`CHANGE PATH SIZE`) and a summary line, or one line saying there are none.
    static func describe(_ diff: DataDiff, none: String) -> [String] {
        guard !diff.isEmpty else { return [none] }
        var rows = [["CHANGE", "PATH", "SIZE"]]
        for change in diff.changes {
            let path = change.oldPath.map { "\($0) → \(change.path)" } ?? change.path
            let size: String
            switch change.kind {
            case .added: size = TextTable.bytes(change.newSize ?? 0)
            case .removed: size = TextTable.bytes(change.oldSize ?? 0)
            case .modified, .renamed:
                let old = change.oldSize ?? 0
                let new = change.newSize ?? 0
                if old == new {
                    size = TextTable.bytes(new)
                } else if TextTable.bytes(old) == TextTable.bytes(new) {
                    size = "\(old) B → \(new) B"  // the rounded sizes would hide the change
                } else {
                    size = "\(TextTable.bytes(old)) → \(TextTable.bytes(new))"
                }
            }
            rows.append([change.kind.rawValue, path, size])
        }
        return TextTable.render(rows, maxColumnWidth: 160) + [summary(diff)]
    }

    /// `3 changes: 1 added, 2 modified` (only the kinds that occur).
    static func summary(_ diff: DataDiff) -> String {
        let kinds: [DataDiff.Change.Kind] = [.added, .modified, .renamed, .removed]
        let counts = kinds.compactMap { kind in diff.count(kind) > 0 ? "\(diff.count(kind)) \(kind.rawValue)" : nil }
        let noun = diff.changes.count == 1 ? "change" : "changes"
        return "\(diff.changes.count) \(noun): " + counts.joined(separator: ", ")
    }

    /// `3 files, 1.2 MiB`.
    static func filesAndBytes(_ files: some BinaryInteger, _ bytes: UInt64) -> String {
        "\(files) file\(files == 1 ? "" : "s"), \(TextTable.bytes(bytes))"
    }
}
