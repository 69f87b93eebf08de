import MLOps

extension DemoCommand {
    /// The folder inside the workspace directory where the demo writes its dataset.
    static let dataDirectoryName = "demo-data"
    /// The dataset's file name.
    static let dataFileName = "synthetic.csv"
    /// The data branch the demo commits to, so that a workspace's own `main` is never touched.
    static let dataBranch = "demo"
    /// The `DatasetInput.sourceType` of an input whose source is a data commit id.
    static let dataVersionSourceType = "data-version"

    /// What the demo's data-versioning step made.
    struct DataVersions {
        /// The commit of the generated data, then of the relabelled data.
        var first: DataLogEntry
        var second: DataLogEntry
        /// The relabelled table as read back from the second commit: what the runs train on.
        var table: Table
    }

    /// The table with the target `y` of a slice of one row in twenty (where it starts is picked by
    /// the seed) moved by a draw of N(0, 1): a relabelling of 5% of the rows, as a correction of
    /// one batch of labels would be. Returns the table and the rows changed, in order.
    static func relabelled(_ table: Table, seed: UInt64) throws -> (table: Table, rows: [Int]) {
        var random = SeededRandom(seed: seed ^ 0x5EED_DA7A)
        let count = table.rowCount / 20
        let start = Int(random.next() % UInt64(Swift.max(1, table.rowCount - count + 1)))
        let rows = Array(start..<start + count)
        var y = try table.doubles(column: "y")
        for row in rows { y[row] += random.normal(mean: 0, standardDeviation: 1) }
        // The column keeps its place, so only the rows changed differ in the CSV.
        let columns = table.columns.map { $0.name == "y" ? Column.double("y", y) : $0 }
        return (try Table(columns: columns), rows)
    }

    /// Step 2 of the demo: writes the table as `demo-data/synthetic.csv` in the workspace
    /// directory and commits it to the `demo` branch of the workspace's data repository; then
    /// relabels 5% of the rows, commits again, prints the file-level diff and how many bytes each
    /// commit newly stored (measured: the pack blobs that appeared), and reads the second commit's
    /// file back — the table the runs train on.
    ///
    /// The files are snapshotted, not staged, so a staging area in the workspace is left alone.
    static func versionData(
        workspace: Workspace, workspacePath: String, table: Table, seed: UInt64, say: @Sendable (String) -> Void
    ) async throws -> DataVersions {
        let repository = try await workspace.data
        let directory = workspacePath + "/" + dataDirectoryName
        let file = directory + "/" + dataFileName
        try await BlockingExecutor.shared.run { try FileSystem.makeDirectories(directory) }

        let firstCSV = try CSVWriter.encode(table)
        let (first, firstStored) = try await commitVersion(
            firstCSV, to: file, directory: directory, repository: repository, workspace: workspace,
            message: "demo: synthetic regression data, seed \(seed)")
        say(
            "data version 1   \(dataDirectoryName)/\(dataFileName) committed to data branch '\(dataBranch)': "
                + "\(first.id) (\(firstCSV.count) bytes; \(firstStored) bytes newly stored in chunk packs)")

        let (relabelledTable, rows) = try relabelled(table, seed: seed)
        let secondCSV = try CSVWriter.encode(relabelledTable)
        let (second, secondStored) = try await commitVersion(
            secondCSV, to: file, directory: directory, repository: repository, workspace: workspace,
            message: "demo: relabel y on \(rows.count) of \(table.rowCount) rows")
        say(
            "data version 2   y moved by N(0, 1) on rows \(rows.first ?? 0)–\(rows.last ?? 0) (\(rows.count) of "
                + "\(table.rowCount), where they start picked by the seed): "
                + "\(second.id)")

        let diff = try await repository.diff(trees: first.commit.root, second.commit.root)
        for change in diff.changes {
            let sizes =
                [change.oldSize, change.newSize].compactMap { $0.map { "\($0) bytes" } }.joined(separator: " → ")
            say(
                "data diff        \(change.kind.rawValue) \(change.oldPath.map { $0 + " → " } ?? "")\(change.path), \(sizes)"
            )
        }
        if diff.isEmpty { say("data diff        no file changed") }
        let (newChunks, allChunks) = try await chunkCounts(
            of: dataFileName, in: second.commit.root, against: first.commit.root, repository: repository)
        var stored =
            "data stored      version 2 added \(secondStored) bytes to the chunk packs; \(newChunks) of its "
            + "\(allChunks) chunk\(allChunks == 1 ? "" : "s") \(newChunks == 1 ? "differs" : "differ") from version 1's"
        let minimum = repository.options.chunking.minimumSize
        if allChunks == 1, secondCSV.count < minimum {
            stored += " (a file under the \(minimum / 1024) KiB minimum chunk is one chunk: any change makes a new one)"
        }
        if secondStored == 0, newChunks > 0 {
            stored += "; the workspace already held \(newChunks == 1 ? "it" : "them")"
        }
        say(stored)

        let readBack = try await repository.readFile(dataFileName, at: second.id.description)
        guard readBack == secondCSV else {
            throw MLOpsError(
                .corruptData, "the committed file differs from what was written", value: second.id.description)
        }
        var reader = try CSVReader(bytes: readBack)
        let trainingTable = try reader.readAll()
        guard trainingTable.columnNames == relabelledTable.columnNames, trainingTable.rowCount == table.rowCount else {
            throw MLOpsError(
                .corruptData, "the committed CSV does not read back as the table", value: second.id.description)
        }
        say(
            "                 read back from \(second.id.short): identical to what was written; the runs below "
                + "train on it (see 'mlops data log \(dataBranch) --workspace \(workspacePath)')")
        return DataVersions(first: first, second: second, table: trainingTable)
    }

    /// Writes `bytes` to `file` (atomically: a temporary file renamed into place), snapshots
    /// `directory`, commits it to ``dataBranch``, and returns the commit and how many bytes of
    /// pack blobs the snapshot added to the workspace's object store.
    static func commitVersion(
        _ bytes: [UInt8], to file: String, directory: String, repository: DataRepository, workspace: Workspace,
        message: String
    ) async throws -> (DataLogEntry, stored: Int) {
        try await BlockingExecutor.shared.run {
            let temporary = directory + "/." + dataFileName + ".tmp"
            let fd = Platform.open(temporary, [.writeOnly, .create, .truncate, .noFollow], mode: 0o644)
            guard fd >= 0 else { throw FileSystem.error("cannot create the demo's data file", temporary) }
            do {
                try FileSystem.writeAll(fd, bytes, what: temporary)
                Platform.close(fd)
            } catch {
                Platform.close(fd)
                throw error
            }
            guard Platform.rename(temporary, to: file) == 0 else {
                throw FileSystem.error("cannot move the demo's data file into place", file)
            }
        }
        let packsBefore = Set(try await workspace.objects.list(prefix: "data/packs/"))
        let snapshot = try await repository.snapshot(directory)
        var stored = 0
        for key in try await workspace.objects.list(prefix: "data/packs/") where !packsBefore.contains(key) {
            if key.rawValue.hasSuffix(".pack") { stored += try await workspace.objects.sizeAndDigest(of: key).size }
        }
        let entry = try await repository.commit(
            root: snapshot.root, message: message, branch: dataBranch, metadata: ["created-by": "mlops demo"])
        return (entry, stored)
    }

    /// How many chunks the file `name` has in the tree `root`, and how many of them the file did
    /// not have in the tree `old`.
    static func chunkCounts(of name: String, in root: ObjectID, against old: ObjectID, repository: DataRepository)
        async throws -> (new: Int, all: Int)
    {
        func chunks(in tree: ObjectID) async throws -> [ObjectID] {
            guard let entry = try await repository.entry(at: name, in: tree) else { return [] }
            switch entry.kind {
            case .file: return [entry.id]
            case .chunkedFile: return try await repository.chunkList(entry.id).chunks.map(\.id)
            case .directory: return []
            }
        }
        let now = try await chunks(in: root)
        let before = Set(try await chunks(in: old))
        return (now.filter { !before.contains($0) }.count, now.count)
    }
}
