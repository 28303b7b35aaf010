import Foundation
import Testing

/// The package's dependency arrows, read from the manifest by SwiftPM itself (`swift package describe`).
@Suite struct PackageGraphTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `swift package describe --type json`, run with its own scratch path so it never waits on the test build's lock.
    static func describe() throws -> [String: Any] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-describe-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "swift", "package", "--package-path", packageRoot.path, "--scratch-path", scratch.path,
            "describe", "--type", "json",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try JSONSerialization.jsonObject(with: data)
        return try #require(json as? [String: Any])
    }

    /// Every target the named target reaches, itself excluded.
    static func closure(of name: String, in targets: [String: [String]]) -> Set<String> {
        var seen: Set<String> = []
        var stack = targets[name] ?? []
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack.append(contentsOf: targets[next] ?? []) }
        }
        return seen
    }

    @Test("The root package declares no Swift package dependencies and the server side reaches no device library")
    func rootPackageHasNoPackageDependenciesAndWebAuthnIsDeviceFree() throws {
        let description = try Self.describe()
        let dependencies = description["dependencies"] as? [Any] ?? []
        #expect(dependencies.isEmpty)

        let targets = try #require(description["targets"] as? [[String: Any]])
        var graph: [String: [String]] = [:]
        for target in targets {
            guard let name = target["name"] as? String else { continue }
            graph[name] = target["target_dependencies"] as? [String] ?? []
        }
        #expect(graph["WebAuthn"] != nil)
        for server in ["WebAuthn", "CBOR", "OpenSSLWrapper", "OneTimeCodes", "MFA"] {
            let reached = Self.closure(of: server, in: graph)
            #expect(!reached.contains("CFIDO2"), "\(server) must not reach libfido2")
            #expect(!reached.contains("CUDev"), "\(server) must not reach libudev")
        }
        #expect(Self.closure(of: "CBOR", in: graph).isEmpty)
        #expect(Self.closure(of: "WebAuthn", in: graph) == ["CBOR", "OpenSSLWrapper", "CLibCrypto"])
    }
}
