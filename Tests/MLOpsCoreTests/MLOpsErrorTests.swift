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

    struct SystemFailure: Error, CustomStringConvertible {
        var description: String { "disk on fire" }
    }

    @Test func carriesAnUnderlyingCauseWithoutChangingEquality() {
        let error = MLOpsError(.ioError, "could not write the index", value: "/x", cause: SystemFailure())
        #expect(error.underlying is SystemFailure)
        #expect(error.description == "io_error: could not write the index (value: \"/x\") (cause: disk on fire)")
        #expect(error == MLOpsError(.ioError, "other"))
        #expect(error.hashValue == MLOpsError(.ioError, "other").hashValue)
        #expect(MLOpsError(.ioError, "no cause").underlying == nil)
    }

    /// Helpers that build an error for their caller record the caller's line, so two
    /// call sites of one helper give two locations.
    @Test func errorFactoriesRecordTheCallersLocation() throws {
        let column = Column.string("name", ["a", "b"])
        var locations: [String] = []
        for convert in [{ _ = try column.doubles() }, { _ = try column.floats() }] {
            do {
                try convert()
                Issue.record("a text column converted to numbers")
            } catch let error as MLOpsError {
                #expect(error.location.hasPrefix("MLOpsCore/Column.swift:"))
                locations.append(error.location)
            }
        }
        #expect(locations.count == 2)
        #expect(Set(locations).count == 2)
    }
}
