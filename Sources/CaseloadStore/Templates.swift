// The program's treatment-plan templates, managed by administrators (issue 6: "an administrator manages staff,
// settings and templates"): listed and shown to anyone (they hold no client's data), saved and removed by an
// administrator, each change audited. A template is checked whole before it is stored, with a sentence that
// names the place in the JSON that is wrong, so a plan started from it can never fail half-way.
import CaseloadCore
import Foundation
import GRDB

public struct TemplateSummary: Hashable, Sendable {
    public var name: String
    public var problems: Int
    public var goals: Int
    public var objectives: Int
    public var interventions: Int
}

extension SQLiteStore {
    public static let maxTemplateBytes = 256 * 1024

    public func templateSummaries() throws -> [TemplateSummary] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, body FROM plan_templates ORDER BY name, id").map { r in
                Self.summary(r[0], try Self.decodeTemplate(r[1], name: r[0]))
            }
        }
    }

    /// The template's JSON as stored, pretty-printed (keys sorted) to edit and save again.
    public func templateJSON(named name: String) throws -> String {
        guard let body = try read({ db in
            try String.fetchOne(db, sql: "SELECT body FROM plan_templates WHERE name = ?", arguments: [name])
        }) else { throw CaseloadError.notFound(what: "A plan template called '\(StaffValidation.printable(name))'") }
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Adds a template, or with `replace` changes the one of that name. Administrators only.
    @discardableResult
    public func saveTemplate(name raw: String, json: String, replace: Bool, by admin: Staff, detail: String? = nil) throws -> TemplateSummary {
        let name = raw.trimmingWhitespace()
        try requireAdministrator(admin, what: "plan template \(StaffValidation.printable(name))", doing: "change the plan templates")
        guard !name.isEmpty else { throw CaseloadError.invalidInput("Give the template a name.") }
        guard !StaffValidation.hasControlCharacters(name), name.count <= 100 else {
            throw CaseloadError.invalidInput("A template's name is plain text of at most 100 characters.")
        }
        guard json.utf8.count <= Self.maxTemplateBytes else {
            throw CaseloadError.invalidInput("The template is \(json.utf8.count / 1024) KiB; at most \(Self.maxTemplateBytes / 1024) KiB.")
        }
        let template = try Self.checkTemplate(json, modalities: Set(try modalities().filter(\.active).map(\.name)))
        // Stored compact and canonical (what `show` prints back, pretty).
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                          as: UTF8.self)
        let existed = try write { db -> Bool in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM plan_templates WHERE name = ?", arguments: [name]) == true
            if exists && !replace {
                throw CaseloadError.invalidInput("A plan template called '\(name)' exists: give --replace to change it.")
            }
            if exists {
                try db.execute(sql: "UPDATE plan_templates SET body = ? WHERE name = ?", arguments: [body, name])
            } else {
                try db.execute(sql: "INSERT INTO plan_templates (name, body) VALUES (?, ?)", arguments: [name, body])
            }
            return exists
        }
        let summary = Self.summary(name, template)
        try record(existed ? .update : .create, by: admin, clientID: nil, subject: "template:\(name)",
                   detail: detail ?? "\(existed ? "changed" : "added") the plan template '\(name)' (\(summary.problems) problems, \(summary.goals) goals)")
        return summary
    }

    /// Removes a template; plans started from it keep their copy. Administrators only.
    public func removeTemplate(name: String, by admin: Staff, detail: String? = nil) throws {
        try requireAdministrator(admin, what: "plan template \(StaffValidation.printable(name))", doing: "change the plan templates")
        let removed = try write { db -> Bool in
            try db.execute(sql: "DELETE FROM plan_templates WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
        guard removed else { throw CaseloadError.notFound(what: "A plan template called '\(StaffValidation.printable(name))'") }
        try record(.update, by: admin, clientID: nil, subject: "template:\(name)",
                   detail: detail ?? "removed the plan template '\(name)'")
    }

    static func summary(_ name: String, _ t: TemplateBody) -> TemplateSummary {
        let goals = t.problems.flatMap { $0.goals ?? [] }
        let objectives = goals.flatMap { $0.objectives ?? [] }
        return TemplateSummary(name: name, problems: t.problems.count, goals: goals.count, objectives: objectives.count,
                               interventions: objectives.reduce(0) { $0 + ($1.interventions ?? []).count })
    }

    static func decodeTemplate(_ json: String, name: String) throws -> TemplateBody {
        do { return try JSONDecoder().decode(TemplateBody.self, from: Data(json.utf8)) }
        catch { throw BadStoredValue(column: "plan_templates.body of '\(name)'", value: String(json.prefix(60))) }
    }

    /// The whole template checked, or the first problem as a sentence naming its place ("problems[0].goals[1].kind").
    static func checkTemplate(_ json: String, modalities: Set<String>) throws -> TemplateBody {
        let t: TemplateBody
        do {
            t = try JSONDecoder().decode(TemplateBody.self, from: Data(json.utf8))
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw CaseloadError.invalidInput("The template is not valid JSON (\(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription)).")
        } catch let e as DecodingError {
            throw CaseloadError.invalidInput("The template does not have the expected shape: \(describe(e)).")
        }
        func bad(_ path: String, _ sentence: String) -> CaseloadError { .invalidInput("\(path): \(sentence)") }
        func text(_ s: String, _ path: String, max: Int = 500) throws {
            let v = s.trimmingWhitespace()
            if v.isEmpty { throw bad(path, "the statement is empty.") }
            if v.count > max { throw bad(path, "\(v.count) characters; at most \(max).") }
            if StaffValidation.hasControlCharacters(v) { throw bad(path, "control characters; write it as plain text.") }
        }
        guard !t.problems.isEmpty else { throw bad("problems", "a template needs at least one problem.") }
        for (pi, p) in t.problems.enumerated() {
            let pp = "problems[\(pi)]"
            try text(p.statement, "\(pp).statement")
            if let w = p.clientWords, w.count > 2000 { throw bad("\(pp).clientWords", "\(w.count) characters; at most 2000.") }
            for (gi, g) in (p.goals ?? []).enumerated() {
                let gp = "\(pp).goals[\(gi)]"
                try text(g.statement, "\(gp).statement")
                if let k = g.kind, GoalKind(rawValue: k) == nil {
                    throw bad("\(gp).kind", "'\(k)' is not a goal kind; use one of \(GoalKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                for (oi, o) in (g.objectives ?? []).enumerated() {
                    let op = "\(gp).objectives[\(oi)]"
                    try text(o.statement, "\(op).statement")
                    if let w = o.weeks, !(1...520).contains(w) { throw bad("\(op).weeks", "\(w) is not a number of weeks from 1 to 520.") }
                    for (ii, i) in (o.interventions ?? []).enumerated() {
                        let ip = "\(op).interventions[\(ii)]"
                        guard modalities.contains(i.modality) else {
                            throw bad("\(ip).modality", "the program offers no modality '\(StaffValidation.printable(i.modality))'; use one of \(modalities.sorted().joined(separator: ", ")).")
                        }
                        if let n = i.timesPerPeriod, !(1...99).contains(n) { throw bad("\(ip).timesPerPeriod", "\(n) is not from 1 to 99.") }
                        if let per = i.period, FrequencyPeriod(rawValue: per) == nil {
                            throw bad("\(ip).period", "'\(per)' is not a period; use week or month.")
                        }
                        if let d = i.detail, d.count > 500 { throw bad("\(ip).detail", "\(d.count) characters; at most 500.") }
                    }
                }
            }
        }
        return t
    }

    private static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c.codingPath)) has the wrong kind of value"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}
