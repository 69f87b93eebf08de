import Foundation
@testable import InferenceCore
import Testing

func referenceExp(_ x: Double) -> Double { exp(x) }
func referenceTanh(_ x: Double) -> Double { tanh(x) }
func referenceSigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

/// Values that exercise every branch: zero, tiny, subnormal, the polynomial/exp switch points, the
/// overflow and underflow edges, ±100, ±infinity, and a dense sweep.
let activationProbeValues: [Float] = {
    var values: [Float] = [
        0, -0.0, 1e-30, -1e-30, Float.leastNormalMagnitude / 100, -Float.leastNormalMagnitude / 100, 1e-8, -1e-8, 0.5,
        -0.5, 0.624, 0.625, 0.626, -0.625, 1, -1,
        10, -10, 20, -20, 44, -44, 87, -87, 88.5, 88.72, 88.73, 89, -88, -100, 100, -103.9, -104, -105, 1e6, -1e6,
        .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    ]
    var x: Float = -110
    while x <= 95 {
        values.append(x)
        x += 0.0137
    }
    return values
}()

/// `|actual - expected|` within `ulps` units in the last place of `expected` (or of the smallest normal).
func isClose(_ actual: Float, _ expected: Double, ulps: Float) -> Bool {
    let e = Float(expected)
    if e.isNaN { return actual.isNaN }
    if e.isInfinite { return actual == e }
    let unit = max(e.ulp, Float.leastNormalMagnitude.ulp)
    return Swift.abs(Double(actual) - expected) <= Double(ulps * unit)
}

@Suite("Kernels: activations, softmax, argmax")
struct KernelsActivationTests {
    func run(_ values: [Float], _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
        var output = [Float](repeating: .nan, count: values.count)
        values.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                kernel(input.baseAddress!, output.baseAddress!, values.count)
            }
        }
        return output
    }

    @Test("exp matches Foundation within 3 ulp, with overflow, underflow and NaN")
    func expAccuracy() {
        let values = activationProbeValues + [.nan]
        let output = run(values) { Kernels.exp($0, $1, count: $2) }
        for (x, y) in zip(values, output) {
            #expect(isClose(y, referenceExp(Double(x)), ulps: 3), "exp(\(x)) = \(y), expected \(exp(Double(x)))")
        }
        #expect(output[values.count - 1].isNaN)
    }

    @Test("sigmoid matches 1/(1+exp(-x)) within 3 ulp, saturating without overflow")
    func sigmoidAccuracy() {
        let values = activationProbeValues
        let output = run(values) { Kernels.sigmoid($0, $1, count: $2) }
        for (x, y) in zip(values, output) {
            #expect(isClose(y, referenceSigmoid(Double(x)), ulps: 3), "sigmoid(\(x)) = \(y)")
        }
        #expect(run([100, -100, .infinity, -.infinity]) { Kernels.sigmoid($0, $1, count: $2) }[0] == 1)
        #expect(run([-.infinity]) { Kernels.sigmoid($0, $1, count: $2) } == [0])
    }

    @Test("tanh matches Foundation within 3 ulp, odd and saturating")
    func tanhAccuracy() {
        let values = activationProbeValues
        let output = run(values) { Kernels.tanh($0, $1, count: $2) }
        for (x, y) in zip(values, output) {
            #expect(isClose(y, referenceTanh(Double(x)), ulps: 3), "tanh(\(x)) = \(y), expected \(tanh(Double(x)))")
        }
        #expect(run([100, -100]) { Kernels.tanh($0, $1, count: $2) } == [1, -1])
    }

    @Test("ReLU clamps negatives to zero and keeps everything else")
    func reluValues() {
        let values = activationProbeValues
        let output = run(values) { Kernels.relu($0, $1, count: $2) }
        for (x, y) in zip(values, output) {
            #expect(y == (x < 0 ? 0 : x))
        }
    }

    @Test("every activation propagates NaN, works in place and on every tail length", arguments: Activation.allCases)
    func nanInPlaceAndTails(activation: Activation) {
        for count in [0, 1, 7, 15, 16, 17, 33] {
            var data = (0..<count).map { Float($0) * 0.37 - 3 }
            if count > 3 { data[3] = .nan }
            let original = data
            data.withUnsafeMutableBufferPointer { buffer in
                Kernels.apply(activation, buffer.baseAddress!, buffer.baseAddress!, count: count)
            }
            for (x, y) in zip(original, data) {
                if x.isNaN {
                    #expect(y.isNaN, "\(activation)(NaN) = \(y)")
                } else {
                    #expect(isClose(y, referenceActivation(activation, Double(x)), ulps: 3), "\(activation)(\(x))")
                }
                #expect(activation(x).isNaN == x.isNaN)
            }
        }
    }

    @Test("softmax rows sum to 1 and match the reference, even for huge inputs")
    func softmax() {
        let rows: [[Float]] = [
            [1, 2, 3], [0], [-1, -1, -1, -1], [1e30, 1e30 - 1e24, -1e30], [1000, 999, 998, -1000],
            (0..<37).map { Float($0) * 0.5 - 9 }, [88, 89, 90], [-200, -300],
        ]
        for row in rows {
            let output = run(row) { Kernels.softmax(rows: 1, columns: $2, $0, $1) }
            let maximum = Double(row.max()!)
            let total = row.reduce(0.0) { $0 + exp(Double($1) - maximum) }
            var sum: Double = 0
            for (x, y) in zip(row, output) {
                let expected = exp(Double(x) - maximum) / total
                #expect(Swift.abs(Double(y) - expected) <= 4e-7 * max(expected, 1e-30) + 1e-37, "softmax \(row)")
                sum += Double(y)
            }
            #expect(Swift.abs(sum - 1) < 1e-5, "softmax \(row) sums to \(sum)")
            let logOutput = run(row) { Kernels.logSoftmax(rows: 1, columns: $2, $0, $1) }
            for (x, y) in zip(row, logOutput) {
                let expected = Double(x) - maximum - log(total)
                #expect(Swift.abs(Double(y) - expected) <= 1e-6 * max(1, Swift.abs(expected)), "logSoftmax \(row)")
            }
        }
    }

    @Test("softmax over many rows in place, and its NaN rules")
    func softmaxRowsAndNaN() {
        let columns = 10
        var random = KernelTestRandom(seed: 9)
        var data = random.floats(50 * columns).map { $0 * 30 }
        data.withUnsafeMutableBufferPointer { buffer in
            Kernels.softmax(rows: 50, columns: columns, buffer.baseAddress!, buffer.baseAddress!)
        }
        for row in 0..<50 {
            let sum = data[row * columns..<(row + 1) * columns].reduce(0, +)
            #expect(Swift.abs(sum - 1) < 1e-5)
        }
        let withNaN = run([1, .nan, 2]) { Kernels.softmax(rows: 1, columns: $2, $0, $1) }
        #expect(withNaN.allSatisfy { $0.isNaN })
        let allMinusInfinity = run([-.infinity, -.infinity]) { Kernels.softmax(rows: 1, columns: $2, $0, $1) }
        #expect(allMinusInfinity.allSatisfy { $0.isNaN })
        let oneMinusInfinity = run([0, -.infinity]) { Kernels.softmax(rows: 1, columns: $2, $0, $1) }
        #expect(oneMinusInfinity == [1, 0])
        let logWithNaN = run([3, .nan]) { Kernels.logSoftmax(rows: 1, columns: $2, $0, $1) }
        #expect(logWithNaN.allSatisfy { $0.isNaN })
    }

    @Test("argmax takes the first index on ties and the first NaN")
    func argmax() {
        func argmax(_ values: [Float]) -> Int {
            values.withUnsafeBufferPointer { Kernels.argmax($0.baseAddress!, count: values.count) }
        }
        #expect(argmax([1]) == 0)
        #expect(argmax([1, 3, 3, 2]) == 1)
        #expect(argmax([-.infinity, -.infinity]) == 0)
        #expect(argmax([-5, -1, -1]) == 1)
        var long = [Float](repeating: 0, count: 40)
        long[17] = 2
        long[33] = 2
        #expect(argmax(long) == 17)
        long[25] = .nan
        long[30] = .nan
        #expect(argmax(long) == 25)
        #expect(argmax([1, 2, .nan]) == 2)
        var ties = [Float](repeating: 7, count: 35)
        #expect(argmax(ties) == 0)
        ties[34] = 8
        #expect(argmax(ties) == 34)

        let matrix: [Float] = [0, 1, 1, 5, 2, 5, 9, 9, 0]
        var indices = [Int](repeating: -1, count: 3)
        matrix.withUnsafeBufferPointer { input in
            indices.withUnsafeMutableBufferPointer { output in
                Kernels.argmax(rows: 3, columns: 3, input.baseAddress!, output.baseAddress!)
            }
        }
        #expect(indices == [1, 0, 0])
    }

    @Test("biasActivation adds a row vector and applies the activation in place")
    func biasActivation() {
        var data: [Float] = [1, -2, 3, -4, 5, -6, 0, 0]  // 2 rows of 3, ld 4
        let bias: [Float] = [1, 1, -10]
        data.withUnsafeMutableBufferPointer { data in
            bias.withUnsafeBufferPointer { bias in
                Kernels.biasActivation(
                    rows: 2, columns: 3, bias: bias.baseAddress, activation: .relu, data: data.baseAddress!, ld: 4)
            }
        }
        #expect(data == [2, 0, 0, -4, 6, 0, 0, 0])
    }
}
