// swift-tools-version: 6.0
//
// KeyBridge example relying party: a Hummingbird 2 web site that links the root package's WebAuthn and MFA
// modules. It lives in its own package so that the root package keeps no package dependencies.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

/// SwiftPM names a path dependency after its folder, so the root package's identity is the name of the folder two
/// levels up (`main` in one checkout, whatever a clone is called elsewhere).
let keyBridge = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "KeyBridge"

let package = Package(
    name: "RelyingPartyServer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "RelyingPartyServer", targets: ["RelyingPartyServer"])
    ],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // OpenSSL's scrypt (password hashing) and SQLite (the site's own user table, in the MFA database file).
        .systemLibrary(name: "CRPCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CRPSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "RelyingPartySite",
            dependencies: [
                "CRPCrypto", "CRPSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "WebAuthn", package: keyBridge),
                .product(name: "MFA", package: keyBridge),
                .product(name: "OneTimeCodes", package: keyBridge),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "RelyingPartyServer",
            dependencies: [
                "RelyingPartySite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RelyingPartySiteTests",
            dependencies: [
                "RelyingPartySite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings),
    ]
)
