import MLOpsCore
import Testing

@Suite struct MLOpsErrorTests {
    @Test func describesCodeMessageAndValue() {
        let error = MLOpsError(.invalidArgument, "limit must be positive", value: "-3")
        #expect(error.description == "invalid_argument: limit must be positive (value: \"-3\")")
        #expect(error.location.hasPrefix("MLOpsCoreTests/MLOpsErrorTests.swift:"))
    }

    @Test func equalityAndPatternMatchingUseTheCode() {
        let a = MLOpsError(.notFound, "one")
        let b = MLOpsError(.notFound, "two", value: "x")
        #expect(a == b)
        #expect(a != MLOpsError(.conflict, "one"))
        var matched = false
        do { throw b } catch MLOpsError.notFound { matched = true } catch {}
        #expect(matched)
    }

    @Test func truncatesLongValues() {
        let error = MLOpsError(.parseError, "bad", value: String(repeating: "x", count: 1_000))
        #expect(error.value?.count == 201)
    }

    @Test func codesAreOpenForExtension() {
        let custom = MLOpsError.Code(rawValue: "quota_exceeded")
        #expect(MLOpsError(custom, "over").code.rawValue == "quota_exceeded")
    }
}
