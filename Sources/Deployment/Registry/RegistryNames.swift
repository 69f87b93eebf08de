import MLOpsCore

/// The rules for the names a registry accepts: model names and aliases.
enum RegistryNames {
    /// The longest model name, in UTF-8 bytes.
    static let maxModelNameLength = 255
    /// The longest alias, in characters (MLflow's limit).
    static let maxAliasLength = 255
    /// The longest tag key, metric name or evaluation-set name, in UTF-8 bytes.
    static let maxKeyLength = 250
    /// The longest tag value, description or reason, in UTF-8 bytes.
    static let maxTextLength = 5_000

    /// Checks a model name: 1 to 255 bytes, no control characters, none of `/`, `@` (they
    /// separate a name from a version or alias in a reference), no leading or trailing space.
    static func checkModelName(_ name: String) throws {
        let shown = DisplayText.escapingControlCharacters(String(name.prefix(300)))
        guard !name.isEmpty, name.utf8.count <= maxModelNameLength else {
            throw MLOpsError(
                .invalidArgument, "a model name must have 1 to \(maxModelNameLength) bytes of UTF-8", value: shown)
        }
        let bad = name.unicodeScalars.contains { scalar in
            scalar == "/" || scalar == "@" || scalar.properties.generalCategory == .control
        }
        guard !bad, name.first?.isWhitespace == false, name.last?.isWhitespace == false else {
            throw MLOpsError(
                .invalidArgument,
                "a model name must not contain '/', '@' or control characters, nor start or end with a space",
                value: shown)
        }
    }

    /// Checks an alias by MLflow's rules: 1 to 255 characters matching `^[\w\-]*$` (letters,
    /// digits, `_`, `-`), not `latest` (any case), not `v<digits>` (any case).
    static func checkAlias(_ alias: String) throws {
        let shown = DisplayText.escapingControlCharacters(String(alias.prefix(300)))
        guard !alias.isEmpty, alias.unicodeScalars.count <= maxAliasLength else {
            throw MLOpsError(
                .invalidArgument, "an alias must have 1 to \(maxAliasLength) characters", value: shown)
        }
        let allowed = alias.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        guard allowed else {
            throw MLOpsError(
                .invalidArgument, "an alias may only contain letters, digits, '_' and '-' (MLflow's ^[\\w\\-]*$)",
                value: shown)
        }
        if alias.lowercased() == "latest" {
            throw MLOpsError(
                .invalidArgument, "the alias 'latest' is reserved: it always means the newest version",
                value: shown)
        }
        let lower = Array(alias.utf8)
        if lower.count > 1, lower[0] == UInt8(ascii: "v") || lower[0] == UInt8(ascii: "V"),
            lower.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        {
            throw MLOpsError(
                .invalidArgument, "aliases of the form v<digits> are reserved for version numbers", value: shown)
        }
    }

    /// Checks a short key: a tag key, metric name or evaluation-set name.
    static func checkKey(_ key: String, _ what: String) throws {
        guard !key.isEmpty, key.utf8.count <= maxKeyLength,
            !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw MLOpsError(
                .invalidArgument, "\(what) must have 1 to \(maxKeyLength) bytes and no control characters",
                value: DisplayText.escapingControlCharacters(String(key.prefix(300))))
        }
    }

    /// Checks a free text: a tag value, description, reason or actor.
    static func checkText(_ text: String, _ what: String) throws {
        guard text.utf8.count <= maxTextLength else {
            throw MLOpsError(
                .limitExceeded, "\(what) is longer than \(maxTextLength) bytes",
                value: DisplayText.escapingControlCharacters(String(text.prefix(100))))
        }
    }

    /// `n` as decimal digits padded with zeros to `width`, so that IDs sort by number.
    static func padded(_ n: Int, width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
