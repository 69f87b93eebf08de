/// The elementwise loops of MLP training, written with explicit SIMD vectors (the buffers are raw
/// pointers that may alias as far as the compiler knows, so it would not vectorise them itself).
///
/// Every function gives the same result as its scalar loop, element by element: the vectors only
/// change how many elements are computed per instruction, never the arithmetic of an element.
enum MLPVectorOps {
    typealias Vector = SIMD8<Float>
    static let width = Vector.scalarCount

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// `sums[j] = Σ_r matrix[r, j]` over `rows` rows of `columns` values, rows added in order.
    static func columnSums(
        _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
    ) {
        var column = 0
        while column + width <= columns {
            var total = Vector(repeating: 0)
            for row in 0..<rows { total += load(matrix + row * columns + column) }
            store(total, sums + column)
            column += width
        }
        while column < columns {
            var total: Float = 0
            for row in 0..<rows { total += matrix[row * columns + column] }
            sums[column] = total
            column += 1
        }
    }

    /// `delta[i] *= f′` of the hidden activation, from its output `a`, for `count` elements.
    static func multiplyByDerivative(
        _ delta: UnsafeMutablePointer<Float>, activations a: UnsafePointer<Float>, count: Int,
        activation: MLP.Activation
    ) {
        var index = 0
        switch activation {
        case .identity:
            return
        case .relu:
            let zero = Vector(repeating: 0)
            while index + width <= count {
                store(load(delta + index).replacing(with: zero, where: load(a + index) .== zero), delta + index)
                index += width
            }
            while index < count {
                if a[index] == 0 { delta[index] = 0 }
                index += 1
            }
        case .logistic:
            while index + width <= count {
                let value = load(a + index)
                store(load(delta + index) * (value * (1 - value)), delta + index)
                index += width
            }
            while index < count {
                delta[index] *= a[index] * (1 - a[index])
                index += 1
            }
        case .tanh:
            while index + width <= count {
                let value = load(a + index)
                store(load(delta + index) * (1 - value * value), delta + index)
                index += width
            }
            while index < count {
                delta[index] *= 1 - a[index] * a[index]
                index += 1
            }
        }
    }

    /// The constants of one Adam step.
    struct Adam {
        var scale: Float
        var penalty: Float
        var beta1: Float
        var beta2: Float
        var rate: Float
        var epsilon: Float
    }

    /// One Adam step on `count` parameters: `g = (G + penalty·w)·scale`, `m = β1·m + (1−β1)·g`,
    /// `v = β2·v + (1−β2)·g²`, `w −= rate·m / (√v + ε)`.
    static func adam(
        _ c: Adam, weights w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
        first m: UnsafeMutablePointer<Float>, second v: UnsafeMutablePointer<Float>, count: Int
    ) {
        @inline(__always)
        func step<V: SIMD>(_ w: V, _ g: V, _ m: V, _ v: V) -> (V, V, V) where V.Scalar == Float {
            let gradient = (g + c.penalty * w) * c.scale
            let first = c.beta1 * m + (1 - c.beta1) * gradient
            let second = c.beta2 * v + (1 - c.beta2) * (gradient * gradient)
            return (w - c.rate * first / (second.squareRoot() + c.epsilon), first, second)
        }
        var index = 0
        while index + width <= count {
            let (nw, nm, nv) = step(load(w + index), load(g + index), load(m + index), load(v + index))
            store(nw, w + index)
            store(nm, m + index)
            store(nv, v + index)
            index += width
        }
        while index < count {
            let (nw, nm, nv) = step(SIMD2(w[index], 0), SIMD2(g[index], 0), SIMD2(m[index], 0), SIMD2(v[index], 0))
            w[index] = nw[0]
            m[index] = nm[0]
            v[index] = nv[0]
            index += 1
        }
    }

    /// One SGD step on `count` parameters: `g = (G + penalty·w)·scale`, `u = μ·u − rate·g`, then
    /// `w += μ·u − rate·g` (Nesterov) or `w += u`.
    static func sgd(
        scale: Float, penalty: Float, momentum mu: Float, rate: Float, nesterov: Bool,
        weights w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
        velocities u: UnsafeMutablePointer<Float>, count: Int
    ) {
        @inline(__always)
        func step<V: SIMD>(_ w: V, _ g: V, _ u: V) -> (V, V) where V.Scalar == Float {
            let gradient = (g + penalty * w) * scale
            let velocity = mu * u - rate * gradient
            return (w + (nesterov ? mu * velocity - rate * gradient : velocity), velocity)
        }
        var index = 0
        while index + width <= count {
            let (nw, nu) = step(load(w + index), load(g + index), load(u + index))
            store(nw, w + index)
            store(nu, u + index)
            index += width
        }
        while index < count {
            let (nw, nu) = step(SIMD2(w[index], 0), SIMD2(g[index], 0), SIMD2(u[index], 0))
            w[index] = nw[0]
            u[index] = nu[0]
            index += 1
        }
    }
}
