import DataVersioning
import Deployment
import ExperimentTracking
import Foundation
import InferenceCore
import MLOps
import MLOpsCore
import MLOpsTestKit
import Monitoring
import SQLiteStorage
import Testing
import Training

// The Swift blocks of the DocC articles (Sources/*/*.docc/*.md), verbatim (indentation aside); an
// article's consecutive blocks share one function, as they share the reader's context. DocSnippetTests
// checks that they stay so. Those that open files at the paths they name are compiled, not run.

enum DataVersioningArticle {
    // DataVersioning.docc/DataVersioning.md (reads data/churn.csv: compiled, not run)
    static func overview() async throws -> [UInt8] {
        let objects = ContentAddressedStore(blobs: InMemoryBlobStore())
        let digest = try await objects.putFile(at: "data/churn.csv")
        let bytes = try await objects.get(digest)  // verified against the digest
        return bytes
    }

    // DataVersioning.docc/GettingStarted.md
    static func gettingStarted() async throws -> (Bool, Bool) {
        let objects = ContentAddressedStore(blobs: InMemoryBlobStore())

        // Storing the same bytes twice stores them once and returns the same digest.
        let digest = try await objects.put(Array("id,label\n1,0\n2,1\n".utf8))
        let again = try await objects.put(Array("id,label\n1,0\n2,1\n".utf8))
        assert(digest == again)

        print(ContentAddressedStore.key(for: digest))  // sha256/<2 hex>/<64 hex>
        let bytes = try await objects.get(digest)  // throws corruptData if the bytes changed
        let isStored = try await objects.contains(digest)

        let report = try await objects.check()
        if !report.isHealthy {
            for problem in report.problems { print(problem) }
        }
        return (isStored && bytes == Array("id,label\n1,0\n2,1\n".utf8), report.isHealthy)
    }
}

enum DeploymentArticle {
    // Deployment.docc/GettingStarted.md
    static func gettingStarted() throws -> String {
        let split = try TrafficSplit(["stable": 90, "canary": 10])
        let variant = split.route("user-42")  // "stable" or "canary", always the same for "user-42"

        for (name, share) in split.variants {
            print(name, share)  // canary 0.1, stable 0.9
        }

        let wider = try TrafficSplit(["stable": 50, "canary": 50])
        assert(split.route("user-42") != "canary" || wider.route("user-42") == "canary")
        return variant
    }
}

enum ExperimentTrackingArticle {
    // ExperimentTracking.docc/GettingStarted.md, the first three blocks
    static func gettingStarted() async throws -> (ExperimentTracker, RunPage, [Metric]) {
        let tracker = try await ExperimentTracker.open(
            metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore())

        try await tracker.withRun(experiment: "churn", name: "baseline") { run in
            try await run.log(params: ["model": "xgboost", "max_depth": "6"])
            try await run.logInput(DatasetInput(name: "churn.csv", digest: "3f2a9c1e", context: "training"))
            for (step, auc) in [0.81, 0.86, 0.88].enumerated() {
                try await run.log(metric: "auc", value: auc, step: Int64(step))
            }
            try await run.logArtifact(path: "notes.txt", data: Array("first try".utf8))
        }

        let page = try await tracker.searchRuns(
            filter: "metrics.auc > 0.85 AND params.model = 'xgboost'", orderBy: ["metrics.auc DESC"])
        for run in page.runs {
            print(run.info.runName, run.latestMetric("auc") ?? .nan)
        }

        let best = try await tracker.bestRun(metric: "auc", goal: .maximize)
        let history = try await tracker.metricHistory(runID: best!.id, key: "auc")

        let strong = try RunFilter(FilterField.metric("auc") > 0.85 && FilterField.param("model") == "xgboost")
        let strongRuns = try await tracker.searchRuns(filter: strong)
        return (tracker, strongRuns, history)
    }

    // ExperimentTracking.docc/GettingStarted.md, the last block (writes mlruns/: compiled, not run)
    static func export(tracker: ExperimentTracker) async throws {
        let summary = try await MLflowExporter(tracker: tracker).export(to: "mlruns")
        print(summary.experiments, summary.runs)
        try await tracker.close()
    }
}

enum InferenceCoreArticle {
    // InferenceCore.docc/GettingStarted.md (reads model.json, model.onnx: compiled, not run)
    static func gettingStarted() throws -> ([Double], CompiledModel) {
        let trees = try XGBoostImporter.load(path: "model.json")
        print(trees.featureCount, trees.outputCount, trees.objective)

        // One row; NaN marks a missing value. For a binary:logistic model the one output is the
        // probability XGBoost's own predict returns.
        let probability = try trees.predict(row: [0.5, 12, .nan, 3])

        let graph = try ONNXImporter.importGraph(contentsOfFile: "model.onnx")
        let model = try graph.compile()
        print(model.inputs, model.outputs)  // names, element types and shapes

        let input = try Tensor(shape: [2, 4], float32: [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3])
        let outputs = try model.predict([model.inputs[0].name: input])
        for (name, tensor) in outputs { print(name, tensor.shape, tensor.doubleValues) }

        let package = ModelPackage(
            graph: graph, featureNames: ["sepal_length", "sepal_width", "petal_length", "petal_width"],
            metadata: ["owner": "ml-team"])
        try package.write(to: "iris.mlpkg")

        let loaded = try ModelPackage(contentsOf: "iris.mlpkg")
        let compiled = try loaded.compile()
        return (probability, compiled)
    }
}

enum MLOpsArticle {
    // MLOps.docc/GettingStarted.md (opens .mlops and reads churn.csv: compiled, not run)
    static func gettingStarted() async throws {
        let workspace = try Workspace.open(at: ".mlops")
        let tracker = try await workspace.tracking

        try await tracker.withRun(experiment: "churn", name: "baseline") { run in
            try await run.log(params: ["model": "xgboost", "max_depth": "6"])
            try await run.log(metric: "auc", value: 0.87)
        }

        let digest = try await workspace.contentObjects.putFile(at: "churn.csv")
        print(digest.hexString)

        let report = try await workspace.check()
        print(report.metadataKeys, report.objects, report.verifiedObjects)
        for problem in report.problems { print(problem) }
        try await workspace.close()
    }
}

enum MLOpsCoreArticle {
    struct Dataset: StoredRecord {
        static let recordType = "dataset"
        static let indexes: [RecordIndex<Dataset>] = [
            RecordIndex("name", unique: true) { $0.name },  // one record per name
            RecordIndex("owner") { $0.owner },  // many records per owner
        ]
        var id: String
        var name: String
        var owner: String
        var rows: Int
        var recordID: String { id }
    }

    // MLOpsCore.docc/GettingStarted.md
    static func gettingStarted() async throws -> (Int?, [Double]) {
        let store = InMemoryKeyValueStore()
        let records = try await RecordStore.open(try RecordNamespace("catalog", owner: "MyApp"), on: store)

        try await records.insert(Dataset(id: "d1", name: "churn", owner: "ana", rows: 7_043))
        let found = try await records.get(Dataset.self, unique: "name", value: "churn")

        // Compare-and-swap: succeeds only if nobody changed the record since it was read.
        if let found {
            var changed = found.record
            changed.rows = 7_044
            try await records.update(changed, expectedVersion: found.version)
        }

        var cursor: RecordCursor? = nil
        repeat {
            let page = try await records.lookup(Dataset.self, index: "owner", value: "ana", after: cursor, limit: 100)
            for entry in page.records { print(entry.record.name, entry.version) }
            cursor = page.next
        } while cursor != nil

        let table = try Table.readCSV(string: "age,income\n34,52000\n51,\n")
        let ages = try table.doubles(column: "age")  // [34.0, 51.0]
        print(table.rowCount, table.schema)
        let rows = try await records.get(Dataset.self, id: "d1")?.record.rows
        return (rows, ages)
    }
}

// MLOpsTestKit.docc/GettingStarted.md: the conformance tests run here on the in-memory store.
struct MLOpsTestKitArticle {
    @Test func keyValueConformance() async throws {
        try await KeyValueStoreConformance(makeStore: { InMemoryKeyValueStore() }).run()
    }

    @Test(arguments: RecordStoreConformance.checkNames)
    func recordLayer(_ check: String) async throws {
        try await RecordStoreConformance { InMemoryKeyValueStore() }.run(checkNamed: check)
    }

    @Test func faultInjection() async throws {
        let store = FaultyKeyValueStore(wrapping: InMemoryKeyValueStore(), plan: .failNthWrite(3))
        var transaction = KeyValueTransaction()
        transaction.put(Array("a".utf8), Array("1".utf8))
        for _ in 1...2 { try await store.commit(transaction) }
        await #expect(throws: MLOpsError.self) { try await store.commit(transaction) }  // injectedFault
        #expect(store.injectedFaultCount == 1)
    }
}

enum MonitoringArticle {
    // Monitoring.docc/GettingStarted.md
    static func gettingStarted() -> RunningStatistics {
        var stats = RunningStatistics()
        for value in [12.0, 15.5, .nan, 9.25, 14.0] {
            stats.add(value)
        }
        print(stats.count, stats.missingCount)  // 4 1
        print(stats.mean, stats.standardDeviation)
        print(stats.minimum ?? .nan, stats.maximum ?? .nan)  // 9.25 15.5
        print(stats.missingFraction)  // 0.2

        var morning = RunningStatistics([12.0, 15.5, 9.25])
        let afternoon = RunningStatistics([14.0, 11.0])
        morning.merge(afternoon)
        assert(morning.count == 5)
        return stats
    }
}

enum SQLiteStorageArticle {
    // SQLiteStorage.docc/SQLiteStorage.md (opens workspace/metadata.sqlite: compiled, not run)
    static func overview() async throws -> UInt64 {
        let store = try SQLiteKeyValueStore(path: "workspace/metadata.sqlite")
        var transaction = KeyValueTransaction()
        transaction.expectAbsent(Array("runs/1".utf8))
        transaction.put(Array("runs/1".utf8), Array("{}".utf8))
        let version = try await store.commit(transaction)
        return version
    }

    // SQLiteStorage.docc/GettingStarted.md (opens files under state/: compiled, not run)
    static func gettingStarted() async throws -> (Int, [String]) {
        let store = try SQLiteKeyValueStore(path: "state/metadata.sqlite")

        // A read-modify-write that retries if another task or process changed the key in between.
        let counter = Array("jobs/count".utf8)
        let next = try await store.transaction { tx in
            let current = try await tx.get(counter).map { Int(String(decoding: $0.value, as: UTF8.self)) ?? 0 } ?? 0
            tx.put(counter, Array(String(current + 1).utf8))
            return current + 1
        }

        for entry in try await store.scan(KeyScan(range: .prefix(Array("jobs/".utf8)), limit: 100)) {
            print(StorageKey.describe(entry.key), entry.version)
        }

        let fast = try SQLiteKeyValueStore(
            path: "state/cache.sqlite", options: .init(synchronous: .normal, maxReaders: 2))
        let problems = try fast.checkIntegrity()  // empty when the file is healthy
        fast.close()
        return (next, problems)
    }
}

enum TrainingArticle {
    // Training.docc/GettingStarted.md (reads churn.csv: compiled, not run)
    static func split() throws -> (Table, Table) {
        let table = try Table.readCSV(path: "churn.csv")
        let labels = try table.doubles(column: "churned").map { Int($0) }

        // 20 % of the rows for testing, each class keeping its share; the same seed gives the same split.
        let split = try TrainTestSplit(rowCount: table.rowCount, testFraction: 0.2, seed: 42, stratifyBy: labels)
        let train = try table.rows(split.train)
        let test = try table.rows(split.test)
        return (train, test)
    }

    // Training.docc/GettingStarted.md, "Measure predictions"
    static func metrics(split: TrainTestSplit, labels: [Int], probabilities: [Double]) throws -> (
        ClassificationMetrics, RegressionMetrics
    ) {
        let testLabels = split.test.map { labels[$0] }
        let classification = try ClassificationMetrics(probabilities: probabilities, labels: testLabels)
        print(classification.accuracy, classification.logLoss, classification.rocAUC ?? .nan)

        let regression = try RegressionMetrics(predictions: [2.5, 0.0, 2.1], targets: [3.0, -0.5, 2.0])
        print(regression.rootMeanSquaredError, regression.r2)
        return (classification, regression)
    }
}

@Suite struct ArticleSnippetTests {
    @Test func inMemoryArticlesRun() async throws {
        let (stored, healthy) = try await DataVersioningArticle.gettingStarted()
        #expect(stored && healthy)
        #expect(try DeploymentArticle.gettingStarted() == DeploymentArticle.gettingStarted())
        let (tracker, strongRuns, history) = try await ExperimentTrackingArticle.gettingStarted()
        #expect(strongRuns.runs.count == 1)
        #expect(history.map(\.value) == [0.81, 0.86, 0.88])
        try await tracker.close()
        let (rows, ages) = try await MLOpsCoreArticle.gettingStarted()
        #expect(rows == 7_044)
        #expect(ages == [34, 51])
        #expect(MonitoringArticle.gettingStarted().count == 4)
    }

    @Test func trainingMetrics() throws {
        let split = try TrainTestSplit(rowCount: 10, testFraction: 0.4, seed: 1)
        let labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
        let probabilities = split.test.map { labels[$0] == 1 ? 0.9 : 0.2 }
        let (classification, regression) = try TrainingArticle.metrics(
            split: split, labels: labels, probabilities: probabilities)
        #expect(classification.accuracy == 1)
        #expect(regression.rootMeanSquaredError > 0)
    }
}
