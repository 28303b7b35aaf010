import Foundation
import Hummingbird
import RelyingPartySite

// `swift run` in Examples/RelyingPartyServer: http://localhost:8080 with the state in ./var.
// `RelyingPartyServer benchmark-registry …` is the in-process half of Tests/benchmark.sh.
if CommandLine.arguments.dropFirst().first == "benchmark-registry" {
    do {
        let verified = try await RegistryBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
        exit(verified ? 0 : 1)
    } catch let error as SiteConfigurationError {
        FileHandle.standardError.write(Data("\(error.description)\n".utf8))
        exit(64)
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
}
let configuration: SiteConfiguration
do {
    configuration = try SiteConfiguration.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    if error.isHelp {
        print(error.description)
        exit(0)
    }
    FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
    exit(64)
}
do {
    let site = try Site(configuration: configuration)
    var banner = "KeyBridge relying party: \(configuration.publicOrigin) (listening on \(configuration.host):\(configuration.port))\n"
    banner += "State: \(configuration.dataDirectory)/ (database, key file, SMS and email outboxes)\n"
    if configuration.developmentTools { banner += "Outboxes: \(configuration.publicOrigin)/dev/outbox/\n" }
    FileHandle.standardOutput.write(Data(banner.utf8))
    try await site.makeApplication().runService()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
