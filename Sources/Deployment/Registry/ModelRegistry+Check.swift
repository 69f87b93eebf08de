public import MLOpsCore

extension ModelRegistry {
    /// The component name of the registry's self-check.
    public static let componentName = "Deployment registry"

    /// Verifies the registry: every record decodes; every model's versions 1 to its newest and
    /// events 1 to its count exist, and nothing lies beyond them; every alias points at a
    /// version; every version's package bytes are present and hash to the recorded SHA-256.
    ///
    /// Reads only; a problem is reported, never repaired.
    ///
    /// - Throws: Only when the store cannot be read at all.
    public func check() async throws -> StoreCheckReport {
        var report = StoreCheckReport(component: Self.componentName)
        try await records.check(ModelRecord.self, into: &report)
        try await records.check(VersionRecord.self, into: &report)
        try await records.check(EventRecord.self, into: &report)
        var verified = Set<SHA256Digest>()
        var cursor: RecordCursor?
        repeat {
            let page: RecordPage<ModelRecord>
            do {
                page = try await records.list(ModelRecord.self, after: cursor, limit: 100)
            } catch let error as MLOpsError where error.code == .corruptData {
                return report  // the record check above reported it
            }
            for stored in page.records {
                try await check(stored.record, verified: &verified, into: &report)
            }
            cursor = page.next
        } while cursor != nil
        return report
    }

    private func check(
        _ record: ModelRecord, verified: inout Set<SHA256Digest>, into report: inout StoreCheckReport
    ) async throws {
        let model = record.model
        let location = "model \(model.name)"
        for (alias, version) in model.aliases.sorted(by: { $0.key < $1.key })
        where version < 1 || version > model.latestVersion {
            report.problem(at: location, "alias '\(alias)' points at version \(version), which does not exist")
        }
        for number in stride(from: 1, through: model.latestVersion + 1, by: 1) {
            let id = VersionRecord.id(model.name, number)
            let stored: ModelVersion?
            do {
                stored = try await records.get(VersionRecord.self, id: id)?.record.version
            } catch let error as MLOpsError where error.code == .corruptData {
                continue  // reported by the record check
            }
            guard number <= model.latestVersion else {
                if stored != nil { report.problem(at: location, "a version \(number) beyond the newest is stored") }
                break
            }
            guard let version = stored else {
                report.problem(at: location, "the record of version \(number) is missing")
                continue
            }
            if version.name != model.name || version.version != number {
                report.problem(at: location, "the record stored as version \(number) says it is \(version.reference)")
            }
            if verified.contains(version.packageDigest) { continue }
            do {
                let found = try await blobs.sizeAndDigest(of: try BlobKey(version.packageKey))
                if found.digest == version.packageDigest, found.size == version.packageSize {
                    verified.insert(version.packageDigest)
                    report.objectsVerified += 1
                } else {
                    report.problem(
                        at: "object \(version.packageKey)",
                        "the package of \(version.reference) does not match its recorded SHA-256")
                }
            } catch let error as MLOpsError {
                report.problem(
                    at: "object \(version.packageKey)",
                    "the package of \(version.reference) cannot be read: \(error.message)")
            }
        }
        if try await records.contains(EventRecord.self, id: EventRecord.id(model.name, record.eventCount + 1)) {
            report.problem(at: location, "an audit event \(record.eventCount + 1) beyond the log's end is stored")
        }
        do {
            _ = try await auditLog(of: model.name)
        } catch let error as MLOpsError where error.code == .corruptData {
            // A damaged event record is reported by the record check; a missing one only here.
            if !error.message.hasPrefix("corrupt record") { report.problem(at: location, error.message) }
        }
    }
}
