@testable import InferenceCore
import MLOpsCore
import Testing

@Suite("Kernels: Matrix")
struct KernelsMatrixTests {
    @Test("init validates sizes and counts with typed errors")
    func validation() throws {
        #expect(throws: MLOpsError(.invalidArgument, "")) { try Matrix(rows: 2, columns: 2, values: [1, 2, 3]) }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try Matrix(rows: -1, columns: 2, values: []) }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try Matrix(rows: Int.max, columns: 3, values: []) }
        #expect(throws: MLOpsError(.invalidArgument, "")) { try Matrix([[1, 2], [3]]) }
        do {
            _ = try Matrix(rows: 2, columns: 3, values: [1])
            Issue.record("expected an error")
        } catch let error as MLOpsError {
            #expect(error.value == "1")
            #expect(error.message.contains("2×3"))
        }
        let empty = try Matrix([])
        #expect(empty.rows == 0 && empty.columns == 0)
    }

    @Test("subscript, values and unsafe buffers are row-major")
    func layout() throws {
        var m = try Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        #expect(m[0, 2] == 3)
        #expect(m[1, 0] == 4)
        m[1, 2] = 60
        #expect(m.values == [1, 2, 3, 4, 5, 60])
        let sum = m.withUnsafeBufferPointer { $0.reduce(0, +) }
        #expect(sum == 75)
        m.withUnsafeMutableBufferPointer { $0[0] = -1 }
        #expect(m[0, 0] == -1)
        #expect(Matrix(rows: 2, columns: 2, repeating: 7).values == [7, 7, 7, 7])
    }

    @Test("transpose of odd and blocked sizes")
    func transpose() throws {
        var random = KernelTestRandom(seed: 2)
        for (rows, columns) in [(0, 3), (1, 1), (3, 5), (33, 70), (64, 64)] {
            let m = try Matrix(rows: rows, columns: columns, values: random.floats(rows * columns))
            let t = m.transposed()
            #expect(t.rows == columns && t.columns == rows)
            for r in 0..<rows {
                for c in 0..<columns where t[c, r] != m[r, c] {
                    Issue.record("transpose mismatch at \(r),\(c)")
                }
            }
            #expect(t.transposed() == m)
        }
    }

    @Test("matrices and packed weights cross task boundaries (Sendable)")
    func sendable() async throws {
        let m = try Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        let packed = PackedMatrix(m)
        let result = await Task.detached { (m.values.reduce(0, +), packed.unpacked()) }.value
        #expect(result.0 == 10)
        #expect(result.1 == m)
        #expect(packed.byteCount >= 16)
    }
}
