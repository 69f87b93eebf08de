import Foundation
import Testing

/// Every ```` ```swift ```` block of the documentation — in `///` comments under `Sources/`, in the DocC
/// articles `Sources/*/*.docc/*.md` and in `Documentation/*.md` — must appear, line for line, in one of the
/// files of `Tests/MLOpsTests/DocSnippets/`, where it is compiled (and, where it is cheap, run), or in the
/// sources of an example package under `Documentation/Examples/` (code that needs the example's own
/// dependencies, such as Hummingbird; CI builds and tests each example). So a snippet that names a
/// placeholder or an API that does not exist breaks a build.
///
/// Lines are compared with leading and trailing whitespace trimmed and runs of spaces collapsed, and
/// blank lines are ignored, so swift-format's reindentation does not matter. A snippet's `import` lines
/// may sit at the top of its DocSnippets file instead (imports are file-level). Blocks fenced as another
/// language (or with none) are not Swift and are skipped; the README's tour and
/// `Documentation/Records.md` are checked by `ReadmeTests` and `RecordsGuideTests`.
@Suite struct DocSnippetTests {
    /// One fenced Swift block of the documentation.
    struct Snippet: CustomStringConvertible {
        /// The file, relative to the package root.
        var path: String
        /// The line of the opening fence, 1-based.
        var line: Int
        var lines: [String]
        var description: String { "\(path):\(line)" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everySwiftSnippetOfTheDocsIsCompiledByThisTarget() throws {
        let snippets = try Self.documentationSnippets()
        // The docs hold about a hundred Swift blocks; a parser that finds none would pass vacuously.
        #expect(snippets.count >= 90, "found only \(snippets.count) swift blocks")
        let compiled = try Self.compiledFiles()
        #expect(!compiled.isEmpty, "no files in Tests/MLOpsTests/DocSnippets")
        for snippet in snippets {
            let code = snippet.lines.map(Self.normalized).filter { !$0.isEmpty }
            let imports = code.filter { $0.hasPrefix("import ") }
            let body = code.filter { !$0.hasPrefix("import ") }
            let covered = compiled.contains { file in
                imports.allSatisfy(file.contains) && Self.containsRun(body, in: file)
            }
            #expect(
                covered,
                """
                \(snippet): this swift block is not compiled by Tests/MLOpsTests/DocSnippets/ \
                (copy it there, inside a function, with its context declared before it)
                """)
        }
    }

    @Test func theExtractorFindsDocCommentAndArticleBlocks() {
        let source = """
            /// Text.
            ///
            /// ```swift
            /// let a = 1
            ///     let  b = 2
            /// ```
            ///
            /// ```sh
            /// mlops --version
            /// ```
            func f() {}
            """
        let found = Self.blocks(in: source, path: "X.swift", docComments: true)
        #expect(found.map(\.line) == [3])
        #expect(found.first?.lines.map(Self.normalized) == ["let a = 1", "let b = 2"])
        let article = "Intro\n\n```swift\nprint(1)\n```\n\n```\nplain\n```\n"
        #expect(Self.blocks(in: article, path: "A.md", docComments: false).map(\.lines) == [["print(1)"]])
        #expect(Self.containsRun(["b", "c"], in: ["a", "b", "c"]))
        #expect(!Self.containsRun(["a", "c"], in: ["a", "b", "c"]))
    }

    // MARK: - Extraction

    static func documentationSnippets() throws -> [Snippet] {
        var snippets: [Snippet] = []
        let sources = root.appendingPathComponent("Sources")
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        var paths: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            if relative.hasSuffix(".swift") {
                paths.append(relative)
            } else if relative.hasSuffix(".md"), url.deletingLastPathComponent().pathExtension == "docc" {
                paths.append(relative)
            }
        }
        let documentation = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("Documentation").path)
        paths += documentation.filter { $0.hasSuffix(".md") && $0 != "Records.md" }.map { "Documentation/" + $0 }
        for path in paths.sorted() {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            snippets += blocks(in: text, path: path, docComments: path.hasSuffix(".swift"))
        }
        return snippets
    }

    /// The ```` ```swift ```` blocks of a Swift file's `///` comments or of a Markdown file.
    static func blocks(in text: String, path: String, docComments: Bool) -> [Snippet] {
        var found: [Snippet] = []
        var open: Snippet?
        var inOtherBlock = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if docComments {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                guard trimmed.hasPrefix("///") else {
                    // A doc comment ended inside an unclosed fence: the block ends with it.
                    if let block = open { found.append(block) }
                    open = nil
                    inOtherBlock = false
                    continue
                }
                line = trimmed.dropFirst(3)
            }
            let content = line.trimmingCharacters(in: .whitespaces)
            if var block = open {
                if content.hasPrefix("```") {
                    found.append(block)
                    open = nil
                } else {
                    block.lines.append(String(line))
                    open = block
                }
            } else if inOtherBlock {
                // A block in another language (or none) is skipped up to its closing fence.
                inOtherBlock = !content.hasPrefix("```")
            } else if content.hasPrefix("```") {
                let language = content.dropFirst(3).trimmingCharacters(in: .whitespaces)
                if language == "swift" {
                    open = Snippet(path: path, line: index + 1, lines: [])
                } else {
                    inOtherBlock = true
                }
            }
        }
        if let block = open { found.append(block) }
        return found.filter { !$0.lines.allSatisfy { normalized($0).isEmpty } }
    }

    /// The DocSnippets files and the example packages' sources, each as its normalized non-blank lines.
    static func compiledFiles() throws -> [[String]] {
        let folder = root.appendingPathComponent("Tests/MLOpsTests/DocSnippets")
        var paths = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
            .sorted().map { folder.appendingPathComponent($0).path }
        let examples = root.appendingPathComponent("Documentation/Examples")
        for example in (try? FileManager.default.contentsOfDirectory(atPath: examples.path))?.sorted() ?? [] {
            let sources = examples.appendingPathComponent(example).appendingPathComponent("Sources")
            guard let files = FileManager.default.enumerator(atPath: sources.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                paths.append(sources.appendingPathComponent(file).path)
            }
        }
        return try paths.map { path in
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { normalized(String($0)) }
                .filter { !$0.isEmpty }
        }
    }

    /// A line with its ends trimmed and every run of whitespace made one space.
    static func normalized(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Whether `run` occurs in `lines` as consecutive elements.
    static func containsRun(_ run: [String], in lines: [String]) -> Bool {
        guard !run.isEmpty else { return true }
        guard run.count <= lines.count else { return false }
        return (0...(lines.count - run.count)).contains { start in
            lines[start..<(start + run.count)].elementsEqual(run)
        }
    }
}
