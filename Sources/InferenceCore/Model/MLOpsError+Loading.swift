import MLOpsCore

extension MLOpsError {
    /// This error with its message prefixed by which file (or bytes) was being loaded as what,
    /// e.g. "cannot load model.json as XGBoost JSON: the XGBoost JSON has no `learner` object".
    /// The code and source location are kept; the value defaults to `source`.
    func loading(_ source: String, as what: String) -> MLOpsError {
        var wrapped = MLOpsError(
            code, "cannot load \(source) as \(what): \(Self.clause(message))", value: value ?? source)
        wrapped.location = location
        return wrapped
    }

    /// `message` as the tail of a sentence: a leading capital of an ordinary word lowered ("The
    /// model…" → "the model…", but "ONNX…" stays) and a final period dropped.
    static func clause(_ message: String) -> String {
        var text = message
        if text.hasSuffix(".") { text.removeLast() }
        let letters = Array(text.prefix(2))
        if letters.count == 2, letters[0].isUppercase, letters[1].isLowercase {
            text = letters[0].lowercased() + text.dropFirst()
        }
        return text
    }
}

/// Runs `body`, prefixing any `MLOpsError` it throws with the file being loaded (see
/// `MLOpsError.loading(_:as:)`). Errors that already name `source` (file errors) pass unchanged.
func loading<T>(_ source: String, as what: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as MLOpsError {
        if error.value == source, error.message.contains(source) { throw error }
        throw error.loading(source, as: what)
    }
}
