// swift-tools-version:6.0
// Caseload: a terminal workspace for the counseling staff of opioid treatment programs.
// Layers (SPEC §2), dependencies pointing one way:
//   CNcurses (C shim) ← CaseloadTUI (front end, the only ncurses importer)
//   CaseloadCore (domain) ← CaseloadStore (GRDB) ; CaseloadCore ← CaseloadViewModels ← CaseloadTUI ← caseload
import PackageDescription

let package = Package(
    name: "Caseload",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "caseload", targets: ["caseload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // No pkgConfig: Debian's ncursesw.pc adds -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600, which SwiftPM refuses
        // with a warning on every build; the module map links ncursesw and tinfo and shim.h sets what it needs.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", providers: [.apt(["libncurses-dev"])]),
        .target(name: "CaseloadCore"),
        .target(name: "CaseloadStore", dependencies: [
            "CaseloadCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            // Sealed backups (AES-GCM with a scrypt key); later the audit chain (SHA-256).
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "CaseloadViewModels", dependencies: ["CaseloadCore"]),
        .target(name: "CaseloadTUI", dependencies: ["CNcurses", "CaseloadCore", "CaseloadViewModels"]),
        .executableTarget(name: "caseload", dependencies: [
            "CaseloadCore", "CaseloadStore", "CaseloadViewModels", "CaseloadTUI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "SwiftCSV", package: "SwiftCSV"),   // roster import (issue 8)
        ]),
        // Store-level timings for SPEC §8 (Benchmarks/run.sh); not part of `swift test`.
        .executableTarget(name: "caseload-bench", dependencies: ["CaseloadCore", "CaseloadStore"],
                          path: "Benchmarks/CaseloadBench"),
        // Worker processes for the crash and load tests (issue 7): real saves through the store API.
        .executableTarget(name: "caseload-stress", dependencies: ["CaseloadCore", "CaseloadStore"],
                          path: "Benchmarks/CaseloadStress"),
        .testTarget(name: "CaseloadCoreTests", dependencies: ["CaseloadCore"]),
        .testTarget(name: "CaseloadStoreTests", dependencies: ["CaseloadCore", "CaseloadStore"]),
        .testTarget(name: "CaseloadViewModelTests",
                    dependencies: ["CaseloadCore", "CaseloadStore", "CaseloadViewModels"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "CaseloadTUITests", dependencies: ["CaseloadTUI", "CaseloadViewModels"]),
        // GRDB only to tamper with a store from outside Caseload, as someone with sqlite3 would (audit trail tests);
        // the store to record consents for the disclosure tests.
        .testTarget(name: "EndToEndTests", dependencies: ["caseload", "CaseloadCore", "CaseloadStore",
                                                         .product(name: "GRDB", package: "GRDB.swift")]),
        // Many processes on one store: SIGKILL crash test, 60-process load test, backup under load.
        .testTarget(name: "ReliabilityTests",
                    dependencies: ["caseload", "caseload-stress", "CaseloadCore", "CaseloadStore"]),
    ],
    swiftLanguageModes: [.v6]
)
