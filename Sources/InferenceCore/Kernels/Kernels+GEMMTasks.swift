// The parallel regions of SGEMM as ``ParallelWork`` values: the pool reads them in place, so a parallel
// SGEMM allocates nothing (a closure shared with the workers would cost one allocation per region).
//
// @unchecked Sendable: each task carries raw pointers into the caller's operands and packing buffers;
// task `i` writes only its own disjoint range of C (or of the packed panels), computed from `i` alone,
// and the pool returns only after every task has finished, so no two threads write the same memory
// and no pointer outlives the SGEMM call.
extension Kernels {
    /// Packs the panels of one (KC × NC) block of a raw B, split into contiguous panel ranges.
    struct PackBTask: ParallelWork, @unchecked Sendable {
        let p: GEMMOperands
        let panels: Int
        let packTasks: Int
        let pc: Int
        let kc: Int
        let jc: Int
        let nc: Int
        let bPack: UnsafeMutablePointer<Float>
        let nr: Int

        func run(_ task: Int) {
            let first = panels * task / packTasks
            let last = panels * (task + 1) / packTasks
            guard first < last else { return }
            packB(
                transposed: p.transB, source: p.b, ld: p.ldb, k0: pc, kc: kc, j0: jc + first * nr,
                nc: min(nc - first * nr, (last - first) * nr), destination: bPack + first * kc * nr,
                panelStride: kc * nr, nr: nr)
        }
    }

    /// Multiplies one packed (KC × NC) block of a raw B into C, one rectangle of rows or panels per task.
    struct RawBlockTask: ParallelWork, @unchecked Sendable {
        let p: GEMMOperands
        let panels: Int
        let threads: Int
        let kcMax: Int
        let nr: Int
        let panel0: Int
        let pc: Int
        let kc: Int
        let bBlock: UnsafePointer<Float>
        let mode: TileMode
        let isLast: Bool

        func run(_ task: Int) {
            let (r0, r1, q0, q1) = partition(
                rows: p.m, panels: panels, threads: threads, index: task, mr: p.config.mr)
            guard r0 < r1, q0 < q1 else { return }
            let scratch = ScratchBuffer.current()
            let aPack = scratch.a(count: p.config.mc * kcMax + p.config.mr * nr)
            macroBlock(
                p, rows: r0..<r1, panels: (panel0 + q0)..<(panel0 + q1), k0: pc, kc: kc, bBlock: bBlock,
                bPanelBase: panel0, bPanelStride: kc * nr, mode: mode, isLast: isLast, aPack: aPack)
        }
    }

    /// Multiplies A by a pre-packed B, one rectangle of rows or panels per task.
    struct PackedTask: ParallelWork, @unchecked Sendable {
        let p: GEMMOperands
        let packed: UnsafePointer<Float>
        let panels: Int
        let threads: Int
        let kcMax: Int
        let nr: Int
        let ncPanels: Int

        func run(_ task: Int) {
            let (r0, r1, q0, q1) = partition(
                rows: p.m, panels: panels, threads: threads, index: task, mr: p.config.mr)
            guard r0 < r1, q0 < q1 else { return }
            let aPack = ScratchBuffer.current().a(count: p.config.mc * kcMax + p.config.mr * nr)
            var jp = q0
            while jp < q1 {
                let je = min(jp + ncPanels, q1)
                var pc = 0
                while pc < p.k {
                    let kc = min(kcMax, p.k - pc)
                    let mode: TileMode = pc > 0 ? .accumulate : (p.beta == 0 ? .overwrite : .scale)
                    macroBlock(
                        p, rows: r0..<r1, panels: jp..<je, k0: pc, kc: kc, bBlock: packed + pc * panels * nr,
                        bPanelBase: 0, bPanelStride: kc * nr, mode: mode, isLast: pc + kc == p.k, aPack: aPack)
                    pc += kc
                }
                jp = je
            }
        }
    }

    /// Runs the one-row kernel for every row of a small-M SGEMM over one contiguous range of panels.
    struct SmallMTask: ParallelWork, @unchecked Sendable {
        let p: GEMMOperands
        let tasks: Int
        let group: Int
        let nr: Int
        let fullPanels: Int
        let tailColumns: Int

        func run(_ task: Int) {
            let scratch = ScratchBuffer.current()
            let tile = scratch.a(count: 2 * group * nr)
            let q0 = (fullPanels * task / tasks) / group * group
            let q1 = task == tasks - 1 ? fullPanels : (fullPanels * (task + 1) / tasks) / group * group
            var tailPanel: UnsafeMutablePointer<Float>?
            if task == tasks - 1 && tailColumns > 0 && p.narrowTail == nil {
                let strip = scratch.b(count: p.k * nr)
                packB(
                    transposed: false, source: p.b, ld: p.ldb, k0: 0, kc: p.k, j0: fullPanels * nr, nc: tailColumns,
                    destination: strip, panelStride: p.k * nr, nr: nr)
                tailPanel = strip
            }
            for row in 0..<p.m {
                let cRow = p.c + row * p.ldc
                var q = q0
                while q + group <= q1 {
                    rowPanels(p, row: row, panel: q, count: group, tile: tile)
                    let column = q * nr
                    storeRow(p, tile, cRow, column: column, width: min(group * nr, p.n - column))
                    q += group
                }
                while q < q1 {
                    rowPanels(p, row: row, panel: q, count: 1, tile: tile)
                    let column = q * nr
                    storeRow(p, tile, cRow, column: column, width: min(nr, p.n - column))
                    q += 1
                }
                if let tailPanel {
                    let (x, xStride) = p.aRow(row)
                    p.config.onePanel(k: p.k, x: x, xStride: xStride, b: tailPanel, rowStride: nr, out: tile)
                    storeRow(p, tile, cRow, column: fullPanels * nr, width: tailColumns)
                } else if let narrow = p.narrowTail, task == tasks - 1 && tailColumns > 0 {
                    let (x, xStride) = p.aRow(row)
                    rowKernelNarrow(k: p.k, x: x, xStride: xStride, b: narrow, out: tile)
                    storeRow(p, tile, cRow, column: fullPanels * nr, width: tailColumns)
                }
            }
        }
    }
}
