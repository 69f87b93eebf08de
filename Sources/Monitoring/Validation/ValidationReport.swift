/// The result of validating a table or a request against a ``DataSchema``.
///
/// The report's size is bounded: at most ``DataSchema/maxListedViolations`` row violations are
/// listed (the first ones, in row order within each column, columns in schema order), while
/// every count is exact.
public struct ValidationReport: Sendable, Hashable, Codable {
    /// The number of rows validated.
    public var rowCount: Int
    /// Problems with the table as a whole.
    public var findings: [TableFinding]
    /// The listed row violations (at most the cap given to the validation).
    public var violations: [RowViolation]
    /// The number of row violations, listed or not.
    public var violationCount: Int
    /// The number of rows with at least one violation.
    public var invalidRowCount: Int
    /// The number of row violations per column, listed or not.
    public var violationCountsByColumn: [String: Int]

    /// A report with the given values.
    public init(
        rowCount: Int, findings: [TableFinding], violations: [RowViolation], violationCount: Int,
        invalidRowCount: Int, violationCountsByColumn: [String: Int]
    ) {
        self.rowCount = rowCount
        self.findings = findings
        self.violations = violations
        self.violationCount = violationCount
        self.invalidRowCount = invalidRowCount
        self.violationCountsByColumn = violationCountsByColumn
    }

    /// Whether nothing was wrong: no finding and no row violation.
    public var isValid: Bool { findings.isEmpty && violationCount == 0 }

    /// Whether some row violations were counted but not listed.
    public var isTruncated: Bool { violations.count < violationCount }
}
