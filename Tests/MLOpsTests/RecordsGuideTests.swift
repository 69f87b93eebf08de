import Foundation
import MLOps
import Testing

// The snippets of Documentation/Records.md, verbatim (indentation aside), run against a workspace.

// RECORDS-GUIDE-BEGIN
struct Item: StoredRecord {
    static let recordType = "item"
    static let schemaVersion = 2
    static let indexes: [RecordIndex<Item>] = [
        RecordIndex("sku", unique: true) { $0.sku },  // one record per value
        RecordIndex("shelf") { $0.shelf },  // many records per value
        RecordIndex("tag") { $0.tags },  // several values per record
    ]
    var id: String
    var sku: String
    var shelf: String?
    var tags: [String] = []
    var recordID: String { id }
}

func recordsGuide(workspace: Workspace, store: any KeyValueStore) async throws -> (Item?, Int, [String]) {
    let namespace = try RecordNamespace("inventory", owner: "MyApp")
    let records = try await RecordStore.open(namespace, on: workspace.metadata)

    try await records.insert(Item(id: "i1", sku: "A-100", shelf: "3"))  // conflict if "i1" exists
    let found = try await records.get(Item.self, unique: "sku", value: "A-100")
    let page = try await records.lookup(Item.self, index: "shelf", value: "3", limit: 50)

    let migrations = [
        RecordMigration("shelves are strings") { tx in
            for entry in try await tx.all(Item.self) { try await tx.save(entry.record) }
        }
    ]
    let migrated = try await RecordStore.open(namespace, on: store, migrations: migrations)
    return (found?.record, page.records.count, try await migrated.appliedMigrations())
}
// RECORDS-GUIDE-END

@Suite struct RecordsGuideTests {
    @Test func theGuideSnippetsAreThisCode() throws {
        let testFile = URL(fileURLWithPath: #filePath)
        let root = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let guide = try String(
            contentsOf: root.appendingPathComponent("Documentation/Records.md"), encoding: .utf8)
        let source = try String(contentsOf: testFile, encoding: .utf8)
        guard let begin = source.range(of: "// RECORDS-GUIDE-BEGIN\n"),
            let end = source.range(of: "// RECORDS-GUIDE-END")
        else {
            Issue.record("markers missing")
            return
        }
        let code = Self.trimmedLines(String(source[begin.upperBound..<end.lowerBound]))
        var blocks = guide.components(separatedBy: "```swift\n").dropFirst().map {
            $0.components(separatedBy: "```")[0]
        }
        blocks = blocks.map { $0.replacingOccurrences(of: "import MLOpsCore\n", with: "") }
        #expect(blocks.count == 4, "Documentation/Records.md's swift blocks")
        for block in blocks {
            let lines = Self.trimmedLines(block)
            let found = (0...(code.count - lines.count)).contains { Array(code[$0..<($0 + lines.count)]) == lines }
            #expect(found, "Documentation/Records.md shows code this test does not run:\n\(block)")
        }
    }

    @Test func theGuideRuns() async throws {
        let workspace = Workspace.inMemory()
        let (found, shelfCount, applied) = try await recordsGuide(workspace: workspace, store: workspace.metadata)
        #expect(found?.id == "i1")
        #expect(shelfCount == 1)
        #expect(applied == ["shelves are strings"])
        #expect(try await workspace.check().isHealthy)
    }

    static func trimmedLines(_ text: String) -> [String] {
        // Runs of spaces count as one, so the formatter's alignment of comments does not matter.
        text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }.filter { !$0.isEmpty }
    }
}
