// swift-tools-version: 6.0
//
// KeyBridge fuzz targets: a side package (../shared/STYLE.md §1 and §8) so the root package keeps no
// fuzzing flags. Build and run with ./run.sh; see README.md.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

/// One row per fuzz target: the executable (Sources/<name>/main.swift) and the root-package products it
/// links. Adding a target is one row here plus its main.swift, a Corpus/<name>/ folder of seeds and a
/// FailCases/<name>/.gitkeep.
let fuzzTargets: [(name: String, products: [String])] = [
    ("FuzzCBOR", ["CBOR"]),
    ("FuzzAttestationObject", ["WebAuthn", "CBOR"]),
    ("FuzzAuthenticatorData", ["WebAuthn", "CBOR"]),
    ("FuzzCOSEKey", ["WebAuthn", "CBOR"]),
    ("FuzzRegistrationResponseJSON", ["WebAuthn"]),
    ("FuzzAuthenticationResponseJSON", ["WebAuthn"]),
    ("FuzzCTAPRecording", ["FIDODevices"]),
    ("FuzzMFAInputs", ["MFA", "OneTimeCodes"]),
]

/// SwiftPM names a path dependency after its folder, so the root package's identity is this folder's parent's
/// name (`main` in /work/main, whatever a clone is called elsewhere).
let rootPackage = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "KeyBridge"

let package = Package(
    name: "KeyBridgeFuzz",
    dependencies: [.package(path: "..")],
    targets: fuzzTargets.map { target in
        .executableTarget(
            name: target.name,
            dependencies: target.products.map { .product(name: $0, package: rootPackage) },
            swiftSettings: swiftSettings)
    }
)
