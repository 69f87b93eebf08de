import Dispatch
public import MLOpsCore

/// Mergeable streaming profiles of a dataset's columns (whylogs' idea): one ``ColumnProfile`` per
/// column, in order, updated from `Table`s, rows or column buffers, in bounded memory whatever the
/// number of rows.
///
/// Updating from a `Table` profiles the columns in parallel on all cores. Profiles of the same columns
/// ``merge(_:)`` associatively and commutatively — counts, minimum and maximum exactly, moments to
/// floating point rounding, sketches within their error bounds — so shards, days or processes can be
/// profiled apart and combined. ``serialized()`` writes a compact versioned binary form that
/// ``init(serialized:)`` reads back; ``jsonSummary()`` writes the summary a person reads.
public struct DatasetProfile: Sendable, Hashable {
    /// The sketch sizes, seed and kind overrides.
    public let configuration: ProfileConfiguration
    /// The column profiles, in order.
    public private(set) var columns: [ColumnProfile]
    /// Rows seen: the largest row count of the columns (every update of a whole table or row adds to all).
    public var rowCount: Int { columns.reduce(0) { Swift.max($0, $1.count) } }
    private var positions: [String: Int]

    /// An empty profile; the first update fixes its columns.
    ///
    /// - Parameter configuration: Sketch sizes, seed and per-column kind overrides.
    public init(configuration: ProfileConfiguration = .standard) {
        self.configuration = configuration
        self.columns = []
        self.positions = [:]
    }

    /// An empty profile of the named columns, in order.
    ///
    /// - Parameters:
    ///   - columnNames: The column names.
    ///   - configuration: Sketch sizes, seed and per-column kind overrides.
    /// - Throws: `MLOpsError.invalidArgument` when a name repeats.
    public init(columnNames: [String], configuration: ProfileConfiguration = .standard) throws {
        self.init(configuration: configuration)
        for name in columnNames {
            guard positions[name] == nil else {
                throw MLOpsError(.invalidArgument, "column '\(name)' is named twice", value: name)
            }
            positions[name] = columns.count
            columns.append(ColumnProfile(name: name, configuration: configuration))
        }
    }

    /// The profile of `table`.
    ///
    /// - Parameters:
    ///   - table: The rows to profile.
    ///   - configuration: Sketch sizes, seed and per-column kind overrides.
    public init(_ table: Table, configuration: ProfileConfiguration = .standard) {
        self.init(configuration: configuration)
        adoptColumns(table.columnNames)
        updateColumns(of: table)
    }

    /// A profile from validated parts (used by the binary reader).
    init(configuration: ProfileConfiguration, columns: [ColumnProfile]) {
        self.configuration = configuration
        self.columns = columns
        self.positions = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The profile of the column named `name`, or `nil`.
    public subscript(name: String) -> ColumnProfile? { positions[name].map { columns[$0] } }

    private mutating func adoptColumns(_ names: [String]) {
        for name in names where positions[name] == nil {
            positions[name] = columns.count
            columns.append(ColumnProfile(name: name, configuration: configuration))
        }
    }

    /// Adds every row of `table`, its columns profiled in parallel.
    ///
    /// The first update of a profile without columns takes the table's columns.
    /// - Throws: `MLOpsError.invalidArgument` naming the columns when the table's columns differ from the
    ///   profile's.
    public mutating func update(with table: Table) throws {
        if columns.isEmpty {
            adoptColumns(table.columnNames)
        } else {
            try Self.checkSameColumns(columnNames, table.columnNames, what: "the table")
        }
        updateColumns(of: table)
    }

    private mutating func updateColumns(of table: Table) {
        let sources = columns.map { table.column(named: $0.name) }
        let count = columns.count
        columns.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let profiles = buffer
            DispatchQueue.concurrentPerform(iterations: count) { index in
                if let column = sources[index] { profiles[index].update(with: column) }
            }
        }
    }

    /// Adds one row of `name: value` pairs; columns the row lacks count as missing.
    ///
    /// The first update of a profile without columns takes the row's names, sorted.
    /// - Throws: `MLOpsError.invalidArgument` naming a column the profile does not have.
    public mutating func update(with row: [String: TableValue]) throws {
        if columns.isEmpty { adoptColumns(row.keys.sorted()) }
        let unknown = row.keys.filter { positions[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            throw MLOpsError(
                .invalidArgument,
                "the row has columns \(unknown.map { "'\($0)'" }.joined(separator: ", ")) that the profile "
                    + "(\(columnNames.map { "'\($0)'" }.joined(separator: ", "))) lacks",
                value: unknown.joined(separator: ","))
        }
        for index in columns.indices { columns[index].update(row[columns[index].name] ?? .missing) }
    }

    /// Adds one row of a table.
    ///
    /// - Throws: `MLOpsError.invalidArgument` naming the columns when the row's table has other columns.
    public mutating func update(with row: TableRow) throws {
        if columns.isEmpty {
            adoptColumns(row.table.columnNames)
        } else {
            try Self.checkSameColumns(columnNames, row.table.columnNames, what: "the row")
        }
        for index in columns.indices { columns[index].update(row[columns[index].name] ?? .missing) }
    }

    /// Adds the rows summarised by `other`, a profile of the same columns (in any order).
    ///
    /// A profile without columns and rows merges with anything.
    /// - Throws: `MLOpsError.invalidArgument` naming the columns when the column sets differ, or when the
    ///   sketch sizes of the configurations differ.
    public mutating func merge(_ other: DatasetProfile) throws {
        guard configuration.hasSameSketchSizes(as: other.configuration) else {
            throw MLOpsError(
                .invalidArgument,
                "cannot merge profiles with different sketch sizes (KLL k \(configuration.quantileK) vs "
                    + "\(other.configuration.quantileK), HyperLogLog precision \(configuration.cardinalityPrecision) "
                    + "vs \(other.configuration.cardinalityPrecision), frequent items "
                    + "\(configuration.frequentItemsCapacity) vs \(other.configuration.frequentItemsCapacity))")
        }
        if other.columns.isEmpty { return }
        if columns.isEmpty {
            adoptColumns(other.columnNames)
        } else {
            try Self.checkSameColumns(columnNames, other.columnNames, what: "the other profile")
        }
        for index in columns.indices {
            if let theirs = other[columns[index].name] { try columns[index].merge(theirs) }
        }
    }

    /// Updates the profile of the column named `name` in place, for callers that hold column buffers
    /// (``ColumnProfile/update(doubles:maskedMissing:)`` and its siblings).
    ///
    /// Give every column the same number of rows: ``rowCount`` is the largest column count.
    /// - Parameters:
    ///   - name: The column name.
    ///   - body: Updates the column's profile.
    /// - Throws: `MLOpsError.notFound` naming the column when the profile has no such column, or what
    ///   `body` throws.
    public mutating func updateColumn(named name: String, _ body: (inout ColumnProfile) throws -> Void) throws {
        guard let index = positions[name] else {
            throw MLOpsError(
                .notFound,
                "the profile has no column '\(name)'; it has \(columnNames.map { "'\($0)'" }.joined(separator: ", "))",
                value: name)
        }
        try body(&columns[index])
    }

    /// Throws an error naming the columns that only one side has.
    static func checkSameColumns(_ mine: [String], _ theirs: [String], what: String) throws {
        let mineSet = Set(mine)
        let theirSet = Set(theirs)
        guard mineSet != theirSet else { return }
        let missing = mine.filter { !theirSet.contains($0) }
        let extra = theirs.filter { !mineSet.contains($0) }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("lacks \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
        if !extra.isEmpty { parts.append("has extra \(extra.map { "'\($0)'" }.joined(separator: ", "))") }
        throw MLOpsError(
            .invalidArgument,
            "the columns do not match: \(what) \(parts.joined(separator: " and ")) compared with the profile",
            value: (missing + extra).joined(separator: ","))
    }
}
