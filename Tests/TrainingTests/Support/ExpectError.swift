import MLOpsCore
import Testing

/// Expects `body` to throw an `MLOpsError` of `code` whose message or value contains `fragment`
/// (e.g. the row or parameter the error must name).
func expectMLOpsError(
    _ code: MLOpsError.Code, naming fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected an MLOpsError naming \(fragment)", sourceLocation: sourceLocation)
    } catch let error as MLOpsError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(
            error.message.contains(fragment) || (error.value ?? "").contains(fragment),
            "\(error.message) / \(error.value ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected an MLOpsError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Whether `a` and `b` agree to a relative (or, near zero, absolute) tolerance `tolerance`.
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * Swift.max(1, abs(b))
}
