import MLOpsCore
import Testing

@testable import InferenceCore

/// The importers' and runtime's error helpers record where they were called, not where they live.
@Suite struct ErrorLocationTests {
    @Test func malformedJSONErrorsPointAtTheirOwnCheck() {
        var locations: [String] = []
        for text in [#"{"learner": {}} trailing"#, #"{"learner": tru}"#, #"{"learner": [1, }"#] {
            do {
                _ = try XGBoostImporter.ensemble(json: Array(text.utf8))
                Issue.record("'\(text)' imported")
            } catch let error as MLOpsError {
                #expect(error.code == .parseError)
                locations.append(error.location)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(locations.count == 3)
        #expect(Set(locations).count == 3, "\(locations)")
        // The lexing checks live in MLOpsCore's shared JSON scanner, the structural ones in the reader.
        #expect(
            locations.allSatisfy {
                $0.hasPrefix("InferenceCore/XGBoostJSON.swift:") || $0.hasPrefix("MLOpsCore/JSONScanner.swift:")
            }, "\(locations)")
    }

    @Test func factoriesForwardTheirCallersLocation() {
        let first = PackageError.corrupt("a")
        let second = PackageError.corrupt("a")
        let limit = PackageError.limit("a", 2, 1)
        let graph = GraphError.graph("a")
        let locations = [first, second, limit, graph].map(\.location)
        #expect(locations.allSatisfy { $0.hasPrefix("InferenceCoreTests/ErrorLocationTests.swift:") }, "\(locations)")
        #expect(Set(locations).count == 4, "\(locations)")
    }
}
