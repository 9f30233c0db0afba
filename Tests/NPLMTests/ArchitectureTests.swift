import Foundation
import XCTest

/// The layering of docs/architecture.md is what `Package.swift` declares, and no source file
/// imports a library module its layer may not use.
final class ArchitectureTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The table of the ```layers block of docs/architecture.md: module → library modules it may import.
    func documentedLayers() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        guard let start = text.range(of: "```layers\n"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
            XCTFail("docs/architecture.md has no ```layers block")
            return [:]
        }
        var layers: [String: Set<String>] = [:]
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let uses = parts.count > 1 ? parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : []
            layers[parts[0]] = Set(uses.filter { !$0.isEmpty })
        }
        return layers
    }

    /// The library targets of Package.swift (names starting with NPLM) and their NPLM dependencies.
    func declaredLayers() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try NSRegularExpression(pattern: #"\.target\(\s*name:\s*"(NPLM\w*)"(?:,\s*dependencies:\s*\[([^\]]*)\])?"#)
        var layers: [String: Set<String>] = [:]
        for match in target.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let name = String(text[Range(match.range(at: 1), in: text)!])
            let list = Range(match.range(at: 2), in: text).map { String(text[$0]) } ?? ""
            let quoted = try NSRegularExpression(pattern: #""(NPLM\w*)""#)
            layers[name] = Set(quoted.matches(in: list, range: NSRange(list.startIndex..., in: list))
                .map { String(list[Range($0.range(at: 1), in: list)!]) })
        }
        return layers
    }

    func testTheDocumentedLayersAreThePackagesTargets() throws {
        let documented = try documentedLayers(), declared = try declaredLayers()
        XCTAssertEqual(documented.count, 7, "\(documented.keys.sorted())")
        XCTAssertEqual(documented, declared)
        // A strict order: each layer uses only layers documented before it (no cycle).
        var seen: Set<String> = []
        for name in ["NPLMStatistics", "NPLMCore", "NPLMData", "NPLMEngines", "NPLMMethods", "NPLMCampaigns", "NPLM"] {
            XCTAssertTrue(documented[name, default: []].isSubset(of: seen), name)
            seen.insert(name)
        }
    }

    func testNoSourceFileImportsALayerAboveItsOwn() throws {
        let layers = try documentedLayers()
        let sources = Self.root.appendingPathComponent("Sources")
        let importLine = try NSRegularExpression(pattern: #"^\s*(?:@\w+\s+)*import\s+(NPLM\w*)"#, options: .anchorsMatchLines)
        var checked = 0
        for module in layers.keys {
            let folder = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for match in importLine.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let imported = String(text[Range(match.range(at: 1), in: text)!])
                    XCTAssertTrue(layers[module, default: []].contains(imported), "\(module)/\(file) imports \(imported)")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// The library names parameters, never command-line flags: no string literal of a library
    /// module holds "--flag" (the command line renders `Parameter`s as its flags). The one exception
    /// is the argument list of the external C loop of `nplm bench --c-loop`, marked where it stands.
    func testNoLibraryStringNamesAFlag() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let flag = try NSRegularExpression(pattern: #"--[a-z]"#)
        var offending: [String] = []
        for module in try documentedLayers().keys {
            let folder = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                var inMultiline = false, externalArguments = false
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.hasPrefix("//") {
                        externalArguments = trimmed.contains("an external program's flags, not nplm's")
                        continue
                    }
                    var literal = ""
                    var inString = inMultiline
                    var characters = Array(line)[...]
                    while let character = characters.first {
                        if characters.starts(with: ["\"", "\"", "\""]) {
                            inMultiline.toggle()
                            inString = inMultiline
                            characters = characters.dropFirst(3)
                            continue
                        }
                        if character == "\"" && !inMultiline { inString.toggle() } else if inString { literal.append(character) }
                        if !inString && characters.starts(with: ["/", "/"]) { break }
                        characters = characters.dropFirst()
                    }
                    if !externalArguments, flag.firstMatch(in: literal, range: NSRange(literal.startIndex..., in: literal)) != nil {
                        offending.append("\(module)/\(file):\(number + 1): \(trimmed)")
                    }
                    if !trimmed.isEmpty { externalArguments = externalArguments && trimmed.hasSuffix(",") }
                }
            }
        }
        XCTAssertEqual(offending, [], offending.joined(separator: "\n"))
    }
}
