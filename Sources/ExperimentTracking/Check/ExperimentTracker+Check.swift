public import MLOpsCore

extension ExperimentTracker {
    /// Verifies everything the tracker stored: decodes every experiment, run, environment,
    /// metric chunk and artifact record; follows every reference (a name to its experiment, a
    /// run to its experiment and back, a run to its environment, metric points to their run,
    /// an artifact record to its bytes); and hashes every artifact's bytes against the digest
    /// recorded when it was logged.
    ///
    /// Reads only, in pages; a problem is reported, never repaired. Artifact bytes with no
    /// record (written by an older version, or a log call interrupted between the bytes and
    /// the record) are reported too, since nothing proves them intact.
    ///
    /// - Throws: Only when the stores cannot be read at all.
    public func check() async throws -> StoreCheckReport {
        try await writer.flush()
        var report = StoreCheckReport(component: Self.namespaceOwner)
        var scan = TrackingScan(prefix: keys.prefix)
        var range = KeyRange.prefix(StorageKey(keys.prefix).bytes)
        while true {
            let page = try await metadata.scan(KeyScan(range: range, limit: 1_000))
            for entry in page { scan.visit(entry, into: &report) }
            guard page.count == 1_000, let last = page.last else { break }
            range = range.after(last.key)
        }
        scan.crossCheck(into: &report)
        try await records.check(ArtifactRecord.self, into: &report)
        try await checkArtifacts(knownRuns: Set(scan.runs.keys), into: &report)
        try await checkDatasetObjects(scan.datasetObjects, into: &report)
        return report
    }

    /// Checks that every content-addressed dataset a run names still exists in the blob store
    /// (its bytes are verified against the key by DataVersioning's own check).
    private func checkDatasetObjects(
        _ inputs: [(runID: String, source: String)], into report: inout StoreCheckReport
    ) async throws {
        var present: [String: Bool] = [:]
        for (runID, source) in inputs {
            let location = "run \(runID)"
            guard let key = try? BlobKey(source), key.segments.first == "sha256" else {
                report.problem(at: location, "a content-addressed dataset input names no object key: \(source)")
                continue
            }
            if present[source] == nil {
                do {
                    present[source] = try await artifacts.exists(key)
                } catch let error as MLOpsError {
                    report.problem(at: location, "the dataset object \(source) cannot be read: \(error.message)")
                    present[source] = true
                }
            }
            if present[source] == false {
                report.problem(at: location, "the dataset object \(source) the run used does not exist")
            }
        }
    }

    /// Hashes every recorded artifact's bytes and looks for bytes without a record.
    private func checkArtifacts(knownRuns: Set<String>, into report: inout StoreCheckReport) async throws {
        var recorded = Set<String>()
        var cursor: RecordCursor?
        repeat {
            let page: RecordPage<ArtifactRecord>
            do {
                page = try await records.list(ArtifactRecord.self, after: cursor, limit: 500)
            } catch let error as MLOpsError where error.code == .corruptData || error.code == .unsupported {
                // Already reported record by record by the record check; stop listing here.
                return
            }
            for artifact in page.records.map(\.record) {
                let location = "artifact \(artifact.runID)/\(artifact.path)"
                if !knownRuns.contains(artifact.runID) {
                    report.problem(at: location, "the artifact's run \(artifact.runID) does not exist")
                }
                let key: BlobKey
                do {
                    key = try artifactKey(runID: artifact.runID, path: artifact.path)
                } catch let error as MLOpsError {
                    report.problem(at: location, "the artifact record has an invalid path: \(error.message)")
                    continue
                }
                recorded.insert(key.rawValue)
                do {
                    let (size, digest) = try await artifacts.sizeAndDigest(of: key)
                    if digest.hexString != artifact.sha256 {
                        report.problem(
                            at: location,
                            "the artifact's bytes do not match the SHA-256 recorded when it was logged "
                                + "(recorded \(artifact.sha256.prefix(16))…, found \(digest.hexString.prefix(16))…)")
                    } else if size != artifact.size {
                        report.problem(at: location, "the artifact has \(size) bytes; \(artifact.size) were logged")
                    } else {
                        report.objectsVerified += 1
                    }
                } catch let error as MLOpsError {
                    report.problem(at: location, "the artifact's bytes cannot be read: \(error.message)")
                }
            }
            cursor = page.next
        } while cursor != nil
        for key in try await artifacts.list(prefix: "runs") where !recorded.contains(key.rawValue) {
            let segments = key.segments
            guard segments.count >= 4, segments[2] == "artifacts" else { continue }
            report.problem(
                at: "object \(key)",
                "artifact bytes with no artifact record: nothing proves them intact (logged by an older "
                    + "version, or the log call was interrupted)")
        }
    }
}

/// What one pass over the tracker's keys collects, and the checks made on each entry.
struct TrackingScan {
    let prefix: String
    var experiments: [String: String] = [:]
    /// Active experiments' names, by ID: each must have its name index entry.
    var activeNames: [String: String] = [:]
    var names: [(name: String, id: String, key: [UInt8])] = []
    var runs: [String: (experimentID: String, environmentID: String?)] = [:]
    var runIndex: [(runID: String, experimentID: String, key: [UInt8])] = []
    var environments = Set<String>()
    var metricRuns: [String: [UInt8]] = [:]
    /// Content-addressed dataset inputs: the run and the object key.
    var datasetObjects: [(runID: String, source: String)] = []

    let metricPrefix: [UInt8]

    init(prefix: String) {
        self.prefix = prefix
        metricPrefix = StorageKey(prefix, "metric").bytes
    }

    mutating func visit(_ entry: KeyValueEntry, into report: inout StoreCheckReport) {
        let location = StorageKey.describe(entry.key)
        let parts =
            entry.key.starts(with: metricPrefix)
            ? metricParts(entry.key) : StorageKey.decodeStringParts(entry.key, from: 0)
        guard let parts, parts.count >= 2 else {
            report.problem(at: location, "a key the tracker does not write")
            return
        }
        let text = String(decoding: entry.value, as: UTF8.self)
        switch (parts[1], parts.count) {
        case ("exp", 3):
            report.recordsChecked += 1
            do {
                let experiment = try RecordCoding.decode(Experiment.self, from: entry.value, key: entry.key)
                guard experiment.id == parts[2] else {
                    report.problem(at: location, "the experiment stored as \(parts[2]) says its ID is \(experiment.id)")
                    return
                }
                experiments[experiment.id] = experiment.name
                if experiment.lifecycleStage == .active { activeNames[experiment.id] = experiment.name }
            } catch let error as MLOpsError {
                report.problem(at: location, "corrupt record at \(location): \(error.message)")
            } catch {
                report.problem(at: location, "corrupt record at \(location): \(error)")
            }
        case ("exp-name", 3):
            names.append((parts[2], text, entry.key))
        case ("exp-next", 2):
            if Int(text) == nil { report.problem(at: location, "the next experiment ID is not a number: \(text)") }
        case ("run", 4):
            report.recordsChecked += 1
            do {
                let record = try RunRecord(decoding: entry.value)
                guard record.info.runID == parts[3], record.info.experimentID == parts[2] else {
                    report.problem(
                        at: location,
                        "the run stored as \(parts[2])/\(parts[3]) says it is "
                            + "\(record.info.experimentID)/\(record.info.runID)")
                    return
                }
                runs[parts[3]] = (parts[2], record.environmentID)
                for input in record.inputs where input.sourceType == DatasetInput.contentAddressedSourceType {
                    datasetObjects.append((parts[3], input.source))
                }
            } catch let error as MLOpsError {
                report.problem(at: location, "corrupt record at \(location): \(error.message)")
            } catch {
                report.problem(at: location, "corrupt record at \(location): \(error)")
            }
        case ("run-exp", 3):
            runIndex.append((parts[2], text, entry.key))
        case ("env", 3):
            report.recordsChecked += 1
            do {
                _ = try RecordCoding.decode(RunEnvironment.self, from: entry.value, key: entry.key)
                environments.insert(parts[2])
            } catch let error as MLOpsError {
                report.problem(at: location, "corrupt record at \(location): \(error.message)")
            } catch {
                report.problem(at: location, "corrupt record at \(location): \(error)")
            }
        case ("metric", 4):
            report.recordsChecked += 1
            var points: [Metric] = []
            do {
                try MetricChunkBuilder.decode(entry.value, key: parts[3], into: &points)
                if metricRuns[parts[2]] == nil { metricRuns[parts[2]] = entry.key }
            } catch let error as MLOpsError {
                report.problem(at: location, "corrupt metric chunk at \(location): \(error.message)")
            } catch {
                report.problem(at: location, "corrupt metric chunk at \(location): \(error)")
            }
        case ("rec", _), ("idx", _), ("uniq", _):
            break  // The record layer's own keys: checked by RecordStore.check.
        default:
            report.problem(at: location, "a key the tracker does not write")
        }
    }

    /// A metric chunk key: string parts, then two 8-byte integers (the chunk's sortable ID).
    private func metricParts(_ key: [UInt8]) -> [String]? {
        guard key.count > 16, let parts = StorageKey.decodeStringParts(Array(key.dropLast(16)), from: 0),
            parts.count == 4, parts[1] == "metric"
        else { return nil }
        return parts
    }

    func crossCheck(into report: inout StoreCheckReport) {
        let nameIndex = Dictionary(names.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        for (id, name) in activeNames.sorted(by: { $0.key < $1.key }) where nameIndex[name] != id {
            report.problem(
                at: "experiment \(id)",
                "the active experiment '\(name)' is missing from the name index: it cannot be found by name")
        }
        for (name, id, key) in names {
            guard let stored = experiments[id] else {
                report.problem(
                    at: StorageKey.describe(key),
                    "the experiment name '\(name)' points at experiment \(id), which does not exist")
                continue
            }
            if stored != name {
                report.problem(
                    at: StorageKey.describe(key),
                    "the experiment name '\(name)' points at experiment \(id), which is named '\(stored)'")
            }
        }
        var indexed: [String: String] = [:]
        for (runID, experimentID, key) in runIndex {
            indexed[runID] = experimentID
            guard let run = runs[runID] else {
                report.problem(at: StorageKey.describe(key), "the run index names run \(runID), which does not exist")
                continue
            }
            if run.experimentID != experimentID {
                report.problem(
                    at: StorageKey.describe(key),
                    "the run index puts run \(runID) in experiment \(experimentID); it is stored in "
                        + run.experimentID)
            }
        }
        for (runID, run) in runs.sorted(by: { $0.key < $1.key }) {
            let location = "run \(runID)"
            if experiments[run.experimentID] == nil {
                report.problem(at: location, "the run's experiment \(run.experimentID) does not exist")
            }
            if indexed[runID] == nil {
                report.problem(at: location, "the run is missing from the run index (run-exp)")
            }
            if let environment = run.environmentID, !environments.contains(environment) {
                report.problem(at: location, "the run's environment \(environment) does not exist")
            }
        }
        for (runID, key) in metricRuns.sorted(by: { $0.key < $1.key }) where runs[runID] == nil {
            report.problem(at: StorageKey.describe(key), "metric points of run \(runID), which does not exist")
        }
    }
}
