// This file is generated (register tiles are written out so every accumulator stays in a register).
// Regenerate rather than edit by hand; the generator is described in Documentation/Performance.md.

extension KernelConfig {
    #if MLOPS_AVX512
        /// Computes the 12×32 tile `Ã·B̃` over `kc` steps of packed panels and writes it through `store`.
        ///
        /// `a` holds 12 floats per step (one packed A panel), `b` 32 floats per step (one packed B
        /// panel); `store` receives 12 rows of 32 floats (see ``TileStore``).
        static func microKernel(
            kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, store: TileStore
        ) {
            var c0_0 = SIMD16<Float>()
            var c0_1 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c1_1 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c2_1 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var c3_1 = SIMD16<Float>()
            var c4_0 = SIMD16<Float>()
            var c4_1 = SIMD16<Float>()
            var c5_0 = SIMD16<Float>()
            var c5_1 = SIMD16<Float>()
            var c6_0 = SIMD16<Float>()
            var c6_1 = SIMD16<Float>()
            var c7_0 = SIMD16<Float>()
            var c7_1 = SIMD16<Float>()
            var c8_0 = SIMD16<Float>()
            var c8_1 = SIMD16<Float>()
            var c9_0 = SIMD16<Float>()
            var c9_1 = SIMD16<Float>()
            var c10_0 = SIMD16<Float>()
            var c10_1 = SIMD16<Float>()
            var c11_0 = SIMD16<Float>()
            var c11_1 = SIMD16<Float>()
            var ap = a
            var bp = UnsafeRawPointer(b)
            for _ in 0..<kc {
                let b0 = bp.loadUnaligned(as: SIMD16<Float>.self)
                let b1 = bp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                let a0 = SIMD16<Float>(repeating: ap[0])
                c0_0 = multiplyAdd(a0, b0, c0_0)
                c0_1 = multiplyAdd(a0, b1, c0_1)
                let a1 = SIMD16<Float>(repeating: ap[1])
                c1_0 = multiplyAdd(a1, b0, c1_0)
                c1_1 = multiplyAdd(a1, b1, c1_1)
                let a2 = SIMD16<Float>(repeating: ap[2])
                c2_0 = multiplyAdd(a2, b0, c2_0)
                c2_1 = multiplyAdd(a2, b1, c2_1)
                let a3 = SIMD16<Float>(repeating: ap[3])
                c3_0 = multiplyAdd(a3, b0, c3_0)
                c3_1 = multiplyAdd(a3, b1, c3_1)
                let a4 = SIMD16<Float>(repeating: ap[4])
                c4_0 = multiplyAdd(a4, b0, c4_0)
                c4_1 = multiplyAdd(a4, b1, c4_1)
                let a5 = SIMD16<Float>(repeating: ap[5])
                c5_0 = multiplyAdd(a5, b0, c5_0)
                c5_1 = multiplyAdd(a5, b1, c5_1)
                let a6 = SIMD16<Float>(repeating: ap[6])
                c6_0 = multiplyAdd(a6, b0, c6_0)
                c6_1 = multiplyAdd(a6, b1, c6_1)
                let a7 = SIMD16<Float>(repeating: ap[7])
                c7_0 = multiplyAdd(a7, b0, c7_0)
                c7_1 = multiplyAdd(a7, b1, c7_1)
                let a8 = SIMD16<Float>(repeating: ap[8])
                c8_0 = multiplyAdd(a8, b0, c8_0)
                c8_1 = multiplyAdd(a8, b1, c8_1)
                let a9 = SIMD16<Float>(repeating: ap[9])
                c9_0 = multiplyAdd(a9, b0, c9_0)
                c9_1 = multiplyAdd(a9, b1, c9_1)
                let a10 = SIMD16<Float>(repeating: ap[10])
                c10_0 = multiplyAdd(a10, b0, c10_0)
                c10_1 = multiplyAdd(a10, b1, c10_1)
                let a11 = SIMD16<Float>(repeating: ap[11])
                c11_0 = multiplyAdd(a11, b0, c11_0)
                c11_1 = multiplyAdd(a11, b1, c11_1)
                ap += 12
                bp += 128
            }
            let out = UnsafeMutableRawPointer(store.c)
            let ld = store.ldc * 4
            let alpha = SIMD16<Float>(repeating: store.alpha)
            let floor = SIMD16<Float>(repeating: store.floor)
            var bias0 = SIMD16<Float>(repeating: -0.0)
            var bias1 = SIMD16<Float>(repeating: -0.0)
            if let bias = store.bias {
                let bb = UnsafeRawPointer(bias)
                bias0 = bb.loadUnaligned(as: SIMD16<Float>.self)
                bias1 = bb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            }
            let o0 = out
            let o1 = out + 1 * ld
            let o2 = out + 2 * ld
            let o3 = out + 3 * ld
            let o4 = out + 4 * ld
            let o5 = out + 5 * ld
            let o6 = out + 6 * ld
            let o7 = out + 7 * ld
            let o8 = out + 8 * ld
            let o9 = out + 9 * ld
            let o10 = out + 10 * ld
            let o11 = out + 11 * ld
            switch store.mode {
            case .overwrite:
                storeVector(finishTile(c0_0 * alpha, bias0, floor), o0, 0)
                storeVector(finishTile(c0_1 * alpha, bias1, floor), o0, 64)
                storeVector(finishTile(c1_0 * alpha, bias0, floor), o1, 0)
                storeVector(finishTile(c1_1 * alpha, bias1, floor), o1, 64)
                storeVector(finishTile(c2_0 * alpha, bias0, floor), o2, 0)
                storeVector(finishTile(c2_1 * alpha, bias1, floor), o2, 64)
                storeVector(finishTile(c3_0 * alpha, bias0, floor), o3, 0)
                storeVector(finishTile(c3_1 * alpha, bias1, floor), o3, 64)
                storeVector(finishTile(c4_0 * alpha, bias0, floor), o4, 0)
                storeVector(finishTile(c4_1 * alpha, bias1, floor), o4, 64)
                storeVector(finishTile(c5_0 * alpha, bias0, floor), o5, 0)
                storeVector(finishTile(c5_1 * alpha, bias1, floor), o5, 64)
                storeVector(finishTile(c6_0 * alpha, bias0, floor), o6, 0)
                storeVector(finishTile(c6_1 * alpha, bias1, floor), o6, 64)
                storeVector(finishTile(c7_0 * alpha, bias0, floor), o7, 0)
                storeVector(finishTile(c7_1 * alpha, bias1, floor), o7, 64)
                storeVector(finishTile(c8_0 * alpha, bias0, floor), o8, 0)
                storeVector(finishTile(c8_1 * alpha, bias1, floor), o8, 64)
                storeVector(finishTile(c9_0 * alpha, bias0, floor), o9, 0)
                storeVector(finishTile(c9_1 * alpha, bias1, floor), o9, 64)
                storeVector(finishTile(c10_0 * alpha, bias0, floor), o10, 0)
                storeVector(finishTile(c10_1 * alpha, bias1, floor), o10, 64)
                storeVector(finishTile(c11_0 * alpha, bias0, floor), o11, 0)
                storeVector(finishTile(c11_1 * alpha, bias1, floor), o11, 64)
            case .scale:
                let beta = SIMD16<Float>(repeating: store.beta)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o0, 0, as: SIMD16<Float>.self), beta, c0_0 * alpha), bias0, floor),
                    o0, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o0, 64, as: SIMD16<Float>.self), beta, c0_1 * alpha), bias1, floor),
                    o0, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o1, 0, as: SIMD16<Float>.self), beta, c1_0 * alpha), bias0, floor),
                    o1, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o1, 64, as: SIMD16<Float>.self), beta, c1_1 * alpha), bias1, floor),
                    o1, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o2, 0, as: SIMD16<Float>.self), beta, c2_0 * alpha), bias0, floor),
                    o2, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o2, 64, as: SIMD16<Float>.self), beta, c2_1 * alpha), bias1, floor),
                    o2, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o3, 0, as: SIMD16<Float>.self), beta, c3_0 * alpha), bias0, floor),
                    o3, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o3, 64, as: SIMD16<Float>.self), beta, c3_1 * alpha), bias1, floor),
                    o3, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o4, 0, as: SIMD16<Float>.self), beta, c4_0 * alpha), bias0, floor),
                    o4, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o4, 64, as: SIMD16<Float>.self), beta, c4_1 * alpha), bias1, floor),
                    o4, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o5, 0, as: SIMD16<Float>.self), beta, c5_0 * alpha), bias0, floor),
                    o5, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o5, 64, as: SIMD16<Float>.self), beta, c5_1 * alpha), bias1, floor),
                    o5, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o6, 0, as: SIMD16<Float>.self), beta, c6_0 * alpha), bias0, floor),
                    o6, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o6, 64, as: SIMD16<Float>.self), beta, c6_1 * alpha), bias1, floor),
                    o6, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o7, 0, as: SIMD16<Float>.self), beta, c7_0 * alpha), bias0, floor),
                    o7, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o7, 64, as: SIMD16<Float>.self), beta, c7_1 * alpha), bias1, floor),
                    o7, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o8, 0, as: SIMD16<Float>.self), beta, c8_0 * alpha), bias0, floor),
                    o8, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o8, 64, as: SIMD16<Float>.self), beta, c8_1 * alpha), bias1, floor),
                    o8, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o9, 0, as: SIMD16<Float>.self), beta, c9_0 * alpha), bias0, floor),
                    o9, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o9, 64, as: SIMD16<Float>.self), beta, c9_1 * alpha), bias1, floor),
                    o9, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o10, 0, as: SIMD16<Float>.self), beta, c10_0 * alpha), bias0, floor),
                    o10, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o10, 64, as: SIMD16<Float>.self), beta, c10_1 * alpha), bias1, floor),
                    o10, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o11, 0, as: SIMD16<Float>.self), beta, c11_0 * alpha), bias0, floor),
                    o11, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o11, 64, as: SIMD16<Float>.self), beta, c11_1 * alpha), bias1, floor),
                    o11, 64)
            case .accumulate:
                storeVector(finishTile(c0_0 * alpha + loadVector(o0, 0, as: SIMD16<Float>.self), bias0, floor), o0, 0)
                storeVector(finishTile(c0_1 * alpha + loadVector(o0, 64, as: SIMD16<Float>.self), bias1, floor), o0, 64)
                storeVector(finishTile(c1_0 * alpha + loadVector(o1, 0, as: SIMD16<Float>.self), bias0, floor), o1, 0)
                storeVector(finishTile(c1_1 * alpha + loadVector(o1, 64, as: SIMD16<Float>.self), bias1, floor), o1, 64)
                storeVector(finishTile(c2_0 * alpha + loadVector(o2, 0, as: SIMD16<Float>.self), bias0, floor), o2, 0)
                storeVector(finishTile(c2_1 * alpha + loadVector(o2, 64, as: SIMD16<Float>.self), bias1, floor), o2, 64)
                storeVector(finishTile(c3_0 * alpha + loadVector(o3, 0, as: SIMD16<Float>.self), bias0, floor), o3, 0)
                storeVector(finishTile(c3_1 * alpha + loadVector(o3, 64, as: SIMD16<Float>.self), bias1, floor), o3, 64)
                storeVector(finishTile(c4_0 * alpha + loadVector(o4, 0, as: SIMD16<Float>.self), bias0, floor), o4, 0)
                storeVector(finishTile(c4_1 * alpha + loadVector(o4, 64, as: SIMD16<Float>.self), bias1, floor), o4, 64)
                storeVector(finishTile(c5_0 * alpha + loadVector(o5, 0, as: SIMD16<Float>.self), bias0, floor), o5, 0)
                storeVector(finishTile(c5_1 * alpha + loadVector(o5, 64, as: SIMD16<Float>.self), bias1, floor), o5, 64)
                storeVector(finishTile(c6_0 * alpha + loadVector(o6, 0, as: SIMD16<Float>.self), bias0, floor), o6, 0)
                storeVector(finishTile(c6_1 * alpha + loadVector(o6, 64, as: SIMD16<Float>.self), bias1, floor), o6, 64)
                storeVector(finishTile(c7_0 * alpha + loadVector(o7, 0, as: SIMD16<Float>.self), bias0, floor), o7, 0)
                storeVector(finishTile(c7_1 * alpha + loadVector(o7, 64, as: SIMD16<Float>.self), bias1, floor), o7, 64)
                storeVector(finishTile(c8_0 * alpha + loadVector(o8, 0, as: SIMD16<Float>.self), bias0, floor), o8, 0)
                storeVector(finishTile(c8_1 * alpha + loadVector(o8, 64, as: SIMD16<Float>.self), bias1, floor), o8, 64)
                storeVector(finishTile(c9_0 * alpha + loadVector(o9, 0, as: SIMD16<Float>.self), bias0, floor), o9, 0)
                storeVector(finishTile(c9_1 * alpha + loadVector(o9, 64, as: SIMD16<Float>.self), bias1, floor), o9, 64)
                storeVector(
                    finishTile(c10_0 * alpha + loadVector(o10, 0, as: SIMD16<Float>.self), bias0, floor), o10, 0)
                storeVector(
                    finishTile(c10_1 * alpha + loadVector(o10, 64, as: SIMD16<Float>.self), bias1, floor), o10, 64)
                storeVector(
                    finishTile(c11_0 * alpha + loadVector(o11, 0, as: SIMD16<Float>.self), bias0, floor), o11, 0)
                storeVector(
                    finishTile(c11_1 * alpha + loadVector(o11, 64, as: SIMD16<Float>.self), bias1, floor), o11, 64)
            }
        }

        /// Like ``microKernel(kc:a:b:store:)`` but reads the 12 rows of A in place (row-major, `lda` apart)
        /// instead of from a packed panel, so a non-transposed A needs no packing.
        static func microKernelDirectA(
            kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, store: TileStore
        ) {
            var c0_0 = SIMD16<Float>()
            var c0_1 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c1_1 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c2_1 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var c3_1 = SIMD16<Float>()
            var c4_0 = SIMD16<Float>()
            var c4_1 = SIMD16<Float>()
            var c5_0 = SIMD16<Float>()
            var c5_1 = SIMD16<Float>()
            var c6_0 = SIMD16<Float>()
            var c6_1 = SIMD16<Float>()
            var c7_0 = SIMD16<Float>()
            var c7_1 = SIMD16<Float>()
            var c8_0 = SIMD16<Float>()
            var c8_1 = SIMD16<Float>()
            var c9_0 = SIMD16<Float>()
            var c9_1 = SIMD16<Float>()
            var c10_0 = SIMD16<Float>()
            var c10_1 = SIMD16<Float>()
            var c11_0 = SIMD16<Float>()
            var c11_1 = SIMD16<Float>()
            let r1 = lda
            let r2 = 2 * lda
            let r3 = 3 * lda
            var a0 = a
            var a4 = a + 4 * lda
            var a8 = a + 8 * lda
            var bp = UnsafeRawPointer(b)
            for _ in 0..<kc {
                let b0 = bp.loadUnaligned(as: SIMD16<Float>.self)
                let b1 = bp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                let x0 = SIMD16<Float>(repeating: a0[0])
                c0_0 = multiplyAdd(x0, b0, c0_0)
                c0_1 = multiplyAdd(x0, b1, c0_1)
                let x1 = SIMD16<Float>(repeating: a0[r1])
                c1_0 = multiplyAdd(x1, b0, c1_0)
                c1_1 = multiplyAdd(x1, b1, c1_1)
                let x2 = SIMD16<Float>(repeating: a0[r2])
                c2_0 = multiplyAdd(x2, b0, c2_0)
                c2_1 = multiplyAdd(x2, b1, c2_1)
                let x3 = SIMD16<Float>(repeating: a0[r3])
                c3_0 = multiplyAdd(x3, b0, c3_0)
                c3_1 = multiplyAdd(x3, b1, c3_1)
                let x4 = SIMD16<Float>(repeating: a4[0])
                c4_0 = multiplyAdd(x4, b0, c4_0)
                c4_1 = multiplyAdd(x4, b1, c4_1)
                let x5 = SIMD16<Float>(repeating: a4[r1])
                c5_0 = multiplyAdd(x5, b0, c5_0)
                c5_1 = multiplyAdd(x5, b1, c5_1)
                let x6 = SIMD16<Float>(repeating: a4[r2])
                c6_0 = multiplyAdd(x6, b0, c6_0)
                c6_1 = multiplyAdd(x6, b1, c6_1)
                let x7 = SIMD16<Float>(repeating: a4[r3])
                c7_0 = multiplyAdd(x7, b0, c7_0)
                c7_1 = multiplyAdd(x7, b1, c7_1)
                let x8 = SIMD16<Float>(repeating: a8[0])
                c8_0 = multiplyAdd(x8, b0, c8_0)
                c8_1 = multiplyAdd(x8, b1, c8_1)
                let x9 = SIMD16<Float>(repeating: a8[r1])
                c9_0 = multiplyAdd(x9, b0, c9_0)
                c9_1 = multiplyAdd(x9, b1, c9_1)
                let x10 = SIMD16<Float>(repeating: a8[r2])
                c10_0 = multiplyAdd(x10, b0, c10_0)
                c10_1 = multiplyAdd(x10, b1, c10_1)
                let x11 = SIMD16<Float>(repeating: a8[r3])
                c11_0 = multiplyAdd(x11, b0, c11_0)
                c11_1 = multiplyAdd(x11, b1, c11_1)
                a0 += 1
                a4 += 1
                a8 += 1
                bp += 128
            }
            let out = UnsafeMutableRawPointer(store.c)
            let ld = store.ldc * 4
            let alpha = SIMD16<Float>(repeating: store.alpha)
            let floor = SIMD16<Float>(repeating: store.floor)
            var bias0 = SIMD16<Float>(repeating: -0.0)
            var bias1 = SIMD16<Float>(repeating: -0.0)
            if let bias = store.bias {
                let bb = UnsafeRawPointer(bias)
                bias0 = bb.loadUnaligned(as: SIMD16<Float>.self)
                bias1 = bb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            }
            let o0 = out
            let o1 = out + 1 * ld
            let o2 = out + 2 * ld
            let o3 = out + 3 * ld
            let o4 = out + 4 * ld
            let o5 = out + 5 * ld
            let o6 = out + 6 * ld
            let o7 = out + 7 * ld
            let o8 = out + 8 * ld
            let o9 = out + 9 * ld
            let o10 = out + 10 * ld
            let o11 = out + 11 * ld
            switch store.mode {
            case .overwrite:
                storeVector(finishTile(c0_0 * alpha, bias0, floor), o0, 0)
                storeVector(finishTile(c0_1 * alpha, bias1, floor), o0, 64)
                storeVector(finishTile(c1_0 * alpha, bias0, floor), o1, 0)
                storeVector(finishTile(c1_1 * alpha, bias1, floor), o1, 64)
                storeVector(finishTile(c2_0 * alpha, bias0, floor), o2, 0)
                storeVector(finishTile(c2_1 * alpha, bias1, floor), o2, 64)
                storeVector(finishTile(c3_0 * alpha, bias0, floor), o3, 0)
                storeVector(finishTile(c3_1 * alpha, bias1, floor), o3, 64)
                storeVector(finishTile(c4_0 * alpha, bias0, floor), o4, 0)
                storeVector(finishTile(c4_1 * alpha, bias1, floor), o4, 64)
                storeVector(finishTile(c5_0 * alpha, bias0, floor), o5, 0)
                storeVector(finishTile(c5_1 * alpha, bias1, floor), o5, 64)
                storeVector(finishTile(c6_0 * alpha, bias0, floor), o6, 0)
                storeVector(finishTile(c6_1 * alpha, bias1, floor), o6, 64)
                storeVector(finishTile(c7_0 * alpha, bias0, floor), o7, 0)
                storeVector(finishTile(c7_1 * alpha, bias1, floor), o7, 64)
                storeVector(finishTile(c8_0 * alpha, bias0, floor), o8, 0)
                storeVector(finishTile(c8_1 * alpha, bias1, floor), o8, 64)
                storeVector(finishTile(c9_0 * alpha, bias0, floor), o9, 0)
                storeVector(finishTile(c9_1 * alpha, bias1, floor), o9, 64)
                storeVector(finishTile(c10_0 * alpha, bias0, floor), o10, 0)
                storeVector(finishTile(c10_1 * alpha, bias1, floor), o10, 64)
                storeVector(finishTile(c11_0 * alpha, bias0, floor), o11, 0)
                storeVector(finishTile(c11_1 * alpha, bias1, floor), o11, 64)
            case .scale:
                let beta = SIMD16<Float>(repeating: store.beta)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o0, 0, as: SIMD16<Float>.self), beta, c0_0 * alpha), bias0, floor),
                    o0, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o0, 64, as: SIMD16<Float>.self), beta, c0_1 * alpha), bias1, floor),
                    o0, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o1, 0, as: SIMD16<Float>.self), beta, c1_0 * alpha), bias0, floor),
                    o1, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o1, 64, as: SIMD16<Float>.self), beta, c1_1 * alpha), bias1, floor),
                    o1, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o2, 0, as: SIMD16<Float>.self), beta, c2_0 * alpha), bias0, floor),
                    o2, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o2, 64, as: SIMD16<Float>.self), beta, c2_1 * alpha), bias1, floor),
                    o2, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o3, 0, as: SIMD16<Float>.self), beta, c3_0 * alpha), bias0, floor),
                    o3, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o3, 64, as: SIMD16<Float>.self), beta, c3_1 * alpha), bias1, floor),
                    o3, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o4, 0, as: SIMD16<Float>.self), beta, c4_0 * alpha), bias0, floor),
                    o4, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o4, 64, as: SIMD16<Float>.self), beta, c4_1 * alpha), bias1, floor),
                    o4, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o5, 0, as: SIMD16<Float>.self), beta, c5_0 * alpha), bias0, floor),
                    o5, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o5, 64, as: SIMD16<Float>.self), beta, c5_1 * alpha), bias1, floor),
                    o5, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o6, 0, as: SIMD16<Float>.self), beta, c6_0 * alpha), bias0, floor),
                    o6, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o6, 64, as: SIMD16<Float>.self), beta, c6_1 * alpha), bias1, floor),
                    o6, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o7, 0, as: SIMD16<Float>.self), beta, c7_0 * alpha), bias0, floor),
                    o7, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o7, 64, as: SIMD16<Float>.self), beta, c7_1 * alpha), bias1, floor),
                    o7, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o8, 0, as: SIMD16<Float>.self), beta, c8_0 * alpha), bias0, floor),
                    o8, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o8, 64, as: SIMD16<Float>.self), beta, c8_1 * alpha), bias1, floor),
                    o8, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o9, 0, as: SIMD16<Float>.self), beta, c9_0 * alpha), bias0, floor),
                    o9, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o9, 64, as: SIMD16<Float>.self), beta, c9_1 * alpha), bias1, floor),
                    o9, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o10, 0, as: SIMD16<Float>.self), beta, c10_0 * alpha), bias0, floor),
                    o10, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o10, 64, as: SIMD16<Float>.self), beta, c10_1 * alpha), bias1, floor),
                    o10, 64)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o11, 0, as: SIMD16<Float>.self), beta, c11_0 * alpha), bias0, floor),
                    o11, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o11, 64, as: SIMD16<Float>.self), beta, c11_1 * alpha), bias1, floor),
                    o11, 64)
            case .accumulate:
                storeVector(finishTile(c0_0 * alpha + loadVector(o0, 0, as: SIMD16<Float>.self), bias0, floor), o0, 0)
                storeVector(finishTile(c0_1 * alpha + loadVector(o0, 64, as: SIMD16<Float>.self), bias1, floor), o0, 64)
                storeVector(finishTile(c1_0 * alpha + loadVector(o1, 0, as: SIMD16<Float>.self), bias0, floor), o1, 0)
                storeVector(finishTile(c1_1 * alpha + loadVector(o1, 64, as: SIMD16<Float>.self), bias1, floor), o1, 64)
                storeVector(finishTile(c2_0 * alpha + loadVector(o2, 0, as: SIMD16<Float>.self), bias0, floor), o2, 0)
                storeVector(finishTile(c2_1 * alpha + loadVector(o2, 64, as: SIMD16<Float>.self), bias1, floor), o2, 64)
                storeVector(finishTile(c3_0 * alpha + loadVector(o3, 0, as: SIMD16<Float>.self), bias0, floor), o3, 0)
                storeVector(finishTile(c3_1 * alpha + loadVector(o3, 64, as: SIMD16<Float>.self), bias1, floor), o3, 64)
                storeVector(finishTile(c4_0 * alpha + loadVector(o4, 0, as: SIMD16<Float>.self), bias0, floor), o4, 0)
                storeVector(finishTile(c4_1 * alpha + loadVector(o4, 64, as: SIMD16<Float>.self), bias1, floor), o4, 64)
                storeVector(finishTile(c5_0 * alpha + loadVector(o5, 0, as: SIMD16<Float>.self), bias0, floor), o5, 0)
                storeVector(finishTile(c5_1 * alpha + loadVector(o5, 64, as: SIMD16<Float>.self), bias1, floor), o5, 64)
                storeVector(finishTile(c6_0 * alpha + loadVector(o6, 0, as: SIMD16<Float>.self), bias0, floor), o6, 0)
                storeVector(finishTile(c6_1 * alpha + loadVector(o6, 64, as: SIMD16<Float>.self), bias1, floor), o6, 64)
                storeVector(finishTile(c7_0 * alpha + loadVector(o7, 0, as: SIMD16<Float>.self), bias0, floor), o7, 0)
                storeVector(finishTile(c7_1 * alpha + loadVector(o7, 64, as: SIMD16<Float>.self), bias1, floor), o7, 64)
                storeVector(finishTile(c8_0 * alpha + loadVector(o8, 0, as: SIMD16<Float>.self), bias0, floor), o8, 0)
                storeVector(finishTile(c8_1 * alpha + loadVector(o8, 64, as: SIMD16<Float>.self), bias1, floor), o8, 64)
                storeVector(finishTile(c9_0 * alpha + loadVector(o9, 0, as: SIMD16<Float>.self), bias0, floor), o9, 0)
                storeVector(finishTile(c9_1 * alpha + loadVector(o9, 64, as: SIMD16<Float>.self), bias1, floor), o9, 64)
                storeVector(
                    finishTile(c10_0 * alpha + loadVector(o10, 0, as: SIMD16<Float>.self), bias0, floor), o10, 0)
                storeVector(
                    finishTile(c10_1 * alpha + loadVector(o10, 64, as: SIMD16<Float>.self), bias1, floor), o10, 64)
                storeVector(
                    finishTile(c11_0 * alpha + loadVector(o11, 0, as: SIMD16<Float>.self), bias0, floor), o11, 0)
                storeVector(
                    finishTile(c11_1 * alpha + loadVector(o11, 64, as: SIMD16<Float>.self), bias1, floor), o11, 64)
            }
        }

        /// One row against 4 panels of 32 columns: `out[0..<128] = Σₖ x[k·xStride]·B[k, …]`.
        ///
        /// Panel `p` row `k` starts at `b + p·panelStride + k·rowStride` (packed panels: `panelStride = k·NR`,
        /// `rowStride = NR`; a row-major matrix read in place: `panelStride = NR`, `rowStride = ldb`).
        static func rowKernel(
            k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, panelStride: Int,
            rowStride: Int, out: UnsafeMutablePointer<Float>
        ) {
            var c0_0 = SIMD16<Float>()
            var c0_1 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c1_1 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c2_1 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var c3_1 = SIMD16<Float>()
            var p0 = UnsafeRawPointer(b)
            var p1 = UnsafeRawPointer(b + 1 * panelStride)
            var p2 = UnsafeRawPointer(b + 2 * panelStride)
            var p3 = UnsafeRawPointer(b + 3 * panelStride)
            let step = rowStride * 4
            var xp = x
            for _ in 0..<k {
                let xv = SIMD16<Float>(repeating: xp.pointee)
                c0_0 = multiplyAdd(xv, p0.loadUnaligned(as: SIMD16<Float>.self), c0_0)
                c0_1 = multiplyAdd(xv, p0.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c0_1)
                c1_0 = multiplyAdd(xv, p1.loadUnaligned(as: SIMD16<Float>.self), c1_0)
                c1_1 = multiplyAdd(xv, p1.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c1_1)
                c2_0 = multiplyAdd(xv, p2.loadUnaligned(as: SIMD16<Float>.self), c2_0)
                c2_1 = multiplyAdd(xv, p2.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c2_1)
                c3_0 = multiplyAdd(xv, p3.loadUnaligned(as: SIMD16<Float>.self), c3_0)
                c3_1 = multiplyAdd(xv, p3.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c3_1)
                p0 += step
                p1 += step
                p2 += step
                p3 += step
                xp += xStride
            }
            let t = UnsafeMutableRawPointer(out)
            t.storeBytes(of: c0_0, toByteOffset: 0, as: SIMD16<Float>.self)
            t.storeBytes(of: c0_1, toByteOffset: 64, as: SIMD16<Float>.self)
            t.storeBytes(of: c1_0, toByteOffset: 128, as: SIMD16<Float>.self)
            t.storeBytes(of: c1_1, toByteOffset: 192, as: SIMD16<Float>.self)
            t.storeBytes(of: c2_0, toByteOffset: 256, as: SIMD16<Float>.self)
            t.storeBytes(of: c2_1, toByteOffset: 320, as: SIMD16<Float>.self)
            t.storeBytes(of: c3_0, toByteOffset: 384, as: SIMD16<Float>.self)
            t.storeBytes(of: c3_1, toByteOffset: 448, as: SIMD16<Float>.self)
        }

        /// One row against one panel of 32 columns, with 4 interleaved accumulator sets so the
        /// dependency chains do not limit a long `k`. Same addressing as ``rowKernel``.
        static func rowKernelOnePanel(
            k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, rowStride: Int,
            out: UnsafeMutablePointer<Float>
        ) {
            var c0_0 = SIMD16<Float>()
            var c0_1 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c1_1 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c2_1 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var c3_1 = SIMD16<Float>()
            var bp = UnsafeRawPointer(b)
            let step = rowStride * 4
            var xp = x
            var remaining = k
            while remaining >= 4 {
                let x0 = SIMD16<Float>(repeating: xp[0 * xStride])
                c0_0 = multiplyAdd(x0, bp.loadUnaligned(as: SIMD16<Float>.self), c0_0)
                c0_1 = multiplyAdd(x0, bp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c0_1)
                let x1 = SIMD16<Float>(repeating: xp[1 * xStride])
                c1_0 = multiplyAdd(x1, (bp + 1 * step).loadUnaligned(as: SIMD16<Float>.self), c1_0)
                c1_1 = multiplyAdd(x1, (bp + 1 * step).loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c1_1)
                let x2 = SIMD16<Float>(repeating: xp[2 * xStride])
                c2_0 = multiplyAdd(x2, (bp + 2 * step).loadUnaligned(as: SIMD16<Float>.self), c2_0)
                c2_1 = multiplyAdd(x2, (bp + 2 * step).loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c2_1)
                let x3 = SIMD16<Float>(repeating: xp[3 * xStride])
                c3_0 = multiplyAdd(x3, (bp + 3 * step).loadUnaligned(as: SIMD16<Float>.self), c3_0)
                c3_1 = multiplyAdd(x3, (bp + 3 * step).loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c3_1)
                bp += 4 * step
                xp += 4 * xStride
                remaining -= 4
            }
            while remaining > 0 {
                let x0 = SIMD16<Float>(repeating: xp.pointee)
                c0_0 = multiplyAdd(x0, bp.loadUnaligned(as: SIMD16<Float>.self), c0_0)
                c0_1 = multiplyAdd(x0, bp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), c0_1)
                bp += step
                xp += xStride
                remaining -= 1
            }
            let t = UnsafeMutableRawPointer(out)
            t.storeBytes(of: (c0_0 + c1_0) + (c2_0 + c3_0), toByteOffset: 0, as: SIMD16<Float>.self)
            t.storeBytes(of: (c0_1 + c1_1) + (c2_1 + c3_1), toByteOffset: 64, as: SIMD16<Float>.self)
        }
    #elseif MLOPS_FMA || arch(arm64)
        /// Computes the 6×16 tile `Ã·B̃` over `kc` steps of packed panels and writes it through `store`.
        ///
        /// `a` holds 6 floats per step (one packed A panel), `b` 16 floats per step (one packed B
        /// panel); `store` receives 6 rows of 16 floats (see ``TileStore``).
        static func microKernel(
            kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, store: TileStore
        ) {
            var c0_0 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var c4_0 = SIMD16<Float>()
            var c5_0 = SIMD16<Float>()
            var ap = a
            var bp = UnsafeRawPointer(b)
            for _ in 0..<kc {
                let b0 = bp.loadUnaligned(as: SIMD16<Float>.self)
                let a0 = SIMD16<Float>(repeating: ap[0])
                c0_0 = multiplyAdd(a0, b0, c0_0)
                let a1 = SIMD16<Float>(repeating: ap[1])
                c1_0 = multiplyAdd(a1, b0, c1_0)
                let a2 = SIMD16<Float>(repeating: ap[2])
                c2_0 = multiplyAdd(a2, b0, c2_0)
                let a3 = SIMD16<Float>(repeating: ap[3])
                c3_0 = multiplyAdd(a3, b0, c3_0)
                let a4 = SIMD16<Float>(repeating: ap[4])
                c4_0 = multiplyAdd(a4, b0, c4_0)
                let a5 = SIMD16<Float>(repeating: ap[5])
                c5_0 = multiplyAdd(a5, b0, c5_0)
                ap += 6
                bp += 64
            }
            let out = UnsafeMutableRawPointer(store.c)
            let ld = store.ldc * 4
            let alpha = SIMD16<Float>(repeating: store.alpha)
            let floor = SIMD16<Float>(repeating: store.floor)
            var bias0 = SIMD16<Float>(repeating: -0.0)
            if let bias = store.bias {
                let bb = UnsafeRawPointer(bias)
                bias0 = bb.loadUnaligned(as: SIMD16<Float>.self)
            }
            let o0 = out
            let o1 = out + 1 * ld
            let o2 = out + 2 * ld
            let o3 = out + 3 * ld
            let o4 = out + 4 * ld
            let o5 = out + 5 * ld
            switch store.mode {
            case .overwrite:
                storeVector(finishTile(c0_0 * alpha, bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha, bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha, bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha, bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha, bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha, bias0, floor), o5, 0)
            case .scale:
                let beta = SIMD16<Float>(repeating: store.beta)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o0, 0, as: SIMD16<Float>.self), beta, c0_0 * alpha), bias0, floor),
                    o0, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o1, 0, as: SIMD16<Float>.self), beta, c1_0 * alpha), bias0, floor),
                    o1, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o2, 0, as: SIMD16<Float>.self), beta, c2_0 * alpha), bias0, floor),
                    o2, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o3, 0, as: SIMD16<Float>.self), beta, c3_0 * alpha), bias0, floor),
                    o3, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o4, 0, as: SIMD16<Float>.self), beta, c4_0 * alpha), bias0, floor),
                    o4, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o5, 0, as: SIMD16<Float>.self), beta, c5_0 * alpha), bias0, floor),
                    o5, 0)
            case .accumulate:
                storeVector(finishTile(c0_0 * alpha + loadVector(o0, 0, as: SIMD16<Float>.self), bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha + loadVector(o1, 0, as: SIMD16<Float>.self), bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha + loadVector(o2, 0, as: SIMD16<Float>.self), bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha + loadVector(o3, 0, as: SIMD16<Float>.self), bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha + loadVector(o4, 0, as: SIMD16<Float>.self), bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha + loadVector(o5, 0, as: SIMD16<Float>.self), bias0, floor), o5, 0)
            }
        }

        /// Like ``microKernel(kc:a:b:store:)`` but reads the 6 rows of A in place (row-major, `lda` apart)
        /// instead of from a packed panel, so a non-transposed A needs no packing.
        static func microKernelDirectA(
            kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, store: TileStore
        ) {
            var c0_0 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var c4_0 = SIMD16<Float>()
            var c5_0 = SIMD16<Float>()
            let r1 = lda
            let r2 = 2 * lda
            var a0 = a
            var a3 = a + 3 * lda
            var bp = UnsafeRawPointer(b)
            for _ in 0..<kc {
                let b0 = bp.loadUnaligned(as: SIMD16<Float>.self)
                let x0 = SIMD16<Float>(repeating: a0[0])
                c0_0 = multiplyAdd(x0, b0, c0_0)
                let x1 = SIMD16<Float>(repeating: a0[r1])
                c1_0 = multiplyAdd(x1, b0, c1_0)
                let x2 = SIMD16<Float>(repeating: a0[r2])
                c2_0 = multiplyAdd(x2, b0, c2_0)
                let x3 = SIMD16<Float>(repeating: a3[0])
                c3_0 = multiplyAdd(x3, b0, c3_0)
                let x4 = SIMD16<Float>(repeating: a3[r1])
                c4_0 = multiplyAdd(x4, b0, c4_0)
                let x5 = SIMD16<Float>(repeating: a3[r2])
                c5_0 = multiplyAdd(x5, b0, c5_0)
                a0 += 1
                a3 += 1
                bp += 64
            }
            let out = UnsafeMutableRawPointer(store.c)
            let ld = store.ldc * 4
            let alpha = SIMD16<Float>(repeating: store.alpha)
            let floor = SIMD16<Float>(repeating: store.floor)
            var bias0 = SIMD16<Float>(repeating: -0.0)
            if let bias = store.bias {
                let bb = UnsafeRawPointer(bias)
                bias0 = bb.loadUnaligned(as: SIMD16<Float>.self)
            }
            let o0 = out
            let o1 = out + 1 * ld
            let o2 = out + 2 * ld
            let o3 = out + 3 * ld
            let o4 = out + 4 * ld
            let o5 = out + 5 * ld
            switch store.mode {
            case .overwrite:
                storeVector(finishTile(c0_0 * alpha, bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha, bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha, bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha, bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha, bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha, bias0, floor), o5, 0)
            case .scale:
                let beta = SIMD16<Float>(repeating: store.beta)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o0, 0, as: SIMD16<Float>.self), beta, c0_0 * alpha), bias0, floor),
                    o0, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o1, 0, as: SIMD16<Float>.self), beta, c1_0 * alpha), bias0, floor),
                    o1, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o2, 0, as: SIMD16<Float>.self), beta, c2_0 * alpha), bias0, floor),
                    o2, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o3, 0, as: SIMD16<Float>.self), beta, c3_0 * alpha), bias0, floor),
                    o3, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o4, 0, as: SIMD16<Float>.self), beta, c4_0 * alpha), bias0, floor),
                    o4, 0)
                storeVector(
                    finishTile(
                        multiplyAdd(loadVector(o5, 0, as: SIMD16<Float>.self), beta, c5_0 * alpha), bias0, floor),
                    o5, 0)
            case .accumulate:
                storeVector(finishTile(c0_0 * alpha + loadVector(o0, 0, as: SIMD16<Float>.self), bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha + loadVector(o1, 0, as: SIMD16<Float>.self), bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha + loadVector(o2, 0, as: SIMD16<Float>.self), bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha + loadVector(o3, 0, as: SIMD16<Float>.self), bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha + loadVector(o4, 0, as: SIMD16<Float>.self), bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha + loadVector(o5, 0, as: SIMD16<Float>.self), bias0, floor), o5, 0)
            }
        }

        /// One row against 4 panels of 16 columns: `out[0..<64] = Σₖ x[k·xStride]·B[k, …]`.
        ///
        /// Panel `p` row `k` starts at `b + p·panelStride + k·rowStride` (packed panels: `panelStride = k·NR`,
        /// `rowStride = NR`; a row-major matrix read in place: `panelStride = NR`, `rowStride = ldb`).
        static func rowKernel(
            k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, panelStride: Int,
            rowStride: Int, out: UnsafeMutablePointer<Float>
        ) {
            var c0_0 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var p0 = UnsafeRawPointer(b)
            var p1 = UnsafeRawPointer(b + 1 * panelStride)
            var p2 = UnsafeRawPointer(b + 2 * panelStride)
            var p3 = UnsafeRawPointer(b + 3 * panelStride)
            let step = rowStride * 4
            var xp = x
            for _ in 0..<k {
                let xv = SIMD16<Float>(repeating: xp.pointee)
                c0_0 = multiplyAdd(xv, p0.loadUnaligned(as: SIMD16<Float>.self), c0_0)
                c1_0 = multiplyAdd(xv, p1.loadUnaligned(as: SIMD16<Float>.self), c1_0)
                c2_0 = multiplyAdd(xv, p2.loadUnaligned(as: SIMD16<Float>.self), c2_0)
                c3_0 = multiplyAdd(xv, p3.loadUnaligned(as: SIMD16<Float>.self), c3_0)
                p0 += step
                p1 += step
                p2 += step
                p3 += step
                xp += xStride
            }
            let t = UnsafeMutableRawPointer(out)
            t.storeBytes(of: c0_0, toByteOffset: 0, as: SIMD16<Float>.self)
            t.storeBytes(of: c1_0, toByteOffset: 64, as: SIMD16<Float>.self)
            t.storeBytes(of: c2_0, toByteOffset: 128, as: SIMD16<Float>.self)
            t.storeBytes(of: c3_0, toByteOffset: 192, as: SIMD16<Float>.self)
        }

        /// One row against one panel of 16 columns, with 4 interleaved accumulator sets so the
        /// dependency chains do not limit a long `k`. Same addressing as ``rowKernel``.
        static func rowKernelOnePanel(
            k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, rowStride: Int,
            out: UnsafeMutablePointer<Float>
        ) {
            var c0_0 = SIMD16<Float>()
            var c1_0 = SIMD16<Float>()
            var c2_0 = SIMD16<Float>()
            var c3_0 = SIMD16<Float>()
            var bp = UnsafeRawPointer(b)
            let step = rowStride * 4
            var xp = x
            var remaining = k
            while remaining >= 4 {
                let x0 = SIMD16<Float>(repeating: xp[0 * xStride])
                c0_0 = multiplyAdd(x0, bp.loadUnaligned(as: SIMD16<Float>.self), c0_0)
                let x1 = SIMD16<Float>(repeating: xp[1 * xStride])
                c1_0 = multiplyAdd(x1, (bp + 1 * step).loadUnaligned(as: SIMD16<Float>.self), c1_0)
                let x2 = SIMD16<Float>(repeating: xp[2 * xStride])
                c2_0 = multiplyAdd(x2, (bp + 2 * step).loadUnaligned(as: SIMD16<Float>.self), c2_0)
                let x3 = SIMD16<Float>(repeating: xp[3 * xStride])
                c3_0 = multiplyAdd(x3, (bp + 3 * step).loadUnaligned(as: SIMD16<Float>.self), c3_0)
                bp += 4 * step
                xp += 4 * xStride
                remaining -= 4
            }
            while remaining > 0 {
                let x0 = SIMD16<Float>(repeating: xp.pointee)
                c0_0 = multiplyAdd(x0, bp.loadUnaligned(as: SIMD16<Float>.self), c0_0)
                bp += step
                xp += xStride
                remaining -= 1
            }
            let t = UnsafeMutableRawPointer(out)
            t.storeBytes(of: (c0_0 + c1_0) + (c2_0 + c3_0), toByteOffset: 0, as: SIMD16<Float>.self)
        }
    #else
        /// Computes the 6×8 tile `Ã·B̃` over `kc` steps of packed panels and writes it through `store`.
        ///
        /// `a` holds 6 floats per step (one packed A panel), `b` 8 floats per step (one packed B
        /// panel); `store` receives 6 rows of 8 floats (see ``TileStore``).
        static func microKernel(
            kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, store: TileStore
        ) {
            var c0_0 = SIMD8<Float>()
            var c1_0 = SIMD8<Float>()
            var c2_0 = SIMD8<Float>()
            var c3_0 = SIMD8<Float>()
            var c4_0 = SIMD8<Float>()
            var c5_0 = SIMD8<Float>()
            var ap = a
            var bp = UnsafeRawPointer(b)
            for _ in 0..<kc {
                let b0 = bp.loadUnaligned(as: SIMD8<Float>.self)
                let a0 = SIMD8<Float>(repeating: ap[0])
                c0_0 = multiplyAdd(a0, b0, c0_0)
                let a1 = SIMD8<Float>(repeating: ap[1])
                c1_0 = multiplyAdd(a1, b0, c1_0)
                let a2 = SIMD8<Float>(repeating: ap[2])
                c2_0 = multiplyAdd(a2, b0, c2_0)
                let a3 = SIMD8<Float>(repeating: ap[3])
                c3_0 = multiplyAdd(a3, b0, c3_0)
                let a4 = SIMD8<Float>(repeating: ap[4])
                c4_0 = multiplyAdd(a4, b0, c4_0)
                let a5 = SIMD8<Float>(repeating: ap[5])
                c5_0 = multiplyAdd(a5, b0, c5_0)
                ap += 6
                bp += 32
            }
            let out = UnsafeMutableRawPointer(store.c)
            let ld = store.ldc * 4
            let alpha = SIMD8<Float>(repeating: store.alpha)
            let floor = SIMD8<Float>(repeating: store.floor)
            var bias0 = SIMD8<Float>(repeating: -0.0)
            if let bias = store.bias {
                let bb = UnsafeRawPointer(bias)
                bias0 = bb.loadUnaligned(as: SIMD8<Float>.self)
            }
            let o0 = out
            let o1 = out + 1 * ld
            let o2 = out + 2 * ld
            let o3 = out + 3 * ld
            let o4 = out + 4 * ld
            let o5 = out + 5 * ld
            switch store.mode {
            case .overwrite:
                storeVector(finishTile(c0_0 * alpha, bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha, bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha, bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha, bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha, bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha, bias0, floor), o5, 0)
            case .scale:
                let beta = SIMD8<Float>(repeating: store.beta)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o0, 0, as: SIMD8<Float>.self), beta, c0_0 * alpha), bias0, floor),
                    o0, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o1, 0, as: SIMD8<Float>.self), beta, c1_0 * alpha), bias0, floor),
                    o1, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o2, 0, as: SIMD8<Float>.self), beta, c2_0 * alpha), bias0, floor),
                    o2, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o3, 0, as: SIMD8<Float>.self), beta, c3_0 * alpha), bias0, floor),
                    o3, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o4, 0, as: SIMD8<Float>.self), beta, c4_0 * alpha), bias0, floor),
                    o4, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o5, 0, as: SIMD8<Float>.self), beta, c5_0 * alpha), bias0, floor),
                    o5, 0)
            case .accumulate:
                storeVector(finishTile(c0_0 * alpha + loadVector(o0, 0, as: SIMD8<Float>.self), bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha + loadVector(o1, 0, as: SIMD8<Float>.self), bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha + loadVector(o2, 0, as: SIMD8<Float>.self), bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha + loadVector(o3, 0, as: SIMD8<Float>.self), bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha + loadVector(o4, 0, as: SIMD8<Float>.self), bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha + loadVector(o5, 0, as: SIMD8<Float>.self), bias0, floor), o5, 0)
            }
        }

        /// Like ``microKernel(kc:a:b:store:)`` but reads the 6 rows of A in place (row-major, `lda` apart)
        /// instead of from a packed panel, so a non-transposed A needs no packing.
        static func microKernelDirectA(
            kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, store: TileStore
        ) {
            var c0_0 = SIMD8<Float>()
            var c1_0 = SIMD8<Float>()
            var c2_0 = SIMD8<Float>()
            var c3_0 = SIMD8<Float>()
            var c4_0 = SIMD8<Float>()
            var c5_0 = SIMD8<Float>()
            let r1 = lda
            let r2 = 2 * lda
            var a0 = a
            var a3 = a + 3 * lda
            var bp = UnsafeRawPointer(b)
            for _ in 0..<kc {
                let b0 = bp.loadUnaligned(as: SIMD8<Float>.self)
                let x0 = SIMD8<Float>(repeating: a0[0])
                c0_0 = multiplyAdd(x0, b0, c0_0)
                let x1 = SIMD8<Float>(repeating: a0[r1])
                c1_0 = multiplyAdd(x1, b0, c1_0)
                let x2 = SIMD8<Float>(repeating: a0[r2])
                c2_0 = multiplyAdd(x2, b0, c2_0)
                let x3 = SIMD8<Float>(repeating: a3[0])
                c3_0 = multiplyAdd(x3, b0, c3_0)
                let x4 = SIMD8<Float>(repeating: a3[r1])
                c4_0 = multiplyAdd(x4, b0, c4_0)
                let x5 = SIMD8<Float>(repeating: a3[r2])
                c5_0 = multiplyAdd(x5, b0, c5_0)
                a0 += 1
                a3 += 1
                bp += 32
            }
            let out = UnsafeMutableRawPointer(store.c)
            let ld = store.ldc * 4
            let alpha = SIMD8<Float>(repeating: store.alpha)
            let floor = SIMD8<Float>(repeating: store.floor)
            var bias0 = SIMD8<Float>(repeating: -0.0)
            if let bias = store.bias {
                let bb = UnsafeRawPointer(bias)
                bias0 = bb.loadUnaligned(as: SIMD8<Float>.self)
            }
            let o0 = out
            let o1 = out + 1 * ld
            let o2 = out + 2 * ld
            let o3 = out + 3 * ld
            let o4 = out + 4 * ld
            let o5 = out + 5 * ld
            switch store.mode {
            case .overwrite:
                storeVector(finishTile(c0_0 * alpha, bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha, bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha, bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha, bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha, bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha, bias0, floor), o5, 0)
            case .scale:
                let beta = SIMD8<Float>(repeating: store.beta)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o0, 0, as: SIMD8<Float>.self), beta, c0_0 * alpha), bias0, floor),
                    o0, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o1, 0, as: SIMD8<Float>.self), beta, c1_0 * alpha), bias0, floor),
                    o1, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o2, 0, as: SIMD8<Float>.self), beta, c2_0 * alpha), bias0, floor),
                    o2, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o3, 0, as: SIMD8<Float>.self), beta, c3_0 * alpha), bias0, floor),
                    o3, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o4, 0, as: SIMD8<Float>.self), beta, c4_0 * alpha), bias0, floor),
                    o4, 0)
                storeVector(
                    finishTile(multiplyAdd(loadVector(o5, 0, as: SIMD8<Float>.self), beta, c5_0 * alpha), bias0, floor),
                    o5, 0)
            case .accumulate:
                storeVector(finishTile(c0_0 * alpha + loadVector(o0, 0, as: SIMD8<Float>.self), bias0, floor), o0, 0)
                storeVector(finishTile(c1_0 * alpha + loadVector(o1, 0, as: SIMD8<Float>.self), bias0, floor), o1, 0)
                storeVector(finishTile(c2_0 * alpha + loadVector(o2, 0, as: SIMD8<Float>.self), bias0, floor), o2, 0)
                storeVector(finishTile(c3_0 * alpha + loadVector(o3, 0, as: SIMD8<Float>.self), bias0, floor), o3, 0)
                storeVector(finishTile(c4_0 * alpha + loadVector(o4, 0, as: SIMD8<Float>.self), bias0, floor), o4, 0)
                storeVector(finishTile(c5_0 * alpha + loadVector(o5, 0, as: SIMD8<Float>.self), bias0, floor), o5, 0)
            }
        }

        /// One row against 6 panels of 8 columns: `out[0..<48] = Σₖ x[k·xStride]·B[k, …]`.
        ///
        /// Panel `p` row `k` starts at `b + p·panelStride + k·rowStride` (packed panels: `panelStride = k·NR`,
        /// `rowStride = NR`; a row-major matrix read in place: `panelStride = NR`, `rowStride = ldb`).
        static func rowKernel(
            k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, panelStride: Int,
            rowStride: Int, out: UnsafeMutablePointer<Float>
        ) {
            var c0_0 = SIMD8<Float>()
            var c1_0 = SIMD8<Float>()
            var c2_0 = SIMD8<Float>()
            var c3_0 = SIMD8<Float>()
            var c4_0 = SIMD8<Float>()
            var c5_0 = SIMD8<Float>()
            var p0 = UnsafeRawPointer(b)
            var p1 = UnsafeRawPointer(b + 1 * panelStride)
            var p2 = UnsafeRawPointer(b + 2 * panelStride)
            var p3 = UnsafeRawPointer(b + 3 * panelStride)
            var p4 = UnsafeRawPointer(b + 4 * panelStride)
            var p5 = UnsafeRawPointer(b + 5 * panelStride)
            let step = rowStride * 4
            var xp = x
            for _ in 0..<k {
                let xv = SIMD8<Float>(repeating: xp.pointee)
                c0_0 = multiplyAdd(xv, p0.loadUnaligned(as: SIMD8<Float>.self), c0_0)
                c1_0 = multiplyAdd(xv, p1.loadUnaligned(as: SIMD8<Float>.self), c1_0)
                c2_0 = multiplyAdd(xv, p2.loadUnaligned(as: SIMD8<Float>.self), c2_0)
                c3_0 = multiplyAdd(xv, p3.loadUnaligned(as: SIMD8<Float>.self), c3_0)
                c4_0 = multiplyAdd(xv, p4.loadUnaligned(as: SIMD8<Float>.self), c4_0)
                c5_0 = multiplyAdd(xv, p5.loadUnaligned(as: SIMD8<Float>.self), c5_0)
                p0 += step
                p1 += step
                p2 += step
                p3 += step
                p4 += step
                p5 += step
                xp += xStride
            }
            let t = UnsafeMutableRawPointer(out)
            t.storeBytes(of: c0_0, toByteOffset: 0, as: SIMD8<Float>.self)
            t.storeBytes(of: c1_0, toByteOffset: 32, as: SIMD8<Float>.self)
            t.storeBytes(of: c2_0, toByteOffset: 64, as: SIMD8<Float>.self)
            t.storeBytes(of: c3_0, toByteOffset: 96, as: SIMD8<Float>.self)
            t.storeBytes(of: c4_0, toByteOffset: 128, as: SIMD8<Float>.self)
            t.storeBytes(of: c5_0, toByteOffset: 160, as: SIMD8<Float>.self)
        }

        /// One row against one panel of 8 columns, with 4 interleaved accumulator sets so the
        /// dependency chains do not limit a long `k`. Same addressing as ``rowKernel``.
        static func rowKernelOnePanel(
            k: Int, x: UnsafePointer<Float>, xStride: Int, b: UnsafePointer<Float>, rowStride: Int,
            out: UnsafeMutablePointer<Float>
        ) {
            var c0_0 = SIMD8<Float>()
            var c1_0 = SIMD8<Float>()
            var c2_0 = SIMD8<Float>()
            var c3_0 = SIMD8<Float>()
            var bp = UnsafeRawPointer(b)
            let step = rowStride * 4
            var xp = x
            var remaining = k
            while remaining >= 4 {
                let x0 = SIMD8<Float>(repeating: xp[0 * xStride])
                c0_0 = multiplyAdd(x0, bp.loadUnaligned(as: SIMD8<Float>.self), c0_0)
                let x1 = SIMD8<Float>(repeating: xp[1 * xStride])
                c1_0 = multiplyAdd(x1, (bp + 1 * step).loadUnaligned(as: SIMD8<Float>.self), c1_0)
                let x2 = SIMD8<Float>(repeating: xp[2 * xStride])
                c2_0 = multiplyAdd(x2, (bp + 2 * step).loadUnaligned(as: SIMD8<Float>.self), c2_0)
                let x3 = SIMD8<Float>(repeating: xp[3 * xStride])
                c3_0 = multiplyAdd(x3, (bp + 3 * step).loadUnaligned(as: SIMD8<Float>.self), c3_0)
                bp += 4 * step
                xp += 4 * xStride
                remaining -= 4
            }
            while remaining > 0 {
                let x0 = SIMD8<Float>(repeating: xp.pointee)
                c0_0 = multiplyAdd(x0, bp.loadUnaligned(as: SIMD8<Float>.self), c0_0)
                bp += step
                xp += xStride
                remaining -= 1
            }
            let t = UnsafeMutableRawPointer(out)
            t.storeBytes(of: (c0_0 + c1_0) + (c2_0 + c3_0), toByteOffset: 0, as: SIMD8<Float>.self)
        }
    #endif
}
