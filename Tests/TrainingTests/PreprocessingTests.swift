import Foundation
import MLOpsCore
import Testing
import Training

/// Each step against scikit-learn's semantics, with expected values computed by hand.
@Suite struct PreprocessingTests {
    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || abs($0 - $1) <= tolerance }
    }

    @Test func standardScalerUsesPopulationStdIgnoresNaNAndKeepsIt() throws {
        // x = 1, 2, 3, 4, NaN: mean 2.5, population variance 1.25 (sklearn StandardScaler).
        let table = try Table(columns: [
            .double("x", [1, 2, 3, 4, .nan]), .double("c", [5, 5, 5, 5, 5]), .string("s", ["a", "b", "c", "d", "e"]),
        ])
        let fitted = try StandardScaler().fit(table)
        #expect(fitted.columns == ["x", "c"])
        #expect(fitted.means == [2.5, 5])
        #expect(Self.close(fitted.scales, [Double(1.25).squareRoot(), 1]))
        let out = try fitted.transform(table)
        #expect(out.columnNames == ["x", "c", "s"])
        let std = Double(1.25).squareRoot()
        #expect(Self.close(try out.doubles(column: "x"), [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std, .nan]))
        #expect(try out.doubles(column: "c") == [0, 0, 0, 0, 0])
        #expect(out["s"] == table["s"])
        let unscaled = try StandardScaler(withMean: false, withStd: false).fit(table)
        #expect(unscaled.means == [0, 0] && unscaled.scales == [1, 1])
    }

    @Test func minMaxScalerMapsToTheFeatureRange() throws {
        let table = try Table(columns: [.double("x", [0, 5, .nan, 10]), .int("k", [3, 3, 3, 3])])
        let fitted = try MinMaxScaler(featureRange: (-1, 1)).fit(table)
        let out = try fitted.transform(table)
        #expect(Self.close(try out.doubles(column: "x"), [-1, 0, .nan, 1]))
        // A constant column: range 1, so scale = high - low = 2 and min_ = -1 - 3·2.
        #expect(try out.doubles(column: "k") == [-1, -1, -1, -1])
        #expect(throws: MLOpsError.self) { try MinMaxScaler(featureRange: (1, 1)).fit(table) }
    }

    @Test func imputerStrategies() throws {
        let table = try Table(columns: [
            .double("a", [1, .nan, 3, 10]), .int("b", [3, 1, nil, 1] as [Int64?]),
        ])
        #expect(try SimpleImputer(strategy: .mean).fit(table).fills == [.number(14.0 / 3), .number(5.0 / 3)])
        // Median of 1, 3, 10 is 3; of 3, 1, 1 is 1.
        #expect(try SimpleImputer(strategy: .median).fit(table).fills == [.number(3), .number(1)])
        let constant = try SimpleImputer(strategy: .constant(number: -7)).fit(table)
        #expect(try constant.transform(table).doubles(column: "a") == [1, -7, 3, 10])
        let even = try Table(columns: [.double("x", [4, 1, .nan, 2, 3])])
        #expect(try SimpleImputer(strategy: .median).fit(even).fills == [.number(2.5)])
    }

    @Test func mostFrequentTiesPickTheSmallest() throws {
        // 3 and 1 both appear twice: scikit-learn picks the smallest, 1; for text, "a".
        let table = try Table(columns: [
            .double("n", [3, 1, 3, 1, .nan]), .string("t", ["b", "a", "b", "a", nil]),
        ])
        let fitted = try SimpleImputer(columns: ["n", "t"], strategy: .mostFrequent).fit(table)
        #expect(fitted.fills == [.number(1), .text("a")])
        let out = try fitted.transform(table)
        #expect(try out.doubles(column: "n") == [3, 1, 3, 1, 1])
        #expect(out["t"] == .string("t", ["b", "a", "b", "a", "a"]))
        let text = try SimpleImputer(columns: ["t"], strategy: .constant()).fit(table).transform(table)
        #expect(text["t"] == .string("t", ["b", "a", "b", "a", "missing_value"]))
    }

    @Test func imputerErrorsNameTheColumn() throws {
        let table = try Table(columns: [.double("empty", [.nan, .nan]), .string("t", ["x", "y"])])
        let error = #expect(throws: MLOpsError.self) { try SimpleImputer().fit(table) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("empty") == true)
        let text = #expect(throws: MLOpsError.self) { try SimpleImputer(columns: ["t"], strategy: .median).fit(table) }
        #expect(text?.message.contains("t holds text") == true)
        // The constant strategy keeps an all-missing column.
        let kept = try SimpleImputer(strategy: .constant(number: 0)).fit(table).transform(table)
        #expect(try kept.doubles(column: "empty") == [0, 0])
    }

    @Test func oneHotLearnsSortedCategories() throws {
        let table = try Table(columns: [.string("color", ["red", "blue", "green", "blue"]), .int("n", [2, 1, 2, 1])])
        let fitted = try OneHotEncoder(columns: ["color", "n"]).fit(table)
        #expect(fitted.outputColumns == ["color_blue", "color_green", "color_red", "n_1", "n_2"])
        let out = try fitted.transform(table)
        #expect(out.columnNames == fitted.outputColumns)
        #expect(try out.doubles(column: "color_blue") == [0, 1, 0, 1])
        #expect(try out.doubles(column: "color_red") == [1, 0, 0, 0])
        #expect(try out.doubles(column: "n_2") == [1, 0, 1, 0])
        // Default columns: the text ones.
        #expect(try OneHotEncoder().fit(table).inputColumns == ["color"])
    }

    @Test func oneHotUnknownCategoryBothWays() throws {
        let train = try Table(columns: [.string("color", ["red", "blue"])])
        let test = try Table(columns: [.string("color", ["blue", "purple", nil])])
        let ignoring = try OneHotEncoder(handleUnknown: .ignore).fit(train).transform(test)
        #expect(try ignoring.doubles(column: "color_blue") == [1, 0, 0])
        #expect(try ignoring.doubles(column: "color_red") == [0, 0, 0])
        let error = #expect(throws: MLOpsError.self) { try OneHotEncoder().fit(train).transform(test) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("color") == true)
        #expect(error?.message.contains("purple") == true)
        #expect(error?.value == "purple")
    }

    @Test func oneHotMaxCategoriesBucketsTheInfrequent() throws {
        // Counts a:3, b:1, c:1, d:2; max_categories=3 keeps the 2 most frequent (a, d) and one
        // infrequent column for b and c, as scikit-learn.
        let table = try Table(columns: [.string("x", ["a", "b", "a", "c", "d", "a", "d"])])
        let fitted = try OneHotEncoder(maxCategories: 3).fit(table)
        #expect(fitted.outputColumns == ["x_a", "x_d", "x_infrequent_sklearn"])
        let out = try fitted.transform(table)
        #expect(try out.doubles(column: "x_infrequent_sklearn") == [0, 1, 0, 1, 0, 0, 0])
        // Equal counts: the stable ascending sort makes the first categories infrequent.
        let tied = try OneHotEncoder(maxCategories: 2).fit(try Table(columns: [.string("y", ["a", "b", "c"])]))
        #expect(tied.outputColumns == ["y_c", "y_infrequent_sklearn"])
        // No more categories than the cap: no infrequent column.
        let few = try OneHotEncoder(maxCategories: 3).fit(try Table(columns: [.string("y", ["a", "b", "c"])]))
        #expect(few.outputColumns == ["y_a", "y_b", "y_c"])
        #expect(throws: MLOpsError.self) { try OneHotEncoder(maxCategories: 0).fit(table) }
    }

    @Test func ordinalEncoder() throws {
        let train = try Table(columns: [.string("size", ["m", "s", nil, "l"])])
        let fitted = try OrdinalEncoder().fit(train)
        #expect(fitted.categories == [[.text("l"), .text("m"), .text("s")]])
        #expect(Self.close(try fitted.transform(train).doubles(column: "size"), [1, 2, .nan, 0]))
        let test = try Table(columns: [.string("size", ["xl", "s"])])
        let error = #expect(throws: MLOpsError.self) { try fitted.transform(test) }
        #expect(error?.message.contains("size") == true && error?.value == "xl")
        let valued = try OrdinalEncoder(handleUnknown: .useEncodedValue(-1)).fit(train).transform(test)
        #expect(try valued.doubles(column: "size") == [-1, 2])
        #expect(throws: MLOpsError.self) { try OrdinalEncoder(handleUnknown: .useEncodedValue(1)).fit(train) }
        let fractional = try Table(columns: [.double("f", [1.5, 2])])
        #expect(throws: MLOpsError.self) { try OrdinalEncoder(columns: ["f"]).fit(fractional) }
    }

    @Test func columnSelectorKeepsNamedColumnsInOrder() throws {
        let table = try Table(columns: [.double("a", [1]), .double("b", [2]), .string("c", ["x"])])
        let out = try ColumnSelector(columns: ["c", "a"]).fit(table).transform(table)
        #expect(out.columnNames == ["c", "a"])
        let error = #expect(throws: MLOpsError.self) { try ColumnSelector(columns: ["zz"]).fit(table) }
        #expect(error?.code == .notFound && error?.value == "zz")
    }

    @Test func emptyTableIsAnError() throws {
        let empty = try Table(columns: [.double("a", [Double]())])
        let error = #expect(throws: MLOpsError.self) { try StandardScaler().fit(empty) }
        #expect(error?.code == .invalidArgument)
    }

    @Test func fittedStepsRoundTripThroughCodable() throws {
        let table = try Table(columns: [
            .double("a", [1, .nan, 3]), .string("t", ["x", "y", "x"]), .int("k", [1, 2, 2]),
        ])
        try Self.roundTrip(StandardScaler().fit(table))
        try Self.roundTrip(MinMaxScaler().fit(table))
        try Self.roundTrip(SimpleImputer(columns: ["a", "t"], strategy: .mostFrequent).fit(table))
        try Self.roundTrip(SimpleImputer(strategy: .constant(number: 2, text: "?")).fit(table))
        try Self.roundTrip(OneHotEncoder(columns: ["t", "k"], handleUnknown: .ignore, maxCategories: 1).fit(table))
        try Self.roundTrip(OrdinalEncoder(handleUnknown: .useEncodedValue(-1)).fit(table))
        try Self.roundTrip(ColumnSelector(columns: ["t"]).fit(table))
    }

    static func roundTrip<T: FittedTransformer>(_ value: T) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(T.self, from: data) == value)
    }
}
