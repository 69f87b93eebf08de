import MLOps

extension ModelsCommands {
    static let register = CommandSpec(
        path: ["models", "register"],
        summary: "register a model file as the next version of a model",
        discussion: """
            MODEL is any file 'mlops predict' reads (model package, XGBoost JSON, LightGBM text, ONNX); it \
            is stored as a model package under its SHA-256, once however often it is registered. The \
            model is created if it is new. --metric may be given several times.

            With --json: the new version, {"name", "version", "packageDigest", …} as in 'models show'.
            """,
        options: [
            .workspace, .required("name", "NAME", "the registered model's name"),
            .value("description", "TEXT", "the version's description"),
            .value("run-id", "RUN_ID", "the tracking run that produced it"),
            .value("data-version", "ID", "the dataset version it was trained on"),
            .repeatable("metric", "NAME=VALUE", "a metric at registration, e.g. auc=0.91"),
            actorOption, reasonOption, jsonFlag,
        ],
        positionals: [PositionalSpec(name: "MODEL", help: "the model file")],
        run: { arguments, context in
            let path = try context.absolutePath(arguments.positional(0) ?? "")
            let metrics = try metrics(arguments.values("metric"))
            let model = try Model(contentsOf: path)
            let registry = try await registry(arguments, context, mode: .createIfMissing)
            let version = try await registry.register(
                model, name: arguments.value("name") ?? "", description: arguments.value("description") ?? "",
                lineage: ModelVersion.Lineage(
                    runID: arguments.value("run-id"), dataVersion: arguments.value("data-version"), metrics: metrics,
                    source: path),
                actor: actor(arguments, context), reason: arguments.value("reason"))
            if arguments.flag("json") {
                context.out(try json(version))
            } else {
                context.out(
                    TextTable.escapingControlCharacters(
                        "registered \(version.name) version \(version.version) (\(version.format), package "
                            + "sha256:\(version.packageDigest.hexString.prefix(12))…, \(version.packageSize) bytes)"))
            }
        })

    static let aliasSet = CommandSpec(
        path: ["models", "alias", "set"],
        summary: "point an alias (champion, challenger, …) at a version",
        discussion: """
            ALIAS follows MLflow's rules: letters, digits, '_' and '-', at most 255 characters; 'latest' \
            and v<digits> are reserved. --expect makes the move a compare-and-swap: it fails with a \
            conflict unless the alias points at that version now ('none': unset).

            With --json: the audit event recorded, or null if the alias already pointed there.
            """,
        options: [
            .workspace, .value("expect", "VERSION", "move only if the alias points at VERSION now ('none': unset)"),
            actorOption, reasonOption, jsonFlag,
        ],
        positionals: [
            PositionalSpec(name: "NAME", help: "the model's name"), PositionalSpec(name: "ALIAS", help: "the alias"),
            PositionalSpec(name: "VERSION", help: "the version it should point at"),
        ],
        run: { arguments, context in
            let version = try versionNumber(arguments.positional(2), "VERSION")
            let registry = try await registry(arguments, context, mode: .existing)
            let event = try await registry.setAlias(
                arguments.positional(0) ?? "", arguments.positional(1) ?? "", version: version,
                expecting: try expectation(arguments.value("expect")), actor: actor(arguments, context),
                reason: arguments.value("reason"))
            try printEvent(event, arguments, context, none: "unchanged: the alias already points at version \(version)")
        })

    static let aliasDelete = CommandSpec(
        path: ["models", "alias", "delete"],
        summary: "delete an alias",
        discussion: "With --json: the audit event recorded, or null if there was no such alias.",
        options: [
            .workspace, .value("expect", "VERSION", "delete only if the alias points at VERSION now"), actorOption,
            reasonOption, jsonFlag,
        ],
        positionals: [
            PositionalSpec(name: "NAME", help: "the model's name"), PositionalSpec(name: "ALIAS", help: "the alias"),
        ],
        run: { arguments, context in
            let registry = try await registry(arguments, context, mode: .existing)
            let event = try await registry.deleteAlias(
                arguments.positional(0) ?? "", arguments.positional(1) ?? "",
                expecting: try expectation(arguments.value("expect")), actor: actor(arguments, context),
                reason: arguments.value("reason"))
            try printEvent(event, arguments, context, none: "unchanged: there is no such alias")
        })

    static let promote: CommandSpec = CommandSpec(
        path: ["models", "promote"],
        summary: "move an alias to the version another alias names, if it passes the gates",
        discussion: """
            The gates: the challenger's signature must be compatible with the current champion's; with \
            --metric, the challenger's metric must beat the champion's by at least --margin (default 0), \
            read from the evaluation set --eval-set (default: the metrics given at registration). Every \
            gate's result is recorded in the audit log; the alias moves only if all pass, else the \
            command fails listing the failed gates. --from latest promotes the newest version.

            With --json: the audit event recorded (also when the gates blocked the promotion).
            """,
        options: [
            .workspace, .value("from", "ALIAS", "the challenger's alias (default: challenger)"),
            .value("to", "ALIAS", "the alias to move (default: champion)"),
            .value("metric", "NAME", "a metric the challenger must improve"),
            .value("margin", "NUMBER", "by at least this much (default 0)"),
            .value("eval-set", "SET", "the evaluation set the metric is read from"),
            .flag("lower-is-better", "a smaller metric is better (a loss)"), actorOption, reasonOption, jsonFlag,
        ],
        positionals: [PositionalSpec(name: "NAME", help: "the model's name")],
        run: { arguments, context in
            var margin = 0.0
            if let text = arguments.value("margin") {
                guard let value = Double(text), value.isFinite else {
                    throw MLOpsError(.invalidArgument, "--margin must be a number", value: text)
                }
                margin = value
            }
            if arguments.value("metric") == nil, arguments.value("margin") != nil || arguments.value("eval-set") != nil
            {
                throw UsageError(message: "--margin and --eval-set need --metric", usage: promote.usage)
            }
            let name = arguments.positional(0) ?? ""
            let registry = try await registry(arguments, context, mode: .existing)
            let policy = PromotionPolicy.standard(
                metric: arguments.value("metric"), on: arguments.value("eval-set"),
                arguments.flag("lower-is-better") ? .lowerIsBetter : .higherIsBetter, margin: margin)
            do {
                let result = try await registry.promote(
                    name, from: arguments.value("from") ?? "challenger", to: arguments.value("to") ?? "champion",
                    policy: policy, actor: actor(arguments, context), reason: arguments.value("reason"))
                try printPromotion(result.event, arguments, context)
            } catch let error as MLOpsError where error.code == .promotionBlocked {
                let event = try? await registry.auditLog(of: name).last
                try printPromotion(event, arguments, context)
                throw error
            }
        })

    /// The promotion event: JSON, or its summary and one line per gate.
    static func printPromotion(_ event: RegistryEvent?, _ arguments: ParsedArguments, _ context: CommandContext)
        throws
    {
        guard let event else { return }
        if arguments.flag("json") {
            context.out(try json(event))
            return
        }
        context.out(TextTable.escapingControlCharacters("\(event.model): \(event.summary)"))
        for gate in event.gates {
            context.out(
                TextTable.escapingControlCharacters("  \(gate.passed ? "pass" : "FAIL")  \(gate.gate): \(gate.detail)"))
        }
    }

    static let rollback = CommandSpec(
        path: ["models", "rollback"],
        summary: "move an alias back to its previous target",
        discussion: """
            Each rollback steps one move further back in the alias's history (the moves the audit log \
            records). Fails if the alias has no earlier target.

            With --json: the audit event recorded.
            """,
        options: [
            .workspace, .value("expect", "VERSION", "roll back only if the alias points at VERSION now"), actorOption,
            reasonOption, jsonFlag,
        ],
        positionals: [
            PositionalSpec(name: "NAME", help: "the model's name"), PositionalSpec(name: "ALIAS", help: "the alias"),
        ],
        run: { arguments, context in
            let registry = try await registry(arguments, context, mode: .existing)
            let event = try await registry.rollback(
                arguments.positional(0) ?? "", arguments.positional(1) ?? "",
                expecting: try expectation(arguments.value("expect")), actor: actor(arguments, context),
                reason: arguments.value("reason"))
            try printEvent(event, arguments, context, none: "")
        })

    /// `--expect VERSION|none`, or anything when not given.
    static func expectation(_ text: String?) throws -> AliasExpectation {
        guard let text else { return .anything }
        if text.lowercased() == "none" { return .unset }
        return .version(try versionNumber(text, "--expect"))
    }
}
