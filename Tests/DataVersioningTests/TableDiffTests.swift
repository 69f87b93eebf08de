@testable import DataVersioning
import Foundation
import MLOpsCore
import Testing

@Suite struct TableDiffTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func diff(
        _ old: String, _ new: String, key: String? = nil, options: CSVReadOptions = CSVReadOptions(), limit: Int = 1_000
    ) throws -> TableDiff {
        try TableDiff.compare(old: bytes(old), new: bytes(new), key: key, options: options, limit: limit)
    }

    // MARK: - By key

    @Test func keyedDiffFindsAddedRemovedAndChangedRows() throws {
        let old = "id,name,qty\n1,apple,3\n2,pear,5\n3,fig,7\n4,kiwi,1\n"
        let new = "id,name,qty\n1,apple,3\n3,fig,8\n4,kiwi,1\n5,plum,2\n2,pear,5\n"
        let result = try diff(old, new, key: "id")
        #expect(result.key == "id")
        #expect(result.addedRowCount == 1)
        #expect(result.removedRowCount == 0)
        #expect(result.changedRowCount == 1)
        #expect(result.unchangedRowCount == 3)
        #expect(result.oldRowCount == 4)
        #expect(result.newRowCount == 5)
        #expect(result.addedRows == [TableDiff.Row(line: 5, key: "5", fields: ["5", "plum", "2"])])
        #expect(result.removedRows.isEmpty)
        #expect(
            result.changedRows == [
                TableDiff.ChangedRow(
                    key: "3", oldLine: 4, newLine: 3,
                    cells: [TableDiff.CellChange(column: "qty", oldText: "7", newText: "8")])
            ])
        #expect(result.schemaChanges.isEmpty)
        #expect(result.hasDifferences)
        #expect(result.description == "+1 rows, -0 rows, ~1 changed")
    }

    @Test func keyedDiffReportsRemovedRowsWithTheirKey() throws {
        let result = try diff("k,v\na,1\nb,2\nc,3\n", "k,v\nc,3\n", key: "k")
        #expect(result.removedRowCount == 2)
        #expect(result.removedRows.map(\.key) == ["a", "b"])
        #expect(result.removedRows.map(\.line) == [2, 3])
        #expect(result.removedRows[1].fields == ["b", "2"])
        #expect(result.unchangedRowCount == 1)
    }

    @Test func identicalFilesHaveNoDifferences() throws {
        let text = "id,x\n1,a\n2,b\n"
        for key in [nil, "id"] {
            let result = try diff(text, text, key: key)
            #expect(!result.hasDifferences)
            #expect(result.unchangedRowCount == 2)
            #expect(result.description == "no differences (2 rows)")
        }
    }

    @Test func cellsAreComparedAsUnquotedText() throws {
        // Quoting, doubled quotes and line ends do not change a cell's text; number formatting does.
        let old = "id,name,note,price\n1,a,\"x, y\",1.0\n2,\"b\",\"say \"\"hi\"\"\",2\n3,c,,3\n"
        let new = "id,name,note,price\r\n\"1\",\"a\",\"x, y\",1\r\n2,b,\"say \"\"hi\"\"\",2\r\n3,c,\"\",3\r\n"
        let result = try diff(old, new, key: "id")
        #expect(result.unchangedRowCount == 2)
        #expect(result.changedRowCount == 1)
        #expect(
            result.changedRows.first?.cells == [TableDiff.CellChange(column: "price", oldText: "1.0", newText: "1")])
        let byContent = try diff(old, new)
        #expect(byContent.unchangedRowCount == 2)
        #expect(byContent.addedRowCount == 1)
        #expect(byContent.removedRowCount == 1)
        #expect(byContent.removedRows.first?.fields == ["1", "a", "x, y", "1.0"])
    }

    @Test func columnsAreMatchedByNameAndAMoveIsASchemaChange() throws {
        let old = "id,a,b\n1,x,y\n2,p,q\n"
        let new = "b,id,a\ny,1,x\nQ,2,p\n"
        let result = try diff(old, new, key: "id")
        #expect(result.unchangedRowCount == 1)
        #expect(result.changedRows.first?.cells == [TableDiff.CellChange(column: "b", oldText: "q", newText: "Q")])
        #expect(result.schemaChanges.map(\.kind).allSatisfy { $0 == .reordered })
        #expect(Set(result.schemaChanges.map(\.column)) == ["id", "a", "b"])
        let moved = try #require(result.schemaChanges.first { $0.column == "b" })
        #expect(moved.oldIndex == 2 && moved.newIndex == 0)
        // A column added in front shifts positions but moves nothing.
        let shifted = try diff("a,b\n1,2\n", "c,a,b\n0,1,2\n")
        #expect(shifted.schemaChanges.map(\.kind) == [.added])
        #expect(shifted.unchangedRowCount == 1)
    }

    // MARK: - Schema changes

    @Test func schemaChangesListAddedRemovedAndRetypedColumns() throws {
        let old = "id,old,qty,flag,label\n1,x,3,true,a\n2,y,4,false,b\n"
        let new = "id,qty,flag,label,price\n1,3.5,true,a,9.99\n2,4,false,7,1\n"
        let result = try diff(old, new, key: "id")
        #expect(
            result.schemaChanges == [
                TableDiff.SchemaChange(kind: .added, column: "price", newType: .double, newIndex: 4),
                TableDiff.SchemaChange(kind: .removed, column: "old", oldType: .string, oldIndex: 1),
                TableDiff.SchemaChange(
                    kind: .retyped, column: "qty", oldType: .int, newType: .double, oldIndex: 2, newIndex: 1),
            ])
        #expect(result.oldSchema.type(of: "label") == .string)
        #expect(result.newSchema.type(of: "label") == .string)
        #expect(result.description == "+0 rows, -0 rows, ~2 changed; columns: +price, -old, qty int→double")
        // Only shared columns are compared: the removed and added columns' values are not cell changes.
        #expect(result.changedRows.map { $0.cells.map(\.column) } == [["qty"], ["label"]])
    }

    @Test func typesComeFromTheReadersInference() throws {
        // Missing-value tokens and type overrides apply as in a read.
        var options = CSVReadOptions()
        options.missingTokens = ["NA"]
        let result = try diff("id,v\n1,NA\n2,3\n", "id,v\n1,NA\n2,x\n", key: "id", options: options)
        #expect(result.schemaChanges.map(\.kind) == [.retyped])
        #expect(result.schemaChanges.first?.oldType == .int)
        #expect(result.schemaChanges.first?.newType == .string)
        options.columnTypes = ["v": .string]
        let overridden = try diff("id,v\n1,NA\n2,3\n", "id,v\n1,NA\n2,x\n", key: "id", options: options)
        #expect(overridden.schemaChanges.isEmpty)
        #expect(overridden.changedRowCount == 1)
        // inferenceRowLimit: only the first rows decide the type, as in a streaming read.
        options = CSVReadOptions(inferenceRowLimit: 1)
        let limited = try diff("id,v\n1,1\n2,2\n", "id,v\n1,1\n2,2.5\n", key: "id", options: options)
        #expect(limited.schemaChanges.isEmpty)
    }

    @Test func aColumnWithoutValuesIsNotRetyped() throws {
        // Header only, or a column of missing values: no type to compare.
        let headerOnly = try diff("id,qty\n", "id,qty\n1,2\n", key: "id")
        #expect(headerOnly.schemaChanges.isEmpty)
        #expect(headerOnly.addedRowCount == 1)
        #expect(headerOnly.oldRowCount == 0)
        let empty = try diff("id,qty\n1,\n", "id,qty\n1,true\n", key: "id")
        #expect(empty.schemaChanges.isEmpty)
        #expect(empty.changedRows.first?.cells == [TableDiff.CellChange(column: "qty", oldText: "", newText: "true")])
        let bothHeaderOnly = try diff("a,b\n", "b,c\n")
        #expect(bothHeaderOnly.schemaChanges.map(\.kind) == [.added, .removed])
        #expect(bothHeaderOnly.unchangedRowCount == 0)
    }

    // MARK: - Keys

    @Test func aDuplicateKeyIsAnErrorNamingTheValueAndLines() throws {
        let error = try #require(throws: MLOpsError.self) {
            try diff("id,v\n1,a\n2,b\n1,c\n2,d\n", "id,v\n1,a\n", key: "id")
        }
        #expect(error.code == .invalidArgument)
        #expect(error.value == "1")
        #expect(error.message.contains("old CSV"))
        #expect(error.message.contains("lines 2 and 4"))
        let inNew = try #require(throws: MLOpsError.self) {
            try diff("id,v\n1,a\n", "id,v\n7,a\n\"x\ny\",b\n8,c\n\"x\ny\",d\n", key: "id")
        }
        #expect(inNew.code == .invalidArgument)
        #expect(inNew.value == "x\ny")
        #expect(inNew.message.contains("new CSV"))
        #expect(inNew.message.contains("'x\\ny' is on lines 3 and 6"))
    }

    @Test func aMissingKeyColumnIsAnError() throws {
        for (old, new, file) in [("a,b\n1,2\n", "id,b\n1,2\n", "old"), ("id,b\n1,2\n", "a,b\n1,2\n", "new")] {
            let error = try #require(throws: MLOpsError.self) { try diff(old, new, key: "id") }
            #expect(error.code == .invalidArgument)
            #expect(error.value == "id")
            #expect(error.message.contains("not in the \(file) CSV"))
        }
    }

    @Test func emptyKeysAreKeysLikeAnyOther() throws {
        let result = try diff("id,v\n,a\n1,b\n", "id,v\n,c\n1,b\n", key: "id")
        #expect(result.changedRows.first?.key == "")
        let duplicate = try #require(throws: MLOpsError.self) { try diff("id,v\n,a\n\"\",b\n", "id,v\n", key: "id") }
        #expect(duplicate.value == "")
    }

    // MARK: - By content

    @Test func contentDiffComparesRowsAsMultisets() throws {
        let old = "a,b\n1,x\n1,x\n2,y\n3,z\n"
        let new = "a,b\n3,z\n1,x\n4,w\n2,y\n2,y\n"
        let result = try diff(old, new)
        #expect(result.key == nil)
        #expect(result.removedRowCount == 1)
        #expect(result.addedRowCount == 2)
        #expect(result.unchangedRowCount == 3)
        #expect(result.changedRowCount == 0)
        #expect(result.changedRows.isEmpty)
        // The surplus copy is the later one, and examples come in file order.
        #expect(result.removedRows == [TableDiff.Row(line: 3, key: nil, fields: ["1", "x"])])
        #expect(result.addedRows.map(\.line) == [4, 6])
        #expect(result.description == "+2 rows, -1 rows")
    }

    @Test func contentDiffIgnoresRowOrderAndComparesSharedColumns() throws {
        let result = try diff("a,b,c\n1,2,3\n4,5,6\n", "c,b,a,d\n6,5,4,x\n3,2,1,y\n")
        #expect(result.unchangedRowCount == 2)
        #expect(result.addedRowCount == 0 && result.removedRowCount == 0)
        #expect(result.schemaChanges.filter { $0.kind == .added }.map(\.column) == ["d"])
        // No shared column: nothing to compare rows on.
        let disjoint = try diff("a\n1\n2\n", "b\n1\n")
        #expect(disjoint.removedRowCount == 2 && disjoint.addedRowCount == 1 && disjoint.unchangedRowCount == 0)
    }

    // MARK: - Exact comparison behind the hashes

    @Test func collidingHashesNeverMakeDifferentRowsEqual() throws {
        // Every row hashes to 0: each match is settled by comparing text.
        let old = "id,v,w\n1,a,x\n2,b,y\n3,c,z\n3x,c,z\n4,d,d\n4,d,d\n"
        let new = "id,v,w\n2,b,Y\n1,a,x\n5,e,e\n3x,c,z\n4,d,d\n"
        let exact = try TableDiff.compare(
            old: bytes(old), new: bytes(new), key: nil, options: CSVReadOptions(), limit: 100, hashMask: 0)
        #expect(exact == (try diff(old, new)))
        #expect(exact.unchangedRowCount == 3)
        #expect(exact.removedRows.map(\.line) == [3, 4, 7])
        #expect(exact.addedRows.map(\.line) == [2, 4])
        let keyedOld = "id,v,w\n1,a,x\n2,b,y\n3,c,z\n"
        let keyed = try TableDiff.compare(
            old: bytes(keyedOld), new: bytes(new), key: "id", options: CSVReadOptions(), limit: 100, hashMask: 0)
        #expect(keyed == (try diff(keyedOld, new, key: "id")))
        #expect(keyed.unchangedRowCount == 1)
        #expect(keyed.changedRows.map(\.key) == ["2"])
        #expect(keyed.removedRows.map(\.key) == ["3"])
        #expect(keyed.addedRows.map(\.key) == ["5", "3x", "4"])
        let duplicate = try #require(throws: MLOpsError.self) {
            try TableDiff.compare(
                old: bytes("id\n1\n2\n3\n2\n1\n"), new: bytes("id\n"), key: "id", options: CSVReadOptions(), limit: 1,
                hashMask: 0)
        }
        // The earliest repeat in file order.
        #expect(duplicate.value == "2")
        #expect(duplicate.message.contains("lines 3 and 5"))
    }

    @Test func randomEditsMatchAReferenceDiff() throws {
        var random = SeededRandom(seed: 42)
        for round in 0..<12 {
            let rows = Int.random(in: 0...300, using: &random)
            let keyed = round % 2 == 0
            let mask: UInt64 = round % 3 == 0 ? 0xF : .max
            var oldRows: [[String]] = []
            for index in 0..<rows {
                oldRows.append([
                    "k\(index)", String(Int.random(in: 0...3, using: &random)),
                    ["a", "b", "\"q\"", "x,y"][Int.random(in: 0...3, using: &random)],
                ])
            }
            var newRows = oldRows
            var addedNames = 0
            for _ in 0..<(rows / 5) where !newRows.isEmpty {
                let at = Int.random(in: 0..<newRows.count, using: &random)
                switch Int.random(in: 0...2, using: &random) {
                case 0: newRows.remove(at: at)
                case 1: newRows[at][1] = String(Int.random(in: 0...9, using: &random))
                default:
                    addedNames += 1
                    newRows.append(["n\(addedNames)", "1", keyed ? "a" : newRows[at][2]])
                }
            }
            if !keyed { newRows += newRows.prefix(3) }
            newRows.shuffle(using: &random)
            let oldText = Self.csv(["key", "n", "s"], oldRows)
            let newText = Self.csv(["s", "key", "n"], newRows.map { [$0[2], $0[0], $0[1]] })
            let result = try TableDiff.compare(
                old: bytes(oldText), new: bytes(newText), key: keyed ? "key" : nil, options: CSVReadOptions(),
                limit: 1_000, hashMask: mask)
            let expected = Self.reference(oldRows, newRows, keyed: keyed)
            #expect(result.addedRowCount == expected.added, "round \(round)")
            #expect(result.removedRowCount == expected.removed, "round \(round)")
            #expect(result.changedRowCount == expected.changed, "round \(round)")
            #expect(result.unchangedRowCount == expected.unchanged, "round \(round)")
            #expect(result.addedRows.count == result.addedRowCount)
            #expect(result.addedRows.map(\.line) == result.addedRows.map(\.line).sorted())
        }
    }

    /// `header` and `rows` as CSV, quoting fields that need it.
    private static func csv(_ header: [String], _ rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"")
                ? "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
                : text
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    /// The counts a diff of rows (key, n, s) must give, computed naively.
    private static func reference(_ old: [[String]], _ new: [[String]], keyed: Bool)
        -> (added: Int, removed: Int, changed: Int, unchanged: Int)
    {
        if keyed {
            let oldByKey = Dictionary(uniqueKeysWithValues: old.map { ($0[0], $0) })
            let newByKey = Dictionary(uniqueKeysWithValues: new.map { ($0[0], $0) })
            let shared = oldByKey.keys.filter { newByKey[$0] != nil }
            let changed = shared.filter { oldByKey[$0] != newByKey[$0] }.count
            return (newByKey.count - shared.count, oldByKey.count - shared.count, changed, shared.count - changed)
        }
        var counts: [[String]: Int] = [:]
        for row in old { counts[row, default: 0] += 1 }
        var unchanged = 0
        for row in new where counts[row, default: 0] > 0 {
            counts[row, default: 0] -= 1
            unchanged += 1
        }
        return (new.count - unchanged, old.count - unchanged, 0, unchanged)
    }

    // MARK: - Limits

    @Test func examplesAreLimitedButCountsAreNot() throws {
        let old = "id,v\n" + (0..<50).map { "\($0),a\n" }.joined()
        let new = "id,v\n" + (25..<75).map { "\($0),\($0 % 2 == 0 ? "a" : "b")\n" }.joined()
        let result = try diff(old, new, key: "id", limit: 3)
        #expect(result.removedRowCount == 25 && result.addedRowCount == 25)
        #expect(result.changedRowCount == 13 && result.unchangedRowCount == 12)
        #expect(result.removedRows.map(\.key) == ["0", "1", "2"])
        #expect(result.addedRows.map(\.key) == ["50", "51", "52"])
        #expect(result.changedRows.map(\.key) == ["25", "27", "29"])
        let countsOnly = try diff(old, new, key: "id", limit: 0)
        #expect(countsOnly.addedRows.isEmpty && countsOnly.removedRows.isEmpty && countsOnly.changedRows.isEmpty)
        #expect(countsOnly.changedRowCount == 13)
        let error = try #require(throws: MLOpsError.self) { try diff(old, new, limit: -1) }
        #expect(error.code == .invalidArgument)
    }

    // MARK: - Malformed input

    @Test func malformedCSVIsAParseErrorNamingTheFile() throws {
        let good = "a,b\n1,2\n"
        let cases: [(old: String, new: String, file: String, words: String)] = [
            ("a,b\n1,\"unterminated\n", good, "old", "never closed"),
            (good, "a,b\n1,2\n3\n", "new", "line 3: expected 2 fields, found 1"),
            (good, "a,b\n1,2,3\n", "new", "expected 2 fields, found 3"),
            ("", good, "old", "empty"),
            (good, "a,a\n1,2\n", "new", "repeats the column name"),
            (good, "a,b\n1,x\"y\n", "new", "double quote inside an unquoted field"),
        ]
        for (old, new, file, words) in cases {
            for key in [nil, "a"] {
                let error = try #require(throws: MLOpsError.self) { try diff(old, new, key: key) }
                #expect(error.code == .parseError, "\(words)")
                #expect(error.message.hasPrefix("the \(file) CSV: "), "\(error.message)")
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
    }

    @Test func invalidUTF8IsAParseErrorNamingTheLineAndColumn() throws {
        let good = bytes("id,name\n1,a\n")
        let bad = bytes("id,name\n1,a\n2,") + [0xC3, 0x28] + bytes("\n")
        for key in [nil, "id"] {
            let error = try #require(throws: MLOpsError.self) {
                try TableDiff.compare(old: good, new: bad, key: key)
            }
            #expect(error.code == .parseError)
            #expect(
                error.message
                    == "the new CSV: line 3, column 2 ('name'): the field is not valid UTF-8; convert the file to UTF-8"
            )
        }
        // In a header, and in a quoted field with doubled quotes.
        let header = [0xFF] + bytes(",b\n1,2\n")
        #expect(throws: MLOpsError.parseError) { try TableDiff.compare(old: header, new: good) }
        let quoted = bytes("id,name\n1,\"a\"\"") + [0xE2, 0x82] + bytes("\"\n")
        #expect(throws: MLOpsError.parseError) { try TableDiff.compare(old: quoted, new: good, key: "id") }
        // Valid multi-byte text is fine.
        let accents = try diff("id,name\n1,café\n", "id,name\n1,cafe\u{301}\n", key: "id")
        #expect(accents.changedRows.first?.cells.first?.newText == "cafe\u{301}")
    }

    @Test func oddButValidInputGivesSensibleResults() throws {
        // A byte order mark, blank lines and a last line without a line end are not differences.
        let result = try diff("\u{FEFF}id,v\n1,a\n\n2,b", "id,v\r\n2,b\r\n\r\n1,a\r\n", key: "id")
        #expect(!result.hasDifferences)
        // One column, no header.
        let options = CSVReadOptions(hasHeader: false)
        let noHeader = try diff("x\ny\n", "y\nz\n", options: options)
        #expect(noHeader.removedRows.map(\.fields) == [["x"]])
        #expect(noHeader.addedRows.map(\.fields) == [["z"]])
        #expect(noHeader.oldSchema.names == ["column1"])
        // Another delimiter.
        let semicolons = try diff(
            "id;v\n1;a,b\n", "id;v\n1;\"a;b\"\n", key: "id", options: CSVReadOptions(delimiter: ";"))
        #expect(
            semicolons.changedRows.first?.cells == [TableDiff.CellChange(column: "v", oldText: "a,b", newText: "a;b")])
    }

    // MARK: - Text and JSON

    @Test func descriptionAndReportEscapeControlCharacters() throws {
        let old = "id,n\u{1B}ame\n1,\"a\u{1B}[31m\"\n2,b\n"
        let new = "id,n\u{1B}ame\n1,\"line\nbreak\"\n3,\"\"\n"
        let result = try diff(old, new, key: "id")
        let report = result.report()
        #expect(!report.contains("\u{1B}"))
        #expect(
            report == """
                +1 rows, -1 rows, ~1 changed
                added rows:
                + line 4: id=3, n\\u{1B}ame=""
                removed rows:
                - line 3: id=2, n\\u{1B}ame=b
                changed rows:
                ~ id=1 (lines 2, 2): n\\u{1B}ame "a\\u{1B}[31m" → "line\\nbreak"
                """)
        let columns = try diff("a\n1\n", "a,b\u{7}\n1,2\n")
        #expect(columns.description == "+0 rows, -0 rows; columns: +b\\u{7}")
        let many = try diff("id\n", "id\n" + (1...4).map { "\($0)\n" }.joined(), key: "id")
        #expect(many.report(maxRows: 2).hasSuffix("+ line 2: id=1\n+ line 3: id=2\n  … 2 more"))
    }

    @Test func resultsRoundTripThroughJSON() throws {
        let result = try diff("id,a,b\n1,x,1\n2,y,2\n", "id,b,c\n1,1.5,z\n3,3,w\n", key: "id")
        let json = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(TableDiff.self, from: json) == result)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["addedRowCount"] as? Int == 1)
        let changes = try #require(object["schemaChanges"] as? [[String: Any]])
        #expect(changes.contains { $0["kind"] as? String == "retyped" && $0["oldType"] as? String == "int" })
    }

    // MARK: - Size

    @Test func aLargeDiffByKeyAndByContent() throws {
        let long = ProcessInfo.processInfo.environment["MLOPS_LONG_TESTS"] == "1"
        let rows = long ? 1_000_000 : 20_000
        var old: [UInt8] = Array("id,c1,c2,c3,c4,c5,c6,c7,c8,c9\n".utf8)
        var new = old
        for row in 0..<rows {
            let line = Array("\(row),\(row &* 7),a\(row % 13),3.5,x,\(row % 3),yy,\(row * 2),z,w\n".utf8)
            if row % 100 != 1 { old += line }
            if row % 100 == 2 {
                new += Array("\(row),\(row &* 7),CHANGED,3.5,x,\(row % 3),yy,\(row * 2),z,w\n".utf8)
            } else if row % 100 != 3 {
                new += line
            }
        }
        let keyed = try TableDiff.compare(old: old, new: new, key: "id", limit: 5)
        #expect(keyed.addedRowCount == rows / 100)
        #expect(keyed.removedRowCount == rows / 100)
        #expect(keyed.changedRowCount == rows / 100)
        #expect(keyed.unchangedRowCount == rows - 3 * rows / 100)
        #expect(
            keyed.changedRows.first?.cells == [TableDiff.CellChange(column: "c2", oldText: "a2", newText: "CHANGED")])
        let byContent = try TableDiff.compare(old: old, new: new, limit: 5)
        #expect(byContent.addedRowCount == 2 * rows / 100)
        #expect(byContent.removedRowCount == 2 * rows / 100)
        #expect(byContent.unchangedRowCount == rows - 3 * rows / 100)
    }
}
