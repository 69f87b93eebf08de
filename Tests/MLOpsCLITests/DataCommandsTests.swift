import Foundation
import MLOps
import Synchronization
import Testing

@testable import MLOpsCLI

/// `mlops data …` driven in-process: a project directory (the current directory of every call)
/// and a workspace beside it, both under a new temporary directory.
@Suite struct DataCommandsTests {
    let root = "/tmp/mlops-cli-data-\(SortableID())"
    var project: String { root + "/project" }
    var workspace: String { root + "/ws" }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: project + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: project + "/" + path, encoding: .utf8)
    }

    /// `mlops data ARGUMENTS --workspace <workspace>` run in the project directory.
    func data(_ arguments: [String], progress: (@Sendable (String) -> Void)? = nil) async throws -> CLIResult {
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        return await runCLI(["data"] + arguments + ["--workspace", workspace], in: project, progress: progress)
    }

    /// The JSON object a command printed, as one line.
    func object(_ result: CLIResult) throws -> [String: Any] {
        #expect(result.out.count == 1)
        let value = try JSONSerialization.jsonObject(with: Data(result.out.joined().utf8))
        return try #require(value as? [String: Any], "\(result.out)")
    }

    func array(_ result: CLIResult) throws -> [[String: Any]] {
        #expect(result.out.count == 1)
        let value = try JSONSerialization.jsonObject(with: Data(result.out.joined().utf8))
        return try #require(value as? [[String: Any]], "\(result.out)")
    }

    @Test func addCommitStatusLogDiffTagBranchCheckoutRoundTrip() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("data/a.csv", "id,x\n1,2\n2,3\n")
        try write("data/b.txt", "some notes\n")

        let added = try await data(["add", "data"])
        #expect(added.status == 0, "\(added.err)")
        #expect(added.out == ["staged data: 2 files, 24 B", "hashed 2 files, 24 B"])
        let status = try await data(["status"])
        #expect(status.out.prefix(2) == ["branch  main", "head    none (no commits yet)"])
        #expect(status.out.contains { $0.hasPrefix("added") && $0.contains("data/a.csv") && $0.hasSuffix("13 B") })
        #expect(status.out.last == "2 changes: 2 added")

        let first = try await data(["commit", "-m", "first", "--author", "tester"])
        #expect(first.status == 0, "\(first.err)")
        let firstID = try #require(first.out.first?.split(separator: " ").dropFirst().first.map(String.init))
        #expect(firstID.hasPrefix("sha256:") && firstID.count == 71)
        #expect(first.out == ["committed \(firstID) to main (2 files, 24 B)"])
        #expect(try await data(["commit", "-m", "again"]).out == ["nothing to commit"])
        #expect(try await data(["status"]).out.last == "nothing staged")

        // Modify one file, rename the other: a modification and a rename.
        try write("data/a.csv", "id,x\n1,2\n2,4\n")
        try FileManager.default.moveItem(atPath: project + "/data/b.txt", toPath: project + "/data/c.txt")
        #expect(try await data(["add", "data"]).status == 0)
        let second = try await data(["commit", "--message", "second"])
        #expect(second.status == 0, "\(second.err)")
        let secondID = try #require(second.out.first?.split(separator: " ").dropFirst().first.map(String.init))

        let log = try await data(["log"])
        #expect(log.status == 0, "\(log.err)")
        #expect(log.out.count == 5)  // header, rule, two commits, the count
        #expect(log.out[2].hasPrefix(String(secondID.prefix(19))) && log.out[2].contains("main"))
        #expect(log.out[3].hasPrefix(String(firstID.prefix(19))) && log.out[3].contains("tester"))
        #expect(log.out.last == "2 commits")
        #expect(try await data(["log", "-n", "1"]).out.last == "1 commit")

        let diff = try await data(["diff", "HEAD~1", "HEAD"])
        #expect(diff.status == 0, "\(diff.err)")
        #expect(diff.out.prefix(2) == ["from  \(firstID)", "to    \(secondID)"])
        #expect(diff.out.contains { $0.hasPrefix("modified") && $0.contains("data/a.csv") })
        #expect(diff.out.contains { $0.hasPrefix("renamed") && $0.contains("data/b.txt → data/c.txt") })
        #expect(diff.out.contains("2 changes: 1 modified, 1 renamed"))
        #expect(diff.out.contains("rows of data/a.csv:"))
        #expect(try await data(["diff", "HEAD", "main"]).out.last == "no differences")

        #expect(try await data(["tag", "v1", "HEAD~1"]).out == ["tagged \(firstID) as v1"])
        #expect(try await data(["branch", "exp", "v1"]).out == ["created branch exp at \(firstID)"])
        let refs = try await data(["branch", "--list"])
        #expect(refs.status == 0, "\(refs.err)")
        #expect(refs.out.contains { $0.hasPrefix("*") && $0.contains("main") && $0.contains(secondID) })
        #expect(refs.out.contains { $0.contains("exp") && $0.contains("branch") && $0.contains(firstID) })
        #expect(refs.out.contains { $0.contains("v1") && $0.contains("tag") && $0.contains(firstID) })
        #expect(try await data(["log", "v1"]).out.last == "1 commit")

        // A relative checkout directory is taken from the current directory.
        let checkout = try await data(["checkout", "v1", "old"])
        #expect(checkout.status == 0, "\(checkout.err)")
        #expect(checkout.out == ["checked out \(firstID) into \(project)/old: 2 files, 24 B"])
        #expect(try read("old/data/a.csv") == "id,x\n1,2\n2,3\n")
        #expect(try read("old/data/b.txt") == "some notes\n")
        let again = try await data(["checkout", "main", "old"])
        #expect(again.status == 1)
        #expect(again.err.first?.contains("not empty") == true)

        // Errors are reported, not crashes.
        #expect(try await data(["tag", "v1"]).err.first?.contains("a tag with this name exists") == true)
        #expect(try await data(["log", "nope"]).status == 1)
        #expect(try await data(["diff", "HEAD~5", "HEAD"]).err.first?.contains("shorter") == true)
        #expect(try await data(["branch", "bad..name"]).status == 1)
    }

    @Test func everyJSONOutputHasItsDocumentedKeys() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("d/a.csv", "k,v\n1,2\n")
        try write("d/b.csv", "k,v\n3,4\n")
        let change: Set = ["kind", "path", "oldPath", "oldSize", "newSize", "oldID", "newID"]
        let summary: Set = ["added", "removed", "modified", "renamed"]
        let refKeys: Set = ["name", "kind", "commit", "current", "keepCommits", "keepMilliseconds"]

        let nothing = try object(try await data(["commit", "-m", "empty", "--json"]))
        #expect(Set(nothing.keys) == ["committed", "commit", "branch", "parents", "files", "bytes"])
        #expect(nothing["committed"] as? Bool == false)
        #expect(nothing["commit"] is NSNull && nothing["files"] is NSNull)

        let add = try object(try await data(["add", "d", "--json"]))
        #expect(Set(add.keys) == ["paths", "files", "bytes", "hashedFiles", "hashedBytes", "stagedRoot"])
        #expect(add["paths"] as? [String] == ["d"])
        #expect(add["files"] as? Int == 2 && add["bytes"] as? Int == 16)

        let status = try object(try await data(["status", "--json"]))
        #expect(Set(status.keys) == ["branch", "head", "stagedRoot", "changes", "summary"])
        #expect(status["head"] is NSNull)
        let changes = try #require(status["changes"] as? [[String: Any]])
        #expect(changes.count == 2 && changes.allSatisfy { Set($0.keys) == change })
        #expect(changes.first?["kind"] as? String == "added" && changes.first?["oldSize"] is NSNull)
        #expect(Set(try #require(status["summary"] as? [String: Any]).keys) == summary)

        let commit = try object(try await data(["commit", "-m", "one", "--json"]))
        #expect(Set(commit.keys) == ["committed", "commit", "branch", "parents", "files", "bytes"])
        #expect(commit["committed"] as? Bool == true && commit["branch"] as? String == "main")
        let id = try #require(commit["commit"] as? String)
        #expect(commit["parents"] as? [String] == [] && commit["files"] as? Int == 2)

        try write("d/a.csv", "k,v\n1,5\n")
        _ = try await data(["add", "d"])
        let second = try object(try await data(["commit", "-m", "two", "--json"]))
        #expect(second["parents"] as? [String] == [id])

        let log = try array(try await data(["log", "--json"]))
        let logKeys: Set = [
            "commit", "parents", "root", "author", "message", "timestamp", "files", "bytes", "metadata", "refs",
        ]
        #expect(log.count == 2 && log.allSatisfy { Set($0.keys) == logKeys })
        #expect(log.first?["refs"] as? [String] == ["branch:main"] && log.last?["commit"] as? String == id)

        let diff = try object(try await data(["diff", id, "main", "--json"]))
        #expect(Set(diff.keys) == ["from", "to", "changes", "summary", "tables"])
        let diffChanges = try #require(diff["changes"] as? [[String: Any]])
        #expect(diffChanges.count == 1 && Set(diffChanges[0].keys) == change)
        #expect(diffChanges[0]["kind"] as? String == "modified" && diffChanges[0]["oldPath"] is NSNull)

        let tag = try object(try await data(["tag", "v1", id, "--json"]))
        #expect(Set(tag.keys) == refKeys && tag["kind"] as? String == "tag" && tag["current"] as? Bool == false)
        let branch = try object(try await data(["branch", "side", "--json"]))
        #expect(Set(branch.keys) == refKeys && branch["kind"] as? String == "branch")
        #expect(branch["keepCommits"] is NSNull)
        let list = try array(try await data(["branch", "--list", "--json"]))
        #expect(list.map { $0["name"] as? String } == ["main", "side", "v1"])
        #expect(list.allSatisfy { Set($0.keys) == refKeys })
        #expect(list.map { $0["current"] as? Bool } == [true, false, false])

        let checkout = try object(try await data(["checkout", "v1", "out", "--json"]))
        #expect(Set(checkout.keys) == ["commit", "directory", "files", "bytes"])
        #expect(checkout["directory"] as? String == project + "/out" && checkout["commit"] as? String == id)

        try write("d/new.csv", "k\n")
        _ = try await data(["add", "d"])
        let reset = try object(try await data(["reset", "--json"]))
        #expect(Set(reset.keys) == ["unstaged", "branch", "head"])
        #expect(reset["unstaged"] as? Int == 1)
        #expect(try object(try await data(["status", "--json"]))["changes"] as? [Any] != nil)
        #expect(try await data(["status"]).out.last == "nothing staged")
    }

    @Test func commitOnAMissingWorkspaceCreatesItAndHasNothingToCommit() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await data(["commit", "-m", "nothing yet"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out == ["nothing to commit"])
        #expect(FileManager.default.fileExists(atPath: workspace + "/metadata.sqlite"))
        let empty = try await data(["commit", "-m", " "])
        #expect(empty.status == 1)
        #expect(empty.err == ["error: the commit message is empty (--message)"])
        let log = try await data(["log"])
        #expect(log.status == 1)
        #expect(log.err == ["error: branch 'main' has no commits yet (HEAD)"])
        let list = try await data(["branch", "--list"])
        #expect(list.out == ["HEAD names branch 'main', which has no commits yet"])
        #expect(try await data(["branch", "--list", "--json"]).out == ["[]"])
    }

    @Test func pathsOutsideTheCurrentDirectoryAndTheWorkspaceItselfAreRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("in.csv", "a\n1\n")
        try FileManager.default.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: true)
        try Data("b\n2\n".utf8).write(to: URL(fileURLWithPath: root + "/elsewhere/out.csv"))

        let up = try await data(["add", "../elsewhere/out.csv"])
        #expect(up.status == 1)
        #expect(up.err.first?.contains("outside the directory paths are stored relative to") == true)
        let absolute = try await data(["add", root + "/elsewhere"])
        #expect(absolute.status == 1)
        #expect(absolute.err.first?.contains("outside") == true)
        let dotdot = try await data(["add", "../../../.."])
        #expect(dotdot.status == 1)
        #expect(try await data(["status"]).out.last == "nothing staged")

        // A workspace inside the project: adding the project would read the store being written.
        let inner = project + "/.mlops"
        let holds = await runCLI(["data", "add", ".", "--workspace", inner], in: project)
        #expect(holds.status == 1)
        #expect(holds.err.first?.contains("holds the workspace directory") == true)
        let storage = await runCLI(["data", "add", ".mlops/objects", "--workspace", inner], in: project)
        #expect(storage.status == 1)
        #expect(storage.err.first?.contains("the workspace's own storage") == true)
        let fine = await runCLI(["data", "add", "in.csv", "--workspace", inner], in: project)
        #expect(fine.status == 0, "\(fine.err)")
    }

    @Test func aCommitThatLostARaceIsReportedAsAConflict() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("d/a.csv", "k\n1\n")
        #expect(try await data(["add", "d"]).status == 0)

        // Another writer commits to main after the add: two commits racing on one branch.
        let other = try await Workspace.open(at: workspace).data
        try write("theirs/t.csv", "t\n")
        let theirs = try await other.snapshot(project + "/theirs")
        let winner = try await other.commit(
            root: theirs.root, message: "theirs", branch: "main", expectedParent: .some(nil))
        await #expect(throws: MLOpsError.self) {
            try await other.commit(root: theirs.root, message: "loser", branch: "main", expectedParent: .some(nil))
        }

        let lost = try await data(["commit", "-m", "mine"])
        #expect(lost.status == 1)
        #expect(lost.out.isEmpty)
        let message = try #require(lost.err.first)
        #expect(message.hasPrefix("error: branch 'main' moved to \(winner.id.short)"))
        #expect(message.contains("is stored but not on the branch"))
        #expect(message.contains("run 'mlops data reset', add them again and commit"))
        #expect(try await other.resolve("main") == winner.id)

        // The way out the message names.
        #expect(try await data(["reset"]).out == ["unstaged 1 change; the staging area is main's commit \(winner.id)"])
        #expect(try await data(["add", "d"]).status == 0)
        let retried = try await data(["commit", "-m", "mine", "--json"])
        #expect(retried.status == 0, "\(retried.err)")
        #expect(try object(retried)["parents"] as? [String] == [winner.id.description])
    }

    @Test func commitToAnotherBranchStartsItAtTheStagedCommit() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("d/a.csv", "k\n1\n")
        _ = try await data(["add", "d"])
        // In an empty repository the new branch simply has no parent.
        let fresh = try object(try await data(["commit", "-m", "first", "--branch", "fresh", "--json"]))
        #expect(fresh["branch"] as? String == "fresh" && fresh["parents"] as? [String] == [])
        _ = try await data(["add", "d"])
        let first = try #require(try object(try await data(["commit", "-m", "main", "--json"]))["commit"] as? String)

        try write("d/a.csv", "k\n2\n")
        _ = try await data(["add", "d"])
        let side = try await data(["commit", "-m", "on side", "--branch", "side", "--json"])
        #expect(side.status == 0, "\(side.err)")
        let sideID = try #require(try object(side)["commit"] as? String)
        #expect(try object(side)["parents"] as? [String] == [first])
        #expect(try await data(["log", "main"]).out.last == "1 commit")
        #expect(try await data(["log", "side"]).out.last == "2 commits")
        #expect(try await data(["status"]).out.last == "nothing staged")

        // Nothing staged: nothing to commit, and no branch is made.
        #expect(try await data(["commit", "-m", "none", "--branch", "other"]).out == ["nothing to commit"])
        #expect(try await data(["branch", "--list"]).out.allSatisfy { !$0.contains("other") })

        // A branch that points elsewhere than the staged commit is refused before anything is stored.
        try write("d/b.csv", "k\n3\n")
        _ = try await data(["add", "d"])
        let elsewhere = try await data(["commit", "-m", "x", "--branch", "side"])
        #expect(elsewhere.status == 1)
        #expect(
            elsewhere.err.first?.hasPrefix(
                "error: branch 'side' points at \(sideID.prefix(19)), not at the commit the changes were staged on")
                == true)
        #expect(try await data(["status"]).out.last == "2 changes: 1 added, 1 modified")  // on main: a.csv differs too
    }

    @Test func modifiedCSVFilesGetARowLevelDiff() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("t.csv", "id,v,w\n1,2,a\n2,3,b\n3,4,c\n")
        _ = try await data(["add", "t.csv"])
        _ = try await data(["commit", "-m", "one"])
        try write("t.csv", "id,v,x\n1,2,p\n2,5,q\n4,6,r\n")
        _ = try await data(["add", "t.csv"])
        _ = try await data(["commit", "-m", "two"])

        let keyed = try await data(["diff", "HEAD~1", "HEAD", "--key", "id"])
        #expect(keyed.status == 0, "\(keyed.err)")
        let text = keyed.out.joined(separator: "\n")
        #expect(text.contains("rows of t.csv:"), "\(text)")
        #expect(text.contains("+1 rows, -1 rows, ~1 changed"), "\(text)")
        #expect(text.contains("+x") && text.contains("-w"), "\(text)")

        let json = try await data(["diff", "HEAD~1", "HEAD", "--key", "id", "--json"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.joined(separator: "\n").utf8)) as? [String: Any])
        let tables = try #require(object["tables"] as? [[String: Any]])
        #expect(tables.count == 1)
        #expect(tables.first?["path"] as? String == "t.csv")
        let diff = try #require(tables.first?["diff"] as? [String: Any])
        #expect(diff["addedRowCount"] as? Int == 1)
        #expect(diff["removedRowCount"] as? Int == 1)
        #expect(diff["changedRowCount"] as? Int == 1)

        let unkeyed = try await data(["diff", "HEAD~1", "HEAD", "--json"])
        let plain = try #require(
            try JSONSerialization.jsonObject(with: Data(unkeyed.out.joined(separator: "\n").utf8)) as? [String: Any])
        let plainDiff = try #require((plain["tables"] as? [[String: Any]])?.first?["diff"] as? [String: Any])
        #expect(plainDiff["changedRowCount"] as? Int == 0)
        #expect(plainDiff["addedRowCount"] as? Int == 2)

        let badKey = try await data(["diff", "HEAD~1", "HEAD", "--key", "nope"])
        #expect(badKey.status == 1)
        #expect(badKey.err.first?.contains("nope") == true, "\(badKey.err)")
    }

    @Test func verifyFindsDamageAndGCFreesUnreachableData() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("keep/a.txt", String(repeating: "kept bytes ", count: 100))
        _ = try await data(["add", "keep"])
        _ = try await data(["commit", "-m", "kept"])
        try write("drop/b.txt", String(repeating: "dropped bytes ", count: 100))
        _ = try await data(["add", "drop"])
        _ = try await data(["commit", "-m", "to drop", "--branch", "scratch"])
        let healthy = try await data(["verify"])
        #expect(healthy.status == 0, "\(healthy.err)")
        #expect(healthy.out.last == "status: ok")
        let report = try object(try await data(["verify", "--json"]))
        #expect(report["commits"] as? Int == 2)
        #expect((report["problems"] as? [Any])?.isEmpty == true)

        // Nothing is unreachable yet; within the grace period nothing would go anyway.
        let dry = try object(try await data(["gc", "--dry-run", "--json", "--grace-seconds", "0"]))
        #expect((dry["commits"] as? [Any])?.isEmpty == true)

        // Staged on main, committed to 'scratch': main never had the 'drop' files. Reset main's
        // staging, delete the branch; its commit and chunks become unreachable.
        _ = try await data(["reset"])
        let repository = try await Workspace.open(at: workspace).data
        #expect(try await repository.deleteRef("scratch", kind: .branch))
        let wouldGo = try object(try await data(["gc", "--dry-run", "--json", "--grace-seconds", "0"]))
        #expect((wouldGo["commits"] as? [Any])?.count == 1)
        #expect(try await data(["log", "-n", "5"]).status == 0)
        let collected = try await data(["gc", "--grace-seconds", "0"])
        #expect(collected.status == 0, "\(collected.err)")
        #expect(collected.out.first?.hasPrefix("deleted 1 commits") == true, "\(collected.out)")
        #expect(try await data(["verify"]).status == 0)
        #expect(try await data(["checkout", "main", "out"]).status == 0)
        #expect(try read("out/keep/a.txt") == String(repeating: "kept bytes ", count: 100))

        // Damage a pack: verify names the chunk and exits 1.
        let packs = try FileManager.default.contentsOfDirectory(atPath: workspace + "/objects/data/packs")
            .filter { $0.hasSuffix(".pack") }
        for pack in packs {
            let url = URL(fileURLWithPath: workspace + "/objects/data/packs/" + pack)
            var bytes = try Data(contentsOf: url)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: url)
        }
        let damaged = try await data(["verify"])
        #expect(damaged.status == 1)
        #expect(damaged.out.contains { $0.contains("corrupt") && $0.contains("keep/a.txt") }, "\(damaged.out)")
        #expect(damaged.err.first?.contains("problem") == true, "\(damaged.err)")
    }

    @Test func pushAndPullThroughARemoteDirectory() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("d/a.csv", "id,v\n1,2\n")
        _ = try await data(["add", "d"])
        _ = try await data(["commit", "-m", "one"])
        _ = try await data(["tag", "v1"])
        let pushed = try object(try await data(["push", root + "/remote", "--json"]))
        #expect((pushed["refsUpdated"] as? [Any])?.count == 2)
        #expect((pushed["chunksCopied"] as? Int ?? 0) >= 1)
        let again = try await data(["push", root + "/remote"])
        #expect(again.status == 0)
        #expect(again.out.first?.hasPrefix("pushed 0 chunks and 0 objects") == true, "\(again.out)")
        #expect(again.out.contains("  every ref was up to date"))

        // A second workspace pulls it and checks out the same bytes.
        let other = await runCLI(
            ["data", "pull", root + "/remote", "--workspace", root + "/ws2"], in: project, progress: nil)
        #expect(other.status == 0, "\(other.err)")
        let checkout = await runCLI(
            ["data", "checkout", "v1", "copy", "--workspace", root + "/ws2"], in: project, progress: nil)
        #expect(checkout.status == 0, "\(checkout.err)")
        #expect(try read("copy/d/a.csv") == "id,v\n1,2\n")
        let missing = try await data(["pull", root + "/nowhere"])
        #expect(missing.status == 1)
    }

    @Test func branchNeedsANameOrList() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let missing = try await data(["branch"])
        #expect(missing.status == 2)
        #expect(missing.err.first == "error: missing argument NAME (or --list)")
        let both = try await data(["branch", "x", "--list"])
        #expect(both.status == 2)
        #expect(both.err.first == "error: give NAME or --list, not both")
        let unknown = try await data(["commit", "-x"])
        #expect(unknown.status == 2)
        #expect(unknown.err.first == "error: unknown option '-x' (options are spelled --name or -m)")
        let noMessage = try await data(["commit", "-m"])
        #expect(noMessage.err.first == "error: option '--message' needs a value (MSG)")
        let badCount = try await data(["log", "-n", "0"])
        #expect(badCount.status == 1)
        let help = await runCLI(["data", "commit", "--help"])
        #expect(help.out.joined(separator: "\n").contains("-m, --message MSG"))
        let group = await runCLI(["data", "--help"])
        #expect(group.status == 0)
        #expect(group.out.joined(separator: "\n").contains("checkout"))
    }

    /// The progress line is drawn through the context's progress writer (standard error on a
    /// terminal), cleared at the end, and never with --json.
    @Test func progressIsDrawnOnATerminalAndNeverWithJSON() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("p/a.bin", String(repeating: "x", count: 50_000))
        try write("p/b.bin", String(repeating: "y", count: 70_000))
        let drawn = Mutex<[String]>([])
        let record: @Sendable (String) -> Void = { text in drawn.withLock { $0.append(text) } }
        let added = try await data(["add", "p"], progress: record)
        #expect(added.status == 0, "\(added.err)")
        let lines = drawn.withLock { $0 }
        #expect(lines.contains { $0.hasPrefix("adding  2/2 files  117.2 KiB / 117.2 KiB") })
        #expect(lines.last == "")
        _ = try await data(["commit", "-m", "p"])

        drawn.withLock { $0.removeAll() }
        let checkout = try await data(["checkout", "HEAD", "copy"], progress: record)
        #expect(checkout.status == 0, "\(checkout.err)")
        #expect(drawn.withLock { $0 }.contains { $0.hasPrefix("checking out  2/2 files") })

        drawn.withLock { $0.removeAll() }
        try write("p/c.bin", "z")
        #expect(try await data(["add", "p", "--json"], progress: record).status == 0)
        #expect(try await data(["checkout", "HEAD", "copy2", "--json"], progress: record).status == 0)
        #expect(drawn.withLock { $0 }.isEmpty)
    }

    @Test func progressTextAndByteCounts() {
        let progress = DataProgress(files: 3, totalFiles: 10, bytes: 12 << 20, totalBytes: 40 << 20)
        #expect(
            ProgressLine.text("adding", progress, elapsedNanoseconds: 500_000_000)
                == "adding  3/10 files  12.0 MiB / 40.0 MiB  24.0 MiB/s")
        #expect(
            ProgressLine.text("adding", progress, elapsedNanoseconds: 0) == "adding  3/10 files  12.0 MiB / 40.0 MiB")
        #expect(TextTable.bytes(0) == "0 B")
        #expect(TextTable.bytes(1023) == "1023 B")
        #expect(TextTable.bytes(1024) == "1.0 KiB")
        #expect(TextTable.bytes(1536) == "1.5 KiB")
        #expect(TextTable.bytes(1_048_575) == "1.0 MiB")
        #expect(TextTable.bytes(5 << 30) == "5.0 GiB")
        #expect(TextTable.bytes(.max) == "16.0 EiB")
    }
}
