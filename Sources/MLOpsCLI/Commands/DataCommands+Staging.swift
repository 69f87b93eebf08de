import MLOps

extension DataCommands {
    static let add: CommandSpec = CommandSpec(
        path: ["data", "add"],
        summary: "stage files and directories for the next data commit",
        discussion: """
            PATHs are relative to the current directory (absolute paths must lie below it) and are \
            stored under the same relative names. A directory is staged whole: files deleted from \
            it are unstaged too; a PATH gone from disk but staged is removed. Files unchanged since \
            the last add (same size, times and inode) are not read again. A PATH that holds the \
            workspace, or the workspace's own storage, is refused.

            With --json: {"paths", "files", "bytes", "hashedFiles", "hashedBytes", "stagedRoot"}.
            """,
        options: [.workspace, jsonFlag],
        positionals: [.variadic("PATH", "files or directories to stage")],
        run: { arguments, context in
            let base = try context.workingDirectory()
            let workspace = try context.absolutePath(context.workspacePath(arguments))
            let repository = try await repository(arguments, context, writing: true)
            try await refuseWorkspaceStorage(arguments.positionals, base: base, workspace: workspace)
            let line = ProgressLine("adding", context: context, json: arguments.flag("json"))
            let result: AddResult
            do {
                defer { line?.finish() }
                result = try await repository.add(
                    arguments.positionals, relativeTo: base, progress: line?.reporter)
            }
            if arguments.flag("json") {
                context.out(try DataJSON.text(DataJSON.Add(result)))
                return
            }
            context.out(
                "staged " + result.paths.joined(separator: ", ") + ": " + filesAndBytes(result.files, result.bytes))
            let skipped = result.files - result.hashedFiles
            context.out(
                "hashed \(filesAndBytes(result.hashedFiles, result.hashedBytes))"
                    + (skipped > 0 ? "; \(skipped) unchanged since the last add" : ""))
        })

    /// Refuses a path that holds the workspace directory, or that is part of the workspace's
    /// metadata database or object folder: adding it would read the store while writing it.
    static func refuseWorkspaceStorage(_ paths: [String], base: String, workspace: String) async throws {
        try await BlockingExecutor.shared.run {
            guard let root = Platform.realPath(workspace) else { return }
            for path in paths {
                guard let real = Platform.realPath(path.hasPrefix("/") ? path : base + "/" + path) else { continue }
                let display = TextTable.escapingControlCharacters(path)
                if real == "/" || real == root || root.hasPrefix(real + "/") {
                    throw MLOpsError(
                        .invalidArgument,
                        "the path holds the workspace directory \(root); add the data in it, not the workspace",
                        value: display)
                }
                let objects = root + "/" + Workspace.objectsDirectoryName
                if real == objects || real.hasPrefix(objects + "/")
                    || real.hasPrefix(root + "/" + Workspace.metadataFileName)
                {
                    throw MLOpsError(
                        .invalidArgument, "the path is part of the workspace's own storage", value: display)
                }
            }
        }
    }

    static let commit: CommandSpec = CommandSpec(
        path: ["data", "commit"],
        summary: "commit the staged changes and print the new commit's id",
        discussion: """
            Commits to the branch HEAD names and clears the staging area. With --branch B the \
            commit goes to B instead: B is created at the commit the changes were staged on if it \
            does not exist, and must point there if it does; HEAD is not switched.

            Prints "nothing to commit" (exit status 0) when nothing is staged, unless \
            --allow-empty. If another writer moved the branch since the changes were staged, the \
            commit fails with a conflict (exit status 1): the new commit is stored but not on the \
            branch, and the staged changes are kept.

            With --json: {"committed", "commit", "branch", "parents", "files", "bytes"} \
            ("commit", "files" and "bytes" are null when nothing was committed).
            """,
        options: [
            .workspace, OptionSpec.required("message", "MSG", "the commit message").short("m"),
            .value("branch", "B", "commit to this branch instead of HEAD's (created if missing)"),
            .value("author", "A", "the author to record (default: $USER)"),
            .flag("allow-empty", "commit even if nothing changed"), jsonFlag,
        ],
        run: { arguments, context in
            let message = arguments.value("message") ?? ""
            guard !message.allSatisfy(\.isWhitespace) else {
                throw MLOpsError(.invalidArgument, "the commit message is empty", value: "--message")
            }
            let repository = try await repository(arguments, context, writing: true)
            var entry: DataLogEntry?
            do {
                entry = try await repository.commitStaged(
                    message: message, branch: arguments.value("branch"), author: arguments.value("author"),
                    allowEmpty: arguments.flag("allow-empty"))
            } catch let error as MLOpsError where error.code == .conflict {
                throw MLOpsError(
                    .conflict,
                    error.message + "; the staged changes are kept: run 'mlops data reset', add them again "
                        + "and commit", value: error.value, cause: error)
            }
            let branch: String
            if let given = arguments.value("branch") {
                branch = given
            } else {
                branch = try await repository.currentBranch()
            }
            if arguments.flag("json") {
                context.out(try DataJSON.text(DataJSON.Commit(entry: entry, branch: branch)))
            } else if let entry {
                context.out(
                    "committed \(entry.id) to \(TextTable.escapingControlCharacters(branch)) ("
                        + filesAndBytes(entry.commit.fileCount, entry.commit.size) + ")")
            } else {
                context.out("nothing to commit")
            }
        })

    static let status: CommandSpec = CommandSpec(
        path: ["data", "status"],
        summary: "show the branch, its commit and the staged changes",
        discussion: """
            Lists what committing would change: files added, removed, modified and renamed, with \
            their sizes.

            With --json: {"branch", "head", "stagedRoot", "changes", "summary"}; each change is \
            {"kind", "path", "oldPath", "oldSize", "newSize", "oldID", "newID"}, the summary \
            {"added", "removed", "modified", "renamed"}.
            """,
        options: [.workspace, jsonFlag],
        run: { arguments, context in
            let status = try await repository(arguments, context, writing: false).status()
            if arguments.flag("json") {
                context.out(try DataJSON.text(DataJSON.Status(status: status)))
                return
            }
            context.out("branch  \(TextTable.escapingControlCharacters(status.branch))")
            context.out("head    \(status.head?.description ?? "none (no commits yet)")")
            context.out("")
            describe(status.staged, none: "nothing staged").forEach(context.out)
        })

    static let reset: CommandSpec = CommandSpec(
        path: ["data", "reset"],
        summary: "unstage everything: the staging area becomes the branch's commit again",
        discussion: """
            Files on disk are not touched. Use it after a commit conflict, then add the changes \
            again so that they are staged on the branch's new commit.

            With --json: {"unstaged", "branch", "head"}.
            """,
        options: [.workspace, jsonFlag],
        run: { arguments, context in
            let repository = try await repository(arguments, context, writing: true)
            let before = try await repository.status()
            try await repository.resetStage()
            let branch = try await repository.currentBranch()
            let head = try await repository.branchHead(branch)
            if arguments.flag("json") {
                context.out(
                    try DataJSON.text(DataJSON.Reset(unstaged: before.staged.changes.count, branch: branch, head: head))
                )
                return
            }
            let count = before.staged.changes.count
            context.out(
                (count == 0 ? "nothing was staged" : "unstaged \(count) change\(count == 1 ? "" : "s")")
                    + "; the staging area is \(TextTable.escapingControlCharacters(branch))'s commit "
                    + (head?.description ?? "(none yet: empty)"))
        })
}
