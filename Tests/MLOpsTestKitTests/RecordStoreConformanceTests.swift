import MLOpsCore
import MLOpsTestKit
import Testing

@Suite("RecordStore on the in-memory and fault-injecting stores")
struct RecordStoreConformanceTests {
    @Test("in-memory store passes RecordStoreConformance", arguments: RecordStoreConformance.checkNames)
    func inMemory(check: String) async throws {
        try await RecordStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: check)
    }

    @Test("a slow FaultyKeyValueStore passes RecordStoreConformance")
    func slowFaulty() async throws {
        try await RecordStoreConformance {
            FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .delay(.microseconds(50)))
        }.run()
    }

    /// Commits that fail at random (some after being applied) never leave an index that
    /// disagrees with its records: every operation either happened whole or not at all.
    @Test func failingCommitsNeverSplitARecordFromItsIndexes() async throws {
        let base = InMemoryKeyValueStore()
        let faulty = FaultyKeyValueStore(wrapping: base, plan: .none)
        let namespace = try RecordNamespace("faults", owner: "tests")
        let records = try await RecordStore.open(namespace, on: faulty)
        faulty.setPlan(.failWrites(probability: 0.3, seed: 7))
        var failures = 0
        var random = SeededRandom(seed: 11)
        for step in 0..<400 {
            let id = "r\(random.next() % 40)"
            let record = Item(id: id, name: "n\(random.next() % 60)", group: "g\(step % 5)")
            do {
                switch random.next() % 3 {
                case 0: try await records.save(record)
                case 1: try await records.delete(Item.self, id: id)
                default: try await records.update(Item.self, id: id) { $0.group = "moved" }
                }
            } catch let error as MLOpsError
                where [.injectedFault, .conflict, .notFound].contains(error.code)
            {
                failures += 1
            }
        }
        #expect(faulty.injectedFaultCount > 20)
        #expect(failures > 20)
        var report = StoreCheckReport(component: "tests")
        try await RecordStore(checking: namespace, on: base).check(Item.self, into: &report)
        #expect(report.problems == [])
        #expect(report.recordsChecked > 0)
    }

    struct Item: StoredRecord {
        static let recordType = "item"
        static let indexes: [RecordIndex<Item>] = [
            RecordIndex("name", unique: true) { $0.name }, RecordIndex("group") { $0.group },
        ]
        var id: String
        var name: String
        var group: String
        var recordID: String { id }
    }
}
