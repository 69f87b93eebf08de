import MLOpsCore
import Testing

struct TableTests {
    private func sample() throws -> Table {
        try Table(columns: [
            .double("x", [1.5, nil, -3, .nan]),
            .int("n", [1, 2, nil, 4]),
            .string("s", ["a", "b", "c", nil]),
            .bool("b", [true, nil, false, true]),
            .float("f", [0.5, 1, nil, 2]),
        ])
    }

    @Test func shapeAndLookup() throws {
        let table = try sample()
        #expect(table.rowCount == 4)
        #expect(table.columnCount == 5)
        #expect(table.columnNames == ["x", "n", "s", "b", "f"])
        #expect(table.schema == TableSchema(["x": .double, "n": .int, "s": .string, "b": .bool, "f": .float]))
        #expect(table["n"]?.type == .int)
        #expect(table.column(named: "s")?.count == 4)
        #expect(table["nope"] == nil)
        #expect(table.columnIndex(named: "b") == 3)
        #expect(Table().rowCount == 0)
        #expect(Table().columnCount == 0)
    }

    @Test func initRejectsBadColumns() {
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table(columns: [.int("a", [1]), .int("a", [2])])
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table(columns: [.int("", [1])])
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Table(columns: [.int("a", [1, 2]), .int("b", [2])])
        }
        #expect(throws: MLOpsError(.invalidArgument, "")) {
            try Column(name: "a", storage: .int([1, 2]), missing: MissingMask(count: 3))
        }
    }

    @Test func missingIsNotNaN() throws {
        let table = try sample()
        #expect(try table.isMissing(row: 1, column: "x"))
        #expect(try !table.isMissing(row: 3, column: "x"))
        #expect(try table.value(row: 1, column: "x") == .missing)
        let nan = try table.value(row: 3, column: "x")
        #expect(nan.doubleValue?.isNaN == true)
        #expect(try table.value(row: 0, column: "x") == .double(1.5))
        #expect(try table.value(row: 0, column: "n") == .int(1))
        #expect(try table.value(row: 2, column: "s") == .string("c"))
        #expect(try table.value(row: 2, column: "b") == .bool(false))
        #expect(try table.value(row: 0, column: "f") == .double(0.5))
        #expect(try table.value(row: 2, column: "f") == .missing)
        #expect(throws: MLOpsError(.notFound, "")) { try table.value(row: 0, column: "zz") }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.value(row: 4, column: "x") }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.isMissing(row: -1, column: "x") }
    }

    @Test func placeholdersAreNormalised() throws {
        let column = try Column(name: "a", storage: .int([7, 8, 9]), missing: MissingMask([false, true, false]))
        #expect(column.storage == .int([7, 0, 9]))
        #expect(column.missingCount == 1)
        #expect(column.missing.missingIndices == [1])
        let text = try Column(name: "t", storage: .string(["x", "y"]), missing: MissingMask([true, false]))
        #expect(text.storage == .string(["", "y"]))
    }

    @Test func equalityIsBitwiseForFloatingPoint() {
        #expect(Column.double("a", [.nan, 1]) == Column.double("a", [.nan, 1]))
        #expect(Column.double("a", [0.0]) != Column.double("a", [-0.0]))
        #expect(Column.double("a", [nil]) != Column.double("a", [.nan]))
        #expect(Column.float("a", [Float.nan]) == Column.float("a", [Float.nan]))
        #expect(Column.int("a", [1]) != Column.int("b", [1]))
        #expect(Column.int("a", [1]) != Column.double("a", [1]))
    }

    @Test func selectAndRemove() throws {
        let table = try sample()
        let picked = try table.select(columns: ["s", "x"])
        #expect(picked.columnNames == ["s", "x"])
        #expect(picked["x"] == table["x"])
        #expect(throws: MLOpsError(.notFound, "")) { try table.select(columns: ["x", "missing"]) }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.select(columns: ["x", "x"]) }
        let rest = try table.removing(columns: ["x", "f"])
        #expect(rest.columnNames == ["n", "s", "b"])
        #expect(throws: MLOpsError(.notFound, "")) { try table.removing(columns: ["q"]) }
    }

    @Test func gatherRows() throws {
        let table = try sample()
        let gathered = try table.rows([3, 0, 0, 1])
        #expect(gathered.rowCount == 4)
        #expect(gathered["n"] == .int("n", [4, 1, 1, 2]))
        #expect(gathered["s"] == .string("s", [nil, "a", "a", "b"]))
        #expect(gathered["b"] == .bool("b", [true, true, true, nil]))
        #expect(try table.rows([]).rowCount == 0)
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.rows([0, 4]) }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.rows([-1]) }
    }

    @Test func appendRows() throws {
        let table = try sample()
        let doubled = try table.appending(table)
        #expect(doubled.rowCount == 8)
        #expect(try doubled.rows([4, 5, 6, 7]) == table)
        #expect(try doubled.rows([0, 1, 2, 3]) == table)
        #expect(try Table().appending(table) == table)
        #expect(try table.appending(Table()) == table)
        let other = try Table(columns: [.int("x", [1])])
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.appending(other) }
    }

    @Test func missingMaskAcrossWordBoundaries() {
        var mask = MissingMask(count: 0)
        for index in 0..<130 { mask.append(index % 7 == 0) }
        var other = MissingMask(count: 70)
        other[3] = true
        other[69] = true
        mask.append(contentsOf: other)
        #expect(mask.count == 200)
        let expected = (0..<130).filter { $0 % 7 == 0 } + [133, 199]
        #expect(mask.missingIndices == expected)
        #expect(mask.missingCount == expected.count)
        mask[133] = false
        #expect(mask.missingCount == expected.count - 1)
        #expect(MissingMask([true, false]) != MissingMask([false, true]))
    }

    @Test func filterByRowAndMask() throws {
        let table = try sample()
        let kept = table.filter { row in row["b"] == .bool(true) }
        #expect(kept.rowCount == 2)
        #expect(kept["n"] == .int("n", [1, 4]))
        let withIndex = table.filter { $0.index.isMultiple(of: 2) }
        #expect(withIndex == (try table.rows([0, 2])))
        #expect(table.filter { $0["nope"] != nil }.rowCount == 0)
        #expect(try table.filter(mask: [false, true, true, false]) == (try table.rows([1, 2])))
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.filter(mask: [true]) }
        let firstOnly = table.filter { row in
            row.values.count == 5 && row[column: 1] == .int(1) && row[column: 9] == nil
        }
        #expect(firstOnly == (try table.rows([0])))
    }

    @Test func numericConversionsUseNaNForMissing() throws {
        let table = try sample()
        let x = try table.doubles(column: "x")
        #expect(x[0] == 1.5 && x[1].isNaN && x[2] == -3 && x[3].isNaN)
        let n = try table.doubles(column: "n")
        #expect(n[0] == 1 && n[1] == 2 && n[2].isNaN && n[3] == 4)
        let b = try table.floats(column: "b")
        #expect(b[0] == 1 && b[1].isNaN && b[2] == 0 && b[3] == 1)
        let f = try table.doubles(column: "f")
        #expect(f[0] == 0.5 && f[2].isNaN)
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.doubles(column: "s") }
        #expect(throws: MLOpsError(.notFound, "")) { try table.floats(column: "zz") }
    }

    @Test func featureMatrixIsRowMajor() throws {
        let table = try sample()
        let matrix = try table.featureMatrix(columns: ["n", "x"])
        #expect(matrix.rows == 4 && matrix.cols == 2)
        #expect(matrix.values.count == 8)
        #expect(matrix.values[0] == 1 && matrix.values[1] == 1.5)
        #expect(matrix.values[2] == 2 && matrix.values[3].isNaN)
        #expect(matrix.values[4].isNaN && matrix.values[5] == -3)
        #expect(matrix.values[6] == 4 && matrix.values[7].isNaN)
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.featureMatrix(columns: ["s"]) }
        let empty = try table.featureMatrix(columns: [])
        #expect(empty.values.isEmpty && empty.rows == 4 && empty.cols == 0)
    }

    @Test func addingAndRenaming() throws {
        let table = try sample()
        let wider = try table.adding(Column.int("extra", [1, 2, 3, 4]).renamed(to: "e"))
        #expect(wider.columnNames.last == "e")
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.adding(.int("e", [1])) }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try table.adding(.int("x", [1, 2, 3, 4])) }
    }

    @Test func tableCrossesTasks() async throws {
        let table = try sample()
        let count = await Task.detached { table.rowCount + table.columnCount }.value
        #expect(count == 9)
    }
}
