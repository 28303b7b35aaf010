import Foundation
import Hummingbird
import RelyingPartySite
import Testing

/// `openapi.yaml` documents exactly the routes the router serves.
@Suite struct OpenAPITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `METHOD /path` for every operation under `paths:` (two-space path keys, four-space method keys).
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") {
                inPaths = false
                continue
            }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let currentPath {
                let key = line.dropFirst(4).split(separator: ":").first.map(String.init) ?? ""
                if methods.contains(key) { operations.insert("\(key.uppercased()) \(currentPath)") }
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let documented = try Self.documentedOperations()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rp-openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = try Site(configuration: SiteConfiguration(dataDirectory: directory.path))
        let served = Set(site.makeRouter().routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(!documented.isEmpty)
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        #expect(Set(Site.apiRoutes) == served)
    }
}
