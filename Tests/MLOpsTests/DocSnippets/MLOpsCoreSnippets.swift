import Foundation
import MLOps
import Synchronization
import Testing

// The Swift blocks of MLOpsCore's doc comments, verbatim (indentation aside) between the
// declarations of the context they assume; DocSnippetTests checks that they stay so.

// Sources/MLOpsCore/Records/StoredRecord.swift
struct DatasetRecord: StoredRecord {
    static let recordType = "dataset"
    static let schemaVersion = 2
    static let indexes = [RecordIndex<DatasetRecord>("name", unique: true) { $0.name }]
    var id: String
    var name: String
    var recordID: String { id }
}

// Sources/MLOpsCore/Records/RecordIndex.swift
enum RecordIndexSnippet {
    struct Dataset: StoredRecord {
        static let recordType = "dataset"
        static let indexes = [
            RecordIndex<Dataset>("name", unique: true) { $0.name },  // one value per record
            RecordIndex<Dataset>("tag") { $0.tags },  // several values per record (or none)
        ]
        var id: String
        var name: String
        var tags: [String]
        var recordID: String { id }
    }
}

enum MLOpsCoreSnippets {
    // Sources/MLOpsCore/Concurrency/BlockingExecutor.swift
    static func blockingExecutor(path: String) async throws -> Table {
        let executor = BlockingExecutor(name: "blob-io", threadCount: 4)
        let table = try await executor.run { try Table.readCSV(path: path) }  // the caller's thread is free meanwhile
        executor.shutdown(waiting: true)
        return table
    }

    // Sources/MLOpsCore/Errors/MLOpsError.swift
    static func mlopsError(store: any BlobStore, bytes: [UInt8]) async throws {
        do {
            try await store.put("../escape", data: bytes)
        } catch let error as MLOpsError where error.code == .invalidArgument {
            print(error.message)
        }
    }

    // Sources/MLOpsCore/Hashing/SHA256.swift
    static func sha256(header: [UInt8], payload: [UInt8]) -> (SHA256Digest, SHA256Digest) {
        let digest = SHA256.hash(Array("abc".utf8))

        var hasher = SHA256()
        hasher.update(header)
        hasher.update(payload)
        let same = hasher.finalize()
        return (digest, same)
    }

    // Sources/MLOpsCore/Hashing/SHA256Digest.swift
    static func sha256Digest() -> SHA256Digest {
        let digest = SHA256.hash(Array("abc".utf8))
        print(digest.hexString)  // ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert(SHA256Digest(hex: digest.hexString) == digest)
        return digest
    }

    // Sources/MLOpsCore/Identifiers/SortableID.swift
    static func sortableID() throws -> (SortableID, SortableID) {
        let runID = SortableID()  // now, from the process-wide generator
        let text = runID.description  // 26 characters
        let same = try SortableID(parsing: text)  // == runID
        return (runID, same)
    }

    // Sources/MLOpsCore/Identifiers/SortableIDGenerator.swift
    static func sortableIDGenerator() -> SortableID {
        let ids = SortableIDGenerator(random: SeededRandom(seed: 1), clock: { 1_700_000_000_000 })
        let first = ids.next()
        return first
    }

    // Sources/MLOpsCore/Random/SeededRandom.swift (the type)
    static func seededRandom() throws -> [Double] {
        var rows = (0..<100).map(Double.init)
        var random = SeededRandom(seed: 42)
        let x = random.nextDouble()  // in [0, 1)
        let i = random.int(in: 0..<10)  // unbiased
        let z = random.normal(mean: 0, standardDeviation: 1)
        random.shuffle(&rows)
        let batch = try random.sample(k: 32, from: rows)
        return [x, Double(i), z] + batch
    }

    // Sources/MLOpsCore/Random/SeededRandom.swift (split())
    static func seededRandomSplit() -> [SeededRandom] {
        var root = SeededRandom(seed: 7)
        let workers = (0..<4).map { _ in root.split() }  // 4 reproducible, disjoint streams
        return workers
    }

    // Sources/MLOpsCore/Records/RecordMigration.swift
    static func recordMigration(namespace: RecordNamespace, store: any KeyValueStore) async throws -> RecordStore {
        let migrations = [
            RecordMigration("v2: index datasets by name") { tx in
                for entry in try await tx.all(DatasetRecord.self) { try await tx.save(entry.record) }
            }
        ]
        let records = try await RecordStore.open(namespace, on: store, migrations: migrations)
        return records
    }

    // Sources/MLOpsCore/Records/RecordStore.swift
    static func recordStore(workspace: Workspace, migrations: [RecordMigration]) async throws
        -> VersionedRecord<DatasetRecord>?
    {
        let namespace = try RecordNamespace("data", owner: "DataVersioning")
        let records = try await RecordStore.open(namespace, on: workspace.metadata, migrations: migrations)
        try await records.insert(DatasetRecord(id: "d1", name: "churn"))
        let found = try await records.get(DatasetRecord.self, unique: "name", value: "churn")
        return found
    }

    // Sources/MLOpsCore/Storage/BlobListPage.swift
    static func blobListPage(store: any BlobStore) async throws {
        var cursor: BlobKey? = nil
        repeat {
            let page = try await store.list(prefix: "runs", after: cursor, limit: 500)
            for key in page.keys { print(key) }
            cursor = page.next
        } while cursor != nil
    }

    // Sources/MLOpsCore/Storage/KeyValueStore+Transaction.swift
    static func transaction(store: any KeyValueStore) async throws -> Int {
        let counter = StorageKey("app", "counter").bytes
        let next = try await store.transaction { tx in
            let n = try await tx.get(counter).flatMap { Int(String(decoding: $0.value, as: UTF8.self)) } ?? 0
            tx.put(counter, Array(String(n + 1).utf8))
            return n + 1
        }
        return next
    }

    // Sources/MLOpsCore/Storage/KeyValueTransaction.swift
    static func keyValueTransaction(store: any KeyValueStore) async throws {
        var tx = KeyValueTransaction()
        tx.expectAbsent(Array("runs/1".utf8))  // create only if new
        tx.put(Array("runs/1".utf8), Array("{}".utf8))
        try await store.commit(tx)
    }

    // Sources/MLOpsCore/Storage/StorageKey.swift
    static func storageKey(runID: SortableID, step: Int) -> (StorageKey, KeyScan) {
        let key = StorageKey("tracking", "run").appending(runID.description).appending(Int64(step))
        let everyRun = KeyScan.prefix(StorageKey("tracking", "run").bytes)
        return (key, everyRun)
    }

    // Sources/MLOpsCore/Table/CSVReadOptions.swift (reads data.csv: compiled, not run)
    static func csvReadOptions() throws -> Table {
        var options = CSVReadOptions()
        options.delimiter = ";"
        options.missingTokens = ["NA"]
        options.columnTypes = ["zip": .string]
        let table = try Table.readCSV(path: "data.csv", options: options)
        return table
    }

    // Sources/MLOpsCore/Table/CSVReader.swift (reads big.csv: compiled, not run)
    static func csvReader() throws {
        var reader = try CSVReader(path: "big.csv")
        while let batch = try reader.nextBatch(maxRows: 100_000) {
            print(batch.rowCount)
        }
    }

    // Sources/MLOpsCore/Table/CSVWriter.swift (writes out.csv: compiled, not run)
    static func csvWriter(batches: [Table]) throws {
        var writer = try CSVWriter(path: "out.csv")
        for batch in batches { try writer.write(batch) }
        try writer.close()
    }

    // Sources/MLOpsCore/Table/Column.swift
    static func column() -> [Column] {
        let age = Column.int("age", [34, nil, 51])
        let score = Column.double("score", [0.5, .nan, nil])
        assert(age.isMissing(at: 1))
        assert(!score.isMissing(at: 1))  // NaN is a value
        return [age, score]
    }

    // Sources/MLOpsCore/Table/Table.swift
    static func table() throws -> (Table, [Float], Int, Int, String) {
        let table = try Table(columns: [
            .double("x", [1.5, nil, 3]),
            .string("label", ["a", "b", "a"]),
        ])
        let train = try table.rows([0, 2])
        let (values, rows, cols) = try table.featureMatrix(columns: ["x"])
        let csv = table.csvString()
        return (train, values, rows, cols, csv)
    }

    // Sources/MLOpsCore/Table/TableRow.swift
    static func tableRow(table: Table) -> Table {
        let adults = table.filter { row in (row["age"]?.doubleValue ?? 0) >= 18 }
        return adults
    }
}

@Suite struct MLOpsCoreSnippetTests {
    @Test func hashingAndIdentifiers() throws {
        let (digest, parts) = MLOpsCoreSnippets.sha256(header: Array("a".utf8), payload: Array("bc".utf8))
        #expect(digest == parts)
        #expect(MLOpsCoreSnippets.sha256Digest() == digest)
        let (id, parsed) = try MLOpsCoreSnippets.sortableID()
        #expect(id == parsed)
        #expect(MLOpsCoreSnippets.sortableIDGenerator().description.count == 26)
        #expect(try MLOpsCoreSnippets.seededRandom() == MLOpsCoreSnippets.seededRandom())
        #expect(MLOpsCoreSnippets.seededRandomSplit().count == 4)
    }

    @Test func records() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snippets-\(SortableID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let workspace = try Workspace.open(at: directory)
        let found = try await MLOpsCoreSnippets.recordStore(workspace: workspace, migrations: [])
        #expect(found?.record.id == "d1")
        let namespace = try RecordNamespace("data", owner: "DataVersioning")
        let migrated = try await MLOpsCoreSnippets.recordMigration(namespace: namespace, store: InMemoryKeyValueStore())
        #expect(try await migrated.appliedMigrations() == ["v2: index datasets by name"])
        try await workspace.close()
    }

    @Test func storage() async throws {
        let store = InMemoryKeyValueStore()
        #expect(try await MLOpsCoreSnippets.transaction(store: store) == 1)
        #expect(try await MLOpsCoreSnippets.transaction(store: store) == 2)
        try await MLOpsCoreSnippets.keyValueTransaction(store: store)
        await #expect(throws: MLOpsError.self) { try await MLOpsCoreSnippets.keyValueTransaction(store: store) }
        let blobs = InMemoryBlobStore()
        try await blobs.put("runs/a", data: [1])
        try await MLOpsCoreSnippets.blobListPage(store: blobs)
        try await MLOpsCoreSnippets.mlopsError(store: blobs, bytes: [1])
        let (key, scan) = MLOpsCoreSnippets.storageKey(runID: SortableID(), step: 3)
        #expect(key.bytes.starts(with: StorageKey("tracking", "run").bytes))
        _ = scan
    }

    @Test func tables() throws {
        let (train, values, rows, cols, csv) = try MLOpsCoreSnippets.table()
        #expect(train.rowCount == 2 && rows == 3 && cols == 1 && values.count == 3)
        #expect(csv.hasPrefix("x,label"))
        #expect(MLOpsCoreSnippets.column().count == 2)
        let people = try Table(columns: [.int("age", [12, 30, nil, 18])])
        #expect(MLOpsCoreSnippets.tableRow(table: people).rowCount == 2)
    }
}
