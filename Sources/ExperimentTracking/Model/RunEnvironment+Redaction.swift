extension RunEnvironment {
    /// What a redacted value is replaced with.
    public static let redactedPlaceholder = "<redacted>"

    /// The words that mark a name as naming a secret, matched case-insensitively anywhere in
    /// an option's or a variable's name (`--api-key`, `DB_PASSWORD`, `x-auth-token`).
    static let secretWords = ["password", "passwd", "token", "secret", "key", "credential"]

    /// `arguments` with every secret replaced by ``redactedPlaceholder``, for storing a command line.
    ///
    /// Redacted are:
    /// - the word after an option whose name holds a secret word (`--password VALUE`,
    ///   `--token VALUE`, `-api-key VALUE`), and the value of `--name=VALUE` forms;
    /// - the value of a `NAME=VALUE` word whose name holds one (`AWS_SECRET_ACCESS_KEY=…`);
    /// - the password of a URL with credentials (`https://user:pass@host/` keeps `user`).
    ///
    /// The secret words are `password`, `passwd`, `token`, `secret`, `key` and `credential`,
    /// matched case-insensitively anywhere in the name; a name that merely contains one (such as
    /// `--key-file`) is redacted too, since a missed secret costs more than a hidden path.
    /// Secrets passed any other way (a bare positional, a short option like `-p`) cannot be
    /// recognised: turn command-line capture off for such programs
    /// (``capturesCommandLine``).
    public static func redactingSecrets(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var redactNext = false
        for argument in arguments {
            if redactNext {
                result.append(redactedPlaceholder)
                redactNext = false
                continue
            }
            if argument.hasPrefix("-"), argument != "-", argument != "--" {
                let body = argument.drop { $0 == "-" }
                if let equals = body.firstIndex(of: "=") {
                    if namesSecret(body[..<equals]) {
                        result.append(String(argument[...equals]) + redactedPlaceholder)
                        continue
                    }
                } else if namesSecret(body) {
                    redactNext = true
                }
                result.append(argument)
                continue
            }
            if let equals = argument.firstIndex(of: "="), namesSecret(argument[..<equals]) {
                result.append(String(argument[...equals]) + redactedPlaceholder)
                continue
            }
            result.append(redactingURLPassword(argument))
        }
        return result
    }

    /// Whether `name` contains one of ``secretWords``, ignoring case.
    static func namesSecret(_ name: Substring) -> Bool {
        let lowered = name.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    /// `text` with the password of a `scheme://user:password@host` URL inside it redacted.
    static func redactingURLPassword(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://") else { return text }
        let authorityStart = scheme.upperBound
        let authorityEnd = text[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        let authority = text[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return text
        }
        return String(text[..<text.index(after: colon)]) + redactedPlaceholder + String(text[at...])
    }
}
