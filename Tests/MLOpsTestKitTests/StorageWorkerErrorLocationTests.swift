import MLOpsCore
import MLOpsTestKit
import Testing

/// `StorageWorker`'s usage errors record which check failed, not where the helper lives.
@Suite struct StorageWorkerErrorLocationTests {
    @Test func usageErrorsPointAtTheirOwnCheck() async {
        var locations: [String] = []
        for arguments in [[], ["kv-counter"], ["no-such-command", "location", "1"]] {
            do {
                try await StorageWorker.run(
                    arguments: arguments, openKeyValueStore: { _ in InMemoryKeyValueStore() },
                    openBlobStore: { _ in InMemoryBlobStore() })
                Issue.record("\(arguments) ran")
            } catch let error as MLOpsError {
                #expect(error.code == .invalidArgument)
                locations.append(error.location)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(locations.count == 3)
        #expect(Set(locations).count == 3, "\(locations)")
        #expect(locations.allSatisfy { $0.hasPrefix("MLOpsTestKit/StorageWorker.swift:") }, "\(locations)")
    }
}
