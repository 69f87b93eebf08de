import MLOps

extension DataCommands {
    static let push: CommandSpec = transfer(pushing: true)
    static let pull: CommandSpec = transfer(pushing: false)

    /// `mlops data push|pull REMOTE_DIR [--refs NAMES] [--force]`.
    private static func transfer(pushing: Bool) -> CommandSpec {
        let verb = pushing ? "push" : "pull"
        return CommandSpec(
            path: ["data", verb],
            summary: pushing
                ? "copy branches and tags, and only the data the remote lacks, to a remote directory"
                : "copy branches and tags, and only the data this workspace lacks, from a remote directory",
            discussion: """
                A remote is a directory used as a blob store (a mounted share, another disk); \
                \(pushing ? "it is created if missing" : "it must exist"). Only missing chunks and \
                objects move; each is verified against its id on arrival and a pack becomes visible \
                only once read back. An interrupted transfer is resumed by running it again. \
                Branches move only forward (the old commit must be an ancestor of the new one) \
                unless --force; tags never move.

                With --json: {"objectsCopied", "objectBytes", "objectsSkipped", "chunksCopied", \
                "chunkBytes", "chunksSkipped", "packsWritten", "refsUpdated"}; each ref update \
                {"name", "kind", "old", "new", "forced"}.
                """,
            options: [
                .workspace,
                .value("refs", "NAMES", "transfer only these branches and tags, comma-separated (default: all)"),
                .flag("force", "move branches even when it is not a fast-forward"), jsonFlag,
            ],
            positionals: [PositionalSpec(name: "REMOTE_DIR", help: "the remote's directory")],
            run: { arguments, context in
                let path = try context.absolutePath(arguments.positional(0) ?? "")
                if !pushing, Platform.status(path: path)?.type != .directory {
                    throw MLOpsError(
                        .notFound, "no such remote directory", value: TextTable.escapingControlCharacters(path))
                }
                let remote = try FileBlobStore(root: path)
                let repository = try await repository(arguments, context, writing: !pushing)
                let refs = (arguments.value("refs") ?? "").split(separator: ",").map(String.init)
                let report =
                    pushing
                    ? try await repository.push(
                        to: remote, refs: refs.isEmpty ? nil : refs, force: arguments.flag("force"))
                    : try await repository.pull(
                        from: remote, refs: refs.isEmpty ? nil : refs, force: arguments.flag("force"))
                if arguments.flag("json") {
                    context.out(try DataJSON.text(report))
                    return
                }
                context.out(
                    "\(pushing ? "pushed" : "pulled") \(report.chunksCopied) chunks and \(report.objectsCopied) "
                        + "objects (\(TextTable.bytes(report.bytes))) in \(report.packsWritten) packs; "
                        + "\(report.chunksSkipped) chunks and \(report.objectsSkipped) objects were already there")
                for update in report.refsUpdated {
                    context.out(
                        "  \(update.kind.rawValue) \(TextTable.escapingControlCharacters(update.name)): "
                            + "\(update.old?.short ?? "(new)") → \(update.new.short)\(update.forced ? " (forced)" : "")"
                    )
                }
                if report.refsUpdated.isEmpty { context.out("  every ref was up to date") }
            })
    }
}
