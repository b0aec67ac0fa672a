// Caseload installed for a program on one host, as docs/deployment.md describes: the binary setgid to a store
// group that alone can read the store's folder, OpenSSH's `Match Group … ForceCommand` giving counselors the app
// and no shell. A real sshd on 127.0.0.1 (a high port), a real test account with a key, `ssh -t` inside tmux.
// Needs root and openssh-server (.ci/run installs it); it fails with a sentence, never skips, without them.
import CaseloadCore
import CaseloadStore
import Foundation
import XCTest

final class DeploymentTests: XCTestCase {
    private var cleanups: [() -> Void] = []
    private var session: TmuxSession?

    override func tearDown() {
        session?.kill()
        session = nil
        for c in cleanups.reversed() { c() }
        cleanups = []
    }

    @discardableResult
    private func sh(_ command: String, _ file: StaticString = #filePath, _ line: UInt = #line,
                    mustSucceed: Bool = true) throws -> RunResult {
        // The installed binary reads the real clock and refuses CASELOAD_NOW: nothing here pins it.
        let r = try Run.program(URL(fileURLWithPath: "/bin/sh"), ["-c", command], timeout: 60, pinTime: false)
        if mustSucceed && r.status != 0 {
            throw HarnessError("'\(command)' failed (\(r.status)): \(r.stderr)")
        }
        return r
    }

    func testCounselorsGetTheAppOverSSHAndNeitherAShellNorTheStoreFile() throws {
        guard getuid() == 0 else { throw HarnessError("The deployment test creates a user and a group: run the tests as root, as CI does.") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"), TmuxSession.isAvailable else {
            throw HarnessError("The deployment test needs OpenSSH's server and tmux: apt-get install openssh-server openssh-client tmux (.ci/run does).")
        }
        let tag = String(getpid() % 100_000)
        let storeGroup = "clstore\(tag)", usersGroup = "clusers\(tag)", user = "clcoun\(tag)"
        let dir = try TempDirectories.make("deploy")
        let d = dir.path
        try sh("chmod 0755 '\(d)'")

        // The groups and the counselor's account: in the users group, never in the store group.
        try sh("groupadd \(storeGroup) && groupadd \(usersGroup)")
        cleanups.append { _ = try? self.sh("groupdel \(storeGroup); groupdel \(usersGroup)", mustSucceed: false) }
        try sh("useradd -M -d '\(d)/home' -s /bin/sh -G \(usersGroup) \(user) && usermod -p '*' \(user)")
        cleanups.append { _ = try? self.sh("pkill -u \(user); userdel \(user)", mustSucceed: false) }
        try sh("mkdir -m 0700 '\(d)/home' && chown \(user) '\(d)/home'")

        // The installation: a setgid binary, the session wrapper of docs/deployment.md (a clean environment, a
        // fixed PATH, a UTF-8 locale), the configuration beside it.
        let bin = d + "/bin", store = d + "/store", db = store + "/caseload.sqlite"
        try sh("mkdir -m 0755 '\(bin)' && cp '\(Binary.url.path)' '\(bin)/caseload' && chown root:\(storeGroup) '\(bin)/caseload' && chmod 2755 '\(bin)/caseload'")
        try Data(Self.sessionWrapper(binary: bin + "/caseload").utf8)
            .write(to: URL(fileURLWithPath: bin + "/caseload-session"))
        try sh("chmod 0755 '\(bin)/caseload-session'")
        try Data("# the program's store\ndb = \(db)\n".utf8).write(to: URL(fileURLWithPath: bin + "/caseload.conf"))
        try sh("chmod 0644 '\(bin)/caseload.conf'")

        // The store: made by the administrator, the folder and files the store group's only.
        try sh("mkdir -m 2770 '\(store)' && chown root:\(storeGroup) '\(store)'")
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)
        let adminRange = try XCTUnwrap(made.stdout.range(of: #"\S+ \(administrator\)"#, options: .regularExpression), made.stdout)
        let admin = String(made.stdout[adminRange].split(separator: " ")[0])
        let added = try Run.caseload(["staff", "add", user, "--db", db, "--name", "Dana Ñúñez", "--role", "counselor",
                                      "--as", admin])
        XCTAssertEqual(added.status, 0, added.stderr)
        try sh("cd '\(store)' && chgrp \(storeGroup) caseload.sqlite* && chmod 0660 caseload.sqlite*")

        // sshd on loopback, a high port, ForceCommand for the users group.
        try sh("ssh-keygen -q -t ed25519 -N '' -f '\(d)/hostkey' && ssh-keygen -q -t ed25519 -N '' -f '\(d)/key'")
        try sh("mkdir -m 0755 '\(d)/keys' && cp '\(d)/key.pub' '\(d)/keys/\(user)' && chmod 0644 '\(d)/keys/\(user)' && mkdir -p /run/sshd")
        let port = 20_000 + Int(getpid() % 20_000)
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(d)/hostkey
            PidFile \(d)/sshd.pid
            AuthorizedKeysFile \(d)/keys/%u
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin no
            AllowUsers \(user)
            AcceptEnv LANG LC_* CASELOAD_* LD_PRELOAD
            Match Group \(usersGroup)
                ForceCommand \(bin)/caseload-session
                AllowTcpForwarding no
                AllowAgentForwarding no
                X11Forwarding no
                PermitTunnel no

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: d + "/sshd_config"))
        try sh("/usr/sbin/sshd -t -f '\(d)/sshd_config'")
        try sh("/usr/sbin/sshd -f '\(d)/sshd_config' -E '\(d)/sshd.log'")
        cleanups.append { _ = try? self.sh("kill $(cat '\(d)/sshd.pid')", mustSucceed: false) }
        let ssh = "ssh -i '\(d)/key' -p \(port) -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
        // sshd writes its pid file once it listens.
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: d + "/sshd.pid") { usleep(50_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: d + "/sshd.pid"), "sshd started: \((try? String(contentsOfFile: d + "/sshd.log", encoding: .utf8)) ?? "")")

        // 1. ssh -t: the workspace, as the counselor of the login, on the installed store. sshd passes on what
        // AcceptEnv allows (here, carelessly, CASELOAD_* and LD_PRELOAD); the wrapper starts the app without it.
        let s = try TmuxSession(command: "exec env CASELOAD_DB=/tmp/other.sqlite LD_PRELOAD=/tmp/nothing.so \(ssh) -o SendEnv=CASELOAD_DB -o SendEnv=LD_PRELOAD -t \(user)@127.0.0.1", width: 80, height: 24)
        session = s
        let home = s.waitFor("Appointments today", timeout: 20)
        XCTAssertTrue(home.contains("Dana Ñúñez"), "the UTF-8 wrapper shows the name whole:\n\(home)")
        try s.press("c")
        s.waitFor("Caseload")
        try s.press("Q")
        s.waitUntil("the SSH session to end") { _ in s.paneIsDead }

        // 2. No shell: any command given to ssh runs the workspace instead (which needs a terminal).
        let command = try sh("\(ssh) \(user)@127.0.0.1 \"cat '\(db)'; /bin/sh -c id\"", mustSucceed: false)
        XCTAssertNotEqual(command.status, 0)
        XCTAssertTrue(command.stderr.contains("The Caseload workspace needs a terminal"), command.stderr)
        XCTAssertFalse(command.stdout.contains("SQLite format 3") || command.stdout.contains("uid="), command.stdout)

        // 3. The same person cannot read the store file or its folder, only reach it through the app.
        let cat = try sh("runuser -u \(user) -- cat '\(db)'", mustSucceed: false)
        XCTAssertNotEqual(cat.status, 0)
        XCTAssertTrue(cat.stderr.contains("Permission denied"), cat.stderr)
        let ls = try sh("runuser -u \(user) -- ls '\(store)'", mustSucceed: false)
        XCTAssertNotEqual(ls.status, 0)
        let list = try sh("runuser -u \(user) -- '\(bin)/caseload' staff list", mustSucceed: false)
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains(user), "the setgid binary reaches the store:\n\(list.stdout)")

        // 4. Installed setgid, nothing the person sets may point the program's group rights elsewhere.
        let refusals: [(String, String)] = [
            ("'\(bin)/caseload' staff list --db /tmp/other.sqlite", "--db is not allowed"),
            ("env CASELOAD_DB=/tmp/other.sqlite '\(bin)/caseload' staff list", "$CASELOAD_DB is not used"),
            ("env CASELOAD_TRACE_FILE=/tmp/t.log '\(bin)/caseload' staff list", "$CASELOAD_TRACE_FILE is not used"),
            ("'\(bin)/caseload' staff list --as \(admin)", "--as is not allowed"),
            ("'\(bin)/caseload' backup --out /tmp/copy.sqlite", "'caseload backup' is for the administrator"),
        ]
        for (command, sentence) in refusals {
            let r = try sh("runuser -u \(user) -- \(command)", mustSucceed: false)
            XCTAssertNotEqual(r.status, 0, command)
            XCTAssertTrue(r.stderr.contains(sentence), "\(command): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/copy.sqlite"))

        // 5. Files the person names are opened with their own rights, never the program's group's.
        // A client of theirs with a consent, so that only the output file decides.
        let admin2 = try SQLiteStore.open(path: db)
        let me = try XCTUnwrap(try admin2.staff(username: user))
        let mine = try admin2.insert(Client(mrn: "DEP-1", legalFirstName: "Ria", legalLastName: "Stone",
                                            dateOfBirth: Day("1990-03-04")!, admissionDate: Day("2025-01-06")!,
                                            phase: "Stabilization", medication: .methadone, doseMg: 60, primaryCounselorID: me.id))
        let today = admin2.clock.today()
        let consent = try admin2.saveConsent(Consent(clientID: mine.id!, discloser: "Riverbend", recipient: "County Probation",
                                                     purpose: "Attendance", informationCovered: "",
                                                     expiresOn: today.adding(days: 200), signedOn: today.adding(days: -1),
                                                     categories: [.attendance]), by: me)
        try admin2.close()
        let before = try FileManager.default.contentsOfDirectory(atPath: store).sorted()
        for out in [db + "-journal", store + "/mine.txt"] {
            let r = try sh("runuser -u \(user) -- '\(bin)/caseload' disclose --client DEP-1 --consent \(consent.id!) --out '\(out)'",
                           mustSucceed: false)
            XCTAssertNotEqual(r.status, 0, "\(out): \(r.stdout)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), out)
        }
        // Sessions bring back the -wal and -shm; nothing else may appear.
        let sessionFiles = ["caseload.sqlite-wal", "caseload.sqlite-shm"]
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store).filter { !sessionFiles.contains($0) }.sorted(),
                       before.filter { !sessionFiles.contains($0) }, "nothing new in the store's folder")
        let ok = try sh("cd '\(d)/home' && runuser -u \(user) -- '\(bin)/caseload' disclose --client DEP-1 --consent \(consent.id!) --out '\(d)/home/probation.txt'",
                        mustSucceed: false)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        var st = stat()
        XCTAssertEqual(stat(d + "/home/probation.txt", &st), 0)
        XCTAssertEqual(st.st_gid, try XCTUnwrap(getpwnam(user)).pointee.pw_gid, "made with the person's own group, not the store's")

        // A file of the store group the person cannot read is not read for them, even by a supervisor's import.
        let supervisor = try Run.caseload(["staff", "set-role", user, "supervisor", "--db", db, "--as", admin])
        XCTAssertEqual(supervisor.status, 0, supervisor.stderr)
        let secret = store + "/secret.csv"
        // Its values are wrong in ways the import's sentences quote, so a read would show them.
        try Data(("mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status,hidden_column\n"
                  + "R9,Hidden,Person,SECRET-4711,2025-01-06,Stabilization,methadone,60,0,\(user),active,x\n").utf8)
            .write(to: URL(fileURLWithPath: secret))
        try sh("chown root:\(storeGroup) '\(secret)' && chmod 0640 '\(secret)'")
        let imported = try sh("runuser -u \(user) -- '\(bin)/caseload' import clients '\(secret)' --dry-run", mustSucceed: false)
        XCTAssertNotEqual(imported.status, 0, imported.stdout)
        for secretWord in ["SECRET-4711", "Hidden", "hidden_column"] {
            XCTAssertFalse((imported.stdout + imported.stderr).contains(secretWord), imported.stdout + imported.stderr)
        }
        // Refusals name the configuration file in use, not one that is not there.
        let env = try sh("runuser -u \(user) -- env XDG_DATA_HOME=/tmp '\(bin)/caseload' staff list", mustSucceed: false)
        XCTAssertTrue(env.stderr.contains(bin + "/caseload.conf") && !env.stderr.contains("/etc/caseload"), env.stderr)
    }

    /// The ForceCommand wrapper docs/deployment.md gives, for a binary at `binary`.
    static func sessionWrapper(binary: String) -> String {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/deployment.md")
        let text = (try? String(contentsOf: docs, encoding: .utf8)) ?? ""
        // The block between the markers in the docs, with the installed path replaced.
        guard let start = text.range(of: "#!/bin/sh\n# caseload-session"),
              let end = text.range(of: "/usr/local/bin/caseload\n", range: start.upperBound..<text.endIndex) else {
            return "docs/deployment.md has no caseload-session wrapper"
        }
        return String(text[start.lowerBound..<end.upperBound]).replacingOccurrences(of: "/usr/local/bin/caseload", with: binary)
    }
}
