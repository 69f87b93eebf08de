import MLOpsCore

extension MLP {
    /// The names ``init(parameters:)`` accepts and ``parameters`` lists (scikit-learn's).
    public static let parameterNames: [String] = [
        "activation", "alpha", "batch_size", "beta_1", "beta_2", "early_stopping", "epsilon", "hidden_layer_sizes",
        "learning_rate", "learning_rate_init", "max_iter", "momentum", "n_iter_no_change", "nesterovs_momentum",
        "power_t", "shuffle", "solver", "tol", "validation_fraction",
    ]

    /// Every hyperparameter as text, by its scikit-learn name: `hidden_layer_sizes` as
    /// comma-separated sizes (`"128,64"`), `batch_size` as `auto` or a number, booleans as
    /// `true`/`false`.
    public var parameters: [String: String] {
        [
            "hidden_layer_sizes": hiddenLayerSizes.map(String.init).joined(separator: ","),
            "activation": activation.rawValue,
            "solver": solver.rawValue,
            "alpha": "\(alpha)",
            "batch_size": batchSize.map(String.init) ?? "auto",
            "learning_rate": learningRate.rawValue,
            "learning_rate_init": "\(learningRateInit)",
            "power_t": "\(powerT)",
            "max_iter": String(maxIter),
            "shuffle": String(shuffle),
            "tol": "\(tol)",
            "momentum": "\(momentum)",
            "nesterovs_momentum": String(nesterovsMomentum),
            "early_stopping": String(earlyStopping),
            "validation_fraction": "\(validationFraction)",
            "beta_1": "\(beta1)",
            "beta_2": "\(beta2)",
            "epsilon": "\(epsilon)",
            "n_iter_no_change": String(nIterNoChange),
        ]
    }

    /// An MLP with the defaults, changed by `parameters` (names as in ``parameters``, e.g.
    /// `["hidden_layer_sizes": "128,64", "max_iter": "500"]`; `activation` also takes `sigmoid` for
    /// `logistic`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an unknown name (listing the valid ones), a value
    ///   that does not parse, or one outside its range (see ``validate()``), naming the parameter.
    public init(parameters: [String: String]) throws {
        self.init()
        for name in parameters.keys.sorted() {
            let text = parameters[name] ?? ""
            let value = text.trimmingSpaces
            func bad(_ expected: String) -> MLOpsError {
                MLOpsError(
                    .invalidArgument, "the MLP parameter \(name) must be \(expected); got \"\(text)\"", value: text)
            }
            func double() throws -> Double {
                guard let number = Double(value), number.isFinite else { throw bad("a number") }
                return number
            }
            func int() throws -> Int {
                guard let number = Int(value) else { throw bad("an integer") }
                return number
            }
            func bool() throws -> Bool {
                switch value.lowercased() {
                case "true", "1", "yes": return true
                case "false", "0", "no": return false
                default: throw bad("true or false")
                }
            }
            func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws -> T where T.RawValue == String {
                guard let parsed = T(rawValue: value.lowercased()) else {
                    throw bad("one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return parsed
            }
            switch name {
            case "hidden_layer_sizes":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false).map {
                    String($0).trimmingSpaces
                }
                if value.isEmpty {
                    hiddenLayerSizes = []
                } else {
                    hiddenLayerSizes = try parts.map {
                        guard let size = Int($0) else { throw bad("comma-separated layer sizes such as 128,64") }
                        return size
                    }
                }
            case "activation":
                activation = value.lowercased() == "sigmoid" ? .logistic : try choice(Activation.self)
            case "solver": solver = try choice(Solver.self)
            case "alpha": alpha = try double()
            case "batch_size": batchSize = value.lowercased() == "auto" ? nil : try int()
            case "learning_rate": learningRate = try choice(LearningRate.self)
            case "learning_rate_init": learningRateInit = try double()
            case "power_t": powerT = try double()
            case "max_iter": maxIter = try int()
            case "shuffle": shuffle = try bool()
            case "tol": tol = try double()
            case "momentum": momentum = try double()
            case "nesterovs_momentum": nesterovsMomentum = try bool()
            case "early_stopping": earlyStopping = try bool()
            case "validation_fraction": validationFraction = try double()
            case "beta_1": beta1 = try double()
            case "beta_2": beta2 = try double()
            case "epsilon": epsilon = try double()
            case "n_iter_no_change": nIterNoChange = try int()
            default:
                throw MLOpsError(
                    .invalidArgument,
                    "the MLP has no parameter \(name); valid parameters: "
                        + Self.parameterNames.joined(separator: ", "), value: name)
            }
        }
        try validate()
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[start...end])
    }
}
