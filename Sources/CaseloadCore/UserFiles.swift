// Two rules about files (docs/deployment.md, "Files the program opens"):
// - The store is one real file: every path opened as the store is resolved once (symbolic links, `.`, `..`),
//   and that path names its lock and side files. A file a person asks the program to write is refused when
//   it is the store or any file beside it whose name starts with the store's file name.
// - Installed setgid, the program's group opens the store and its side files only: a file a person names
//   (an input, an output, a theme, a passphrase file) is opened with the person's own ids.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum StorePath {
    /// The real file `path` names: symbolic links, `.` and `..` resolved. For a file that does not exist yet,
    /// its folder is resolved and the name kept (a dangling link is followed to where it points). A path
    /// whose folder does not exist comes back as given, for the caller to say so.
    public static func resolve(_ path: String) -> String {
        resolve(path, depth: 0)
    }

    private static func resolve(_ path: String, depth: Int) -> String {
        if let real = realPath(path) { return real }
        let (folder, name) = split(path)
        var st = stat()
        if depth < 16, lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, let target = readLink(path) {
            return resolve(target.hasPrefix("/") ? target : folder + "/" + target, depth: depth + 1)
        }
        guard let realFolder = realPath(folder) else { return path }
        return realFolder == "/" ? "/" + name : realFolder + "/" + name
    }

    /// The folder and the file name of a path ("." for a bare name).
    public static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    /// The files SQLite and Caseload keep beside a store.
    public static let sideSuffixes = ["-wal", "-shm", "-journal", ".lock"]

    /// Whether writing `candidate` could touch the store at `storePath`: the store itself (by any name: a
    /// link, `./`, `..`, a hard link), one of its side files, or any file in the store's real folder whose
    /// name starts with the store's file name (upgrade copies, replaced stores, temporary copies).
    public static func isStoreFile(_ candidate: String, of storePath: String) -> Bool {
        let store = resolve(storePath)
        let target = resolve(candidate)
        let s = split(store), t = split(target)
        if s.folder == t.folder && t.name.hasPrefix(s.name) { return true }
        // Hidden temporary copies are named ".NAME.tmp-…".
        if s.folder == t.folder && t.name.hasPrefix("." + s.name) { return true }
        var a = stat()
        guard stat(target, &a) == 0 else { return false }
        for file in [store] + sideSuffixes.map({ store + $0 }) {
            var b = stat()
            if stat(file, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino { return true }
        }
        return false
    }

    private static let mutex = NSLock()
    nonisolated(unsafe) private static var openedStores: [String] = []

    /// Remembers a store this process opened, so that no file a person names may land on it.
    public static func register(_ storePath: String) {
        let real = resolve(storePath)
        mutex.lock(); defer { mutex.unlock() }
        if !openedStores.contains(real) { openedStores.append(real) }
    }

    /// The store this process opened that `candidate` belongs to, if any.
    public static func openedStore(owning candidate: String) -> String? {
        mutex.lock()
        let stores = openedStores
        mutex.unlock()
        return stores.first { isStoreFile(candidate, of: $0) }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path.isEmpty ? "." : path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

public enum UserFiles {
    /// Held while the ids are the real ones, so two threads never drop and take back the ids across each other
    /// (recursive: a body may open another file the person named).
    private static let mutex = NSRecursiveLock()

    /// Whether the program runs with ids other than the person's own (installed setgid for a program).
    public static var hasGainedIDs: Bool { getegid() != getgid() || geteuid() != getuid() }

    /// Runs `body` with the effective ids set to the real ones (the person's), then takes the gained ones
    /// back. Only around opening a file a person named: every thread of the process runs with the real ids
    /// meanwhile, so the body must be short and must not open the store.
    public static func withRealIDs<T>(_ body: () throws -> T) throws -> T {
        mutex.lock(); defer { mutex.unlock() }
        let savedGID = getegid(), savedUID = geteuid()
        guard savedGID != getgid() || savedUID != getuid() else { return try body() }
        guard setegid(getgid()) == 0 else { throw cannotDrop() }
        if savedUID != getuid() && seteuid(getuid()) != 0 {
            _ = setegid(savedGID)
            throw cannotDrop()
        }
        defer {
            if savedUID != getuid() { _ = seteuid(savedUID) }
            _ = setegid(savedGID)
        }
        return try body()
    }

    private static func cannotDrop() -> CaseloadError {
        .refused("Caseload could not give up its program's rights to open a file you named (\(String(cString: strerror(errno)))); nothing was done.")
    }

    /// A descriptor for reading a file a person named, opened with their own ids; -1 with `errno` set when
    /// it cannot be opened.
    public static func openForReading(_ path: String) -> Int32 {
        var code: Int32 = 0
        let fd = (try? withRealIDs { () -> Int32 in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            code = errno
            return fd
        }) ?? -1
        if fd < 0 { errno = code == 0 ? EPERM : code }
        return fd
    }

    /// The whole of a file a person named (read with their own ids), or nil when it cannot be read.
    public static func contents(atPath path: String, limit: Int = 256 << 20) -> Data? {
        let fd = openForReading(path)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
            if data.count > limit { return nil }
        }
        return data
    }

    /// Whether something exists at a path a person named, as they can see it.
    public static func exists(_ path: String) -> Bool {
        (try? withRealIDs { () -> Bool in
            var st = stat()
            return lstat(path, &st) == 0
        }) ?? false
    }

    /// Opens for writing (mode 0600) a file a person named, with their own ids: a new file when `exclusive`,
    /// else created or truncated. Refused, touching nothing, when the path is the store or one of the files
    /// beside it of a store this process opened (`StorePath.register`) or of `storePath`. Returns -1 with
    /// `errno` set when the system refuses.
    public static func createPrivate(_ path: String, exclusive: Bool, storePath: String? = nil) throws -> Int32 {
        try refuseStoreFile(path, storePath: storePath)
        var code: Int32 = 0
        let fd = try withRealIDs { () -> Int32 in
            let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0o600)
            code = errno
            return fd
        }
        if fd < 0 { errno = code; return fd }
        // An existing file keeps its mode on open; what is written here is PHI, so owner-only either way.
        fchmod(fd, 0o600)
        return fd
    }

    /// Refuses a path for output that is the store or a file beside it named after it, of `storePath` or of a
    /// store this process opened.
    public static func refuseStoreFile(_ path: String, storePath: String? = nil) throws {
        if let store = storePath.flatMap({ StorePath.isStoreFile(path, of: $0) ? StorePath.resolve($0) : nil })
            ?? StorePath.openedStore(owning: path) {
            throw CaseloadError.refused(storeFileRefusal(path, store: store))
        }
    }

    /// The sentence for a file a person named that is the store or beside it with its name.
    public static func storeFileRefusal(_ path: String, store: String) -> String {
        "'\(path)' is the store itself or one of the files Caseload keeps beside it (the store is '\(store)'); give a file elsewhere. Nothing was written."
    }
}
