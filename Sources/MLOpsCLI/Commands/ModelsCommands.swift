import MLOps

/// `mlops models list|show|register|alias set|alias delete|promote|rollback|audit`: the model
/// registry of a workspace (Deployment's `ModelRegistry`) — versions by content hash, aliases,
/// promotion gates and the audit log.
///
/// `register` creates a missing workspace; the commands that change a model need an existing
/// one; `list`, `show` and `audit` open it read-only. Every command takes `--json`: one JSON
/// value on standard output (the registry's own Codable records: `RegisteredModel`,
/// `ModelVersion`, `RegistryEvent`).
enum ModelsCommands {
    static var specs: [CommandSpec] {
        [list, show, register, aliasSet, aliasDelete, promote, rollback, audit]
    }

    static let jsonFlag = OptionSpec.flag("json", "print JSON (see above)")
    static let actorOption = OptionSpec.value("actor", "NAME", "who makes the change (default: $USER)")
    static let reasonOption = OptionSpec.value("reason", "TEXT", "why, recorded in the audit log")

    /// The workspace's registry: `.createIfMissing` for `register`, `.existing` for other
    /// changes, `.readOnly` for reads.
    static func registry(_ arguments: ParsedArguments, _ context: CommandContext, mode: Workspace.OpenMode)
        async throws -> ModelRegistry
    {
        try await Workspace.open(at: context.workspacePath(arguments), mode: mode).registry
    }

    /// The actor a change records: `--actor`, else `$USER`, else `unknown`.
    static func actor(_ arguments: ParsedArguments, _ context: CommandContext) -> String {
        arguments.value("actor") ?? context.environment["USER"] ?? "unknown"
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try RecordCoding.encode(value), as: UTF8.self)
    }

    /// A version number from the command line.
    static func versionNumber(_ text: String?, _ what: String) throws -> Int {
        guard let text, let number = Int(text), number >= 1 else {
            throw MLOpsError(.invalidArgument, "\(what) must be a version number (1, 2, …)", value: text ?? "")
        }
        return number
    }

    /// `k=v` metrics from repeated options.
    static func metrics(_ values: [String]) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        for text in values {
            guard let equals = text.firstIndex(of: "="), let value = Double(text[text.index(after: equals)...]) else {
                throw MLOpsError(.invalidArgument, "a metric is NAME=NUMBER, e.g. auc=0.91", value: text)
            }
            metrics[String(text[..<equals])] = value
        }
        return metrics
    }

    /// Prints an event as JSON, or its one-line form.
    static func printEvent(
        _ event: RegistryEvent?, _ arguments: ParsedArguments, _ context: CommandContext, none: String
    )
        throws
    {
        if arguments.flag("json") {
            context.out(event.map { try? json($0) }.flatMap { $0 } ?? "null")
        } else {
            context.out(event.map { TextTable.escapingControlCharacters("\($0.model): \($0.summary)") } ?? none)
        }
    }

    /// One audit line: time, sequence, actor, what changed, and why.
    static func line(_ event: RegistryEvent) -> String {
        var text =
            "\(TextTable.time(Int64(clamping: event.timeMilliseconds)))  #\(event.sequence)  \(event.actor)  "
            + event.summary
        if !event.reason.isEmpty { text += "  — \(event.reason)" }
        return TextTable.escapingControlCharacters(text)
    }

    static let list = CommandSpec(
        path: ["models", "list"],
        summary: "list the registered models with their newest version and aliases",
        discussion: "With --json: an array of {\"name\", \"description\", \"tags\", \"aliases\", \"latestVersion\", "
            + "\"createdMilliseconds\", \"updatedMilliseconds\"}.",
        options: [.workspace, jsonFlag],
        run: { arguments, context in
            let models = try await registry(arguments, context, mode: .readOnly).models()
            if arguments.flag("json") {
                context.out(try json(models))
                return
            }
            guard !models.isEmpty else {
                context.out("no registered models")
                return
            }
            var rows = [["NAME", "VERSIONS", "ALIASES", "UPDATED (UTC)", "DESCRIPTION"]]
            for model in models {
                let aliases = model.aliases.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                rows.append([
                    model.name, String(model.latestVersion), aliases.joined(separator: ","),
                    TextTable.time(Int64(clamping: model.updatedMilliseconds)), model.description,
                ])
            }
            TextTable.render(rows).forEach(context.out)
        })

    static let show = CommandSpec(
        path: ["models", "show"],
        summary: "show a registered model: description, tags, aliases and every version",
        discussion: "With --json: {\"model\": {…as in list}, \"versions\": [{\"name\", \"version\", "
            + "\"packageDigest\", \"packageSize\", \"format\", \"signature\", \"lineage\", \"author\", "
            + "\"description\", \"createdMilliseconds\"}]}.",
        options: [.workspace, jsonFlag],
        positionals: [PositionalSpec(name: "NAME", help: "the model's name")],
        run: { arguments, context in
            let name = arguments.positional(0) ?? ""
            let registry = try await registry(arguments, context, mode: .readOnly)
            let model = try await registry.registeredModel(name)
            let versions = try await registry.versions(of: name)
            if arguments.flag("json") {
                context.out(try json(Shown(model: model, versions: versions)))
                return
            }
            context.out(TextTable.escapingControlCharacters("model \(model.name)"))
            if !model.description.isEmpty {
                context.out(TextTable.escapingControlCharacters("description: \(model.description)"))
            }
            if !model.tags.isEmpty {
                context.out(TextTable.escapingControlCharacters("tags: " + ModelRegistry.describeTags(model.tags)))
            }
            let aliases = model.aliases.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }
            context.out(
                TextTable.escapingControlCharacters(
                    "aliases: " + (aliases.isEmpty ? "none" : aliases.joined(separator: ", "))))
            guard !versions.isEmpty else {
                context.out("no versions")
                return
            }
            var rows = [["VERSION", "ALIASES", "CREATED (UTC)", "AUTHOR", "FORMAT", "RUN", "PACKAGE", "METRICS"]]
            for version in versions {
                let metrics = version.lineage.metrics.keys.sorted().map {
                    "\($0)=\(TextTable.number(version.lineage.metrics[$0] ?? 0))"
                }
                rows.append([
                    String(version.version), model.aliases(of: version.version).joined(separator: ","),
                    TextTable.time(Int64(clamping: version.createdMilliseconds)), version.author,
                    version.format.rawValue, version.lineage.runID ?? "-",
                    "sha256:" + String(version.packageDigest.hexString.prefix(12)), metrics.joined(separator: ","),
                ])
            }
            TextTable.render(rows).forEach(context.out)
        })

    /// `models show --json`.
    struct Shown: Encodable {
        var model: RegisteredModel
        var versions: [ModelVersion]
    }

    static let audit = CommandSpec(
        path: ["models", "audit"],
        summary: "print a model's audit log, one line per event, oldest first",
        discussion: "Each line: time (UTC), #sequence, actor, what changed, and — the reason. With --json: an array "
            + "of {\"sequence\", \"model\", \"kind\", \"timeMilliseconds\", \"actor\", \"reason\", \"version\", "
            + "\"alias\", \"previousVersion\", \"sourceAlias\", \"passed\", \"gates\", \"detail\"}.",
        options: [.workspace, jsonFlag],
        positionals: [PositionalSpec(name: "NAME", help: "the model's name")],
        run: { arguments, context in
            let events = try await registry(arguments, context, mode: .readOnly).auditLog(
                of: arguments.positional(0) ?? "")
            if arguments.flag("json") {
                context.out(try json(events))
                return
            }
            for event in events {
                context.out(line(event))
                for gate in event.gates {
                    context.out(
                        TextTable.escapingControlCharacters(
                            "    \(gate.passed ? "pass" : "FAIL")  \(gate.gate): \(gate.detail)"))
                }
            }
        })
}

extension ModelRegistry {
    /// `a=1, b=2` in key order.
    static func describeTags(_ tags: [String: String]) -> String {
        tags.keys.sorted().map { "\($0)=\(tags[$0] ?? "")" }.joined(separator: ", ")
    }
}
