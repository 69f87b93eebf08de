import MLOpsCore
import Testing
import Training

/// The copied reference datasets load, split as their reference files say, and decode as targets of
/// the right task.
@Suite struct ReferenceDatasetTests {
    @Test(arguments: ReferenceDataset.names)
    func datasetsLoadWithTheirSplitAndTask(_ name: String) throws {
        let dataset = try ReferenceDataset.load(name)
        let reference = dataset.reference
        #expect(dataset.table.rowCount == reference["shape"]["n_rows"].int)
        #expect(dataset.trainRows.count == reference["split"]["n_train"].int)
        #expect(dataset.testRows == reference["split"]["test_indices"].array?.compactMap(\.int))
        let data = try dataset.trainData()
        #expect(data.task.rawValue == reference["task"].string)
        #expect(data.features.columnCount == reference["shape"]["n_features"].int)
    }
}
