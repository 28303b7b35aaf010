// swift-tools-version: 6.0
//
// KeyBridge: hardware security keys, a WebAuthn relying-party verifier and an MFA method registry.
// The root package has no Swift package dependencies: only system libraries (see ../shared/STYLE.md §1).

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "KeyBridge",
    products: [
        .library(name: "CBOR", targets: ["CBOR"]),
        .library(name: "WebAuthn", targets: ["WebAuthn"]),
        .library(name: "VirtualAuthenticator", targets: ["VirtualAuthenticator"]),
        .library(name: "FIDODevices", targets: ["FIDODevices"]),
        .library(name: "OneTimeCodes", targets: ["OneTimeCodes"]),
        .library(name: "MFA", targets: ["MFA"]),
        .executable(name: "keybridge", targets: ["keybridge"]),
    ],
    dependencies: [],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CLibCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CFIDO2", pkgConfig: "libfido2",
            providers: [.apt(["libfido2-dev"])]),
        .systemLibrary(
            name: "CUDev", pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]),
        .systemLibrary(
            name: "CSQLite3", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CMaxMindDB", pkgConfig: "libmaxminddb",
            providers: [.apt(["libmaxminddb-dev"])]),

        // MARK: - Wrappers and pure-Swift modules
        .target(name: "OpenSSLWrapper", dependencies: ["CLibCrypto"], swiftSettings: swiftSettings),
        .target(name: "CBOR", swiftSettings: swiftSettings),
        .target(name: "WebAuthn", dependencies: ["CBOR", "OpenSSLWrapper"], swiftSettings: swiftSettings),
        .target(name: "OneTimeCodes", dependencies: ["OpenSSLWrapper"], swiftSettings: swiftSettings),
        .target(name: "SQLiteStorage", dependencies: ["CSQLite3"], swiftSettings: swiftSettings),
        .target(
            name: "MFA", dependencies: ["WebAuthn", "OneTimeCodes", "SQLiteStorage", "OpenSSLWrapper", "CMaxMindDB"],
            swiftSettings: swiftSettings),
        .target(
            name: "FIDODevices", dependencies: ["CFIDO2", "CUDev", "CBOR", "OpenSSLWrapper"],
            swiftSettings: swiftSettings + [.define("ENABLE_MOCKING", .when(configuration: .debug))]),
        .target(
            name: "VirtualAuthenticator", dependencies: ["FIDODevices", "CBOR", "OpenSSLWrapper"],
            swiftSettings: swiftSettings),

        // MARK: - Replays of recorded CTAP exchanges, verified by KeyBridge's relying party too
        .target(name: "KeyBridgeReplay", dependencies: ["FIDODevices", "WebAuthn"], swiftSettings: swiftSettings),

        // MARK: - Command line
        .executableTarget(
            name: "keybridge",
            dependencies: [
                "WebAuthn", "CBOR", "FIDODevices", "VirtualAuthenticator", "OneTimeCodes", "MFA", "KeyBridgeReplay",
            ],
            swiftSettings: swiftSettings),

        // MARK: - kill -9 durability helper for the MFA store (run by MFATests)
        .executableTarget(
            name: "MFAStoreStress", dependencies: ["MFA", "WebAuthn", "OneTimeCodes"], swiftSettings: swiftSettings),

        .executableTarget(
            name: "MFARegistryStress", dependencies: ["MFA", "OneTimeCodes"], swiftSettings: swiftSettings),

        // MARK: - Benchmark (swift run -c release KeyBridgeBenchmarks)
        .executableTarget(
            name: "KeyBridgeBenchmarks",
            dependencies: [
                "WebAuthn", "OpenSSLWrapper", "CBOR", "_TestSupport", "FIDODevices", "VirtualAuthenticator",
                "OneTimeCodes", "MFA", "SQLiteStorage", "KeyBridgeReplay",
            ],
            swiftSettings: swiftSettings),

        // MARK: - Test support and tests
        .target(name: "_TestSupport", dependencies: ["WebAuthn", "CBOR", "OpenSSLWrapper"], swiftSettings: swiftSettings),
        .testTarget(name: "CBORTests", dependencies: ["CBOR"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenSSLWrapperTests", dependencies: ["OpenSSLWrapper", "_TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WebAuthnTests", dependencies: ["WebAuthn", "CBOR", "OpenSSLWrapper", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "OneTimeCodesTests", dependencies: ["OneTimeCodes", "OpenSSLWrapper", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VirtualAuthenticatorTests",
            dependencies: ["VirtualAuthenticator", "WebAuthn", "CBOR", "OpenSSLWrapper", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FIDODevicesTests",
            dependencies: ["FIDODevices", "VirtualAuthenticator", "WebAuthn", "CBOR", "OpenSSLWrapper", "KeyBridgeReplay"],
            swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteStorageTests", dependencies: ["SQLiteStorage"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MFATests",
            dependencies: [
                "MFA", "SQLiteStorage", "OneTimeCodes", "WebAuthn", "_TestSupport", "MFAStoreStress", "MFARegistryStress",
            ],
            exclude: ["Support/make_test_mmdb.py", "Support/haversine_reference.py"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KeyBridgeCLITests",
            dependencies: ["keybridge", "_TestSupport", "WebAuthn", "CBOR", "OpenSSLWrapper", "FIDODevices"],
            swiftSettings: swiftSettings),
    ]
)
