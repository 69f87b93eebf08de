/// A scan whose body computes squared distances (see ``ScanDistancePattern``), run as one loop:
/// `D[t, n] = Σ_f (X[n, f] - P[t, f])²` for T points P [T, F] and N rows X [N, F].
///
/// X is transposed once into scratch, so each point's distances are accumulated over the
/// features in order (as the body sums them) with a contiguous inner loop over the rows; below
/// ``directRows`` rows (a single row, typically) each distance is summed directly from X's row,
/// in the same order, so both loops give the same bits. Each
/// difference is squared and summed directly — no `‖x‖² − 2x·p + ‖p‖²` expansion, whose
/// cancellation would make small distances inexact (and the square root of a negative NaN).
struct ScanDistanceStep: ExecutionStep {
    let x: Int
    let finalState: Int
    let points: Int
    let distances: Int
    let rows: Int
    let features: Int
    let count: Int
    let inputReversed: Bool
    let outputReversed: Bool
    let scratchOffset: Int

    /// Below this many rows the distances are summed row by row (the transposed loop's inner
    /// loop over the rows would be too short to vectorise).
    static let directRows = 16

    func run(_ context: ExecutionContext) throws {
        let xs = UnsafePointer(context.f32(x))
        let n = rows
        let f = features
        if n * f > 0 { context.f32(finalState).update(from: xs, count: n * f) }
        let p = UnsafePointer(context.f32(points))
        let d = context.f32(distances)
        let last = count - 1
        if n < Self.directRows {
            // Same sums in the same order as below (0, then each feature's square in turn).
            for t in 0..<count {
                let point = p + (inputReversed ? last - t : t) * f
                let row = d + (outputReversed ? last - t : t) * n
                for j in 0..<n {
                    let xj = xs + j * f
                    var sum: Float = 0
                    for k in 0..<f {
                        let difference = xj[k] - point[k]
                        sum += difference * difference
                    }
                    row[j] = sum
                }
            }
            return
        }
        let transposed = (context.arenaBase + scratchOffset).assumingMemoryBound(to: Float.self)
        for j in 0..<n {
            for k in 0..<f { transposed[k * n + j] = xs[j * f + k] }
        }
        for t in 0..<count {
            let point = p + (inputReversed ? last - t : t) * f
            let row = d + (outputReversed ? last - t : t) * n
            row.update(repeating: 0, count: n)
            for k in 0..<f {
                let pk = point[k]
                let column = transposed + k * n
                for j in 0..<n {
                    let difference = column[j] - pk
                    row[j] += difference * difference
                }
            }
        }
    }
}
