import ExperimentTracking
import MLOpsCore
import Testing

/// The tracking module's error helpers record where they were called, not where they live.
@Suite struct ErrorLocationTests {
    @Test func filterErrorsPointAtTheirOwnCheck() {
        var locations: Set<String> = []
        for text in ["metrics.acc >", "metrics.acc ~ 1", "nonsense.acc > 1", "metrics.acc > 1 AND", "params.lr > 'x'"] {
            do {
                _ = try RunFilter(text)
                Issue.record("'\(text)' parsed")
            } catch let error as MLOpsError {
                #expect(error.code == .parseError)
                locations.insert(error.location)
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(locations.count >= 3, "\(locations)")
    }
}
