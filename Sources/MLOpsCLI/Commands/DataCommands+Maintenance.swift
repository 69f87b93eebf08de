import MLOps

extension DataCommands {
    static let verify: CommandSpec = CommandSpec(
        path: ["data", "verify"],
        summary: "re-hash every reachable chunk and check every commit, tree and chunk list",
        discussion: """
            Walks everything reachable from every branch and tag (their whole history) and from the \
            staging area, checks that each commit, tree and chunk list is stored and hashes to its \
            id, and re-reads and re-hashes every chunk. Reports exactly what is missing or corrupt, \
            with a path and commit that refer to it. Reads only; exits with status 1 if anything is \
            wrong.

            With --json: the report — {"commits", "trees", "chunkLists", "files", "chunks", \
            "bytesVerified", "packs", "prunedCommits", "packsWithoutIndex", "indexesWithoutPack", \
            "problems", "overlappedCollection"}; each problem {"kind", "issue", "id", "pack", \
            "root", "commit", "path", "message"}.
            """,
        options: [.workspace, jsonFlag],
        run: { arguments, context in
            let repository = try await repository(arguments, context, writing: false)
            let report = try await repository.verify()
            if arguments.flag("json") {
                context.out(try DataJSON.text(report))
            } else {
                context.out(
                    "verified \(report.commits) commits, \(report.trees) trees, \(report.chunkLists) chunk lists, "
                        + "\(report.files) files, \(report.chunks) chunks (\(TextTable.bytes(report.bytesVerified))) "
                        + "in \(report.packs) packs")
                for pack in report.packsWithoutIndex {
                    context.out("note: pack \(pack) has no index (an interrupted write; gc removes it)")
                }
                context.out(report.isHealthy ? "status: ok" : "status: \(report.problems.count) problem(s)")
                for problem in report.problems {
                    context.out("  - \(TextTable.escapingControlCharacters(problem.description))")
                }
            }
            if !report.isHealthy {
                throw MLOpsError(
                    .corruptData, "the data repository has \(report.problems.count) problem(s)",
                    value: context.workspacePath(arguments))
            }
        })

    static let gc: CommandSpec = CommandSpec(
        path: ["data", "gc"],
        summary: "delete the data no branch, tag or staged change can reach",
        discussion: """
            Keeps every commit reachable from a branch or tag (within its retention) or from the \
            staging area, and everything younger than the grace period (default one hour), so a \
            concurrent writer's fresh data is never collected. Deletes unreachable commits, trees \
            and chunk lists, then packs whose chunks are all unreachable; packs with at least 20% \
            unreachable bytes are rewritten without them. --dry-run lists what would go and \
            changes nothing.

            With --json: the report — {"dryRun", "commits", "trees", "chunkLists", "packs", \
            "repacks", "chunksDeleted", "packBytesFreed", "recordBytes", "statCachesDeleted", \
            "liveCommits", "liveChunks", "protectedRecords", "protectedPacks", "skipped", …}.
            """,
        options: [
            .workspace, .flag("dry-run", "list what would be deleted; change nothing"),
            .value("grace-seconds", "S", "keep anything younger than S seconds (default 3600)"), jsonFlag,
        ],
        run: { arguments, context in
            var grace: UInt64 = 3_600_000
            if let text = arguments.value("grace-seconds") {
                guard let seconds = UInt64(text), seconds <= 10 * 365 * 86_400 else {
                    throw MLOpsError(
                        .invalidArgument, "--grace-seconds takes a whole number of seconds",
                        value: TextTable.escapingControlCharacters(text))
                }
                grace = seconds * 1_000
            }
            let dryRun = arguments.flag("dry-run")
            let repository = try await repository(arguments, context, writing: !dryRun)
            let report = try await repository.collectGarbage(dryRun: dryRun, gracePeriodMilliseconds: grace)
            if arguments.flag("json") {
                context.out(try DataJSON.text(report))
                return
            }
            let verb = dryRun ? "would delete" : "deleted"
            context.out(
                "\(verb) \(report.commits.count) commits, \(report.trees.count) trees, "
                    + "\(report.chunkLists.count) chunk lists, \(report.chunksDeleted) chunks in "
                    + "\(report.packs.count) packs (\(report.repacks.count) rewritten); "
                    + "\(TextTable.bytes(report.bytesFreed)) \(dryRun ? "would be " : "")freed")
            for pack in report.packs {
                context.out("  pack \(pack.name): \(pack.reason.rawValue), \(TextTable.bytes(pack.bytes))")
            }
            for note in report.skipped { context.out("note: \(TextTable.escapingControlCharacters(note))") }
            context.out(
                "kept \(report.liveCommits) commits and \(report.liveChunks) chunks; \(report.protectedPacks) packs "
                    + "younger than the grace period")
        })
}
