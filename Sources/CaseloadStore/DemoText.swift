// Word and sentence banks for the synthetic demo program. All names and agencies are made up;
// names deliberately include accents, CJK, Hangul and combining marks so every screen meets them.
import CaseloadCore

enum DemoText {
    /// (as written, ASCII for logins)
    static let firstNames: [(String, String)] = [
        ("Maria", "maria"), ("José", "jose"), ("Zoë", "zoe"), ("Aaliyah", "aaliyah"), ("DeShawn", "deshawn"),
        ("Connor", "connor"), ("Siobhán", "siobhan"), ("Mateo", "mateo"), ("Camila", "camila"), ("Thanh", "thanh"),
        ("Ngọc", "ngoc"), ("Hana", "hana"), ("Yuki", "yuki"), ("Priya", "priya"), ("Arjun", "arjun"),
        ("Fatima", "fatima"), ("Omar", "omar"), ("Ayodele", "ayodele"), ("Chidi", "chidi"), ("Kwame", "kwame"),
        ("Ama", "ama"), ("Tamar", "tamar"), ("Ezra", "ezra"), ("Ingrid", "ingrid"), ("Björn", "bjorn"),
        ("Łucja", "lucja"), ("Dorota", "dorota"), ("Mihai", "mihai"), ("Ioana", "ioana"), ("Renée", "renee"),
        ("François", "francois"), ("Chloé", "chloe"), ("Jürgen", "jurgen"), ("Ana", "ana"), ("Luis", "luis"),
        ("Guadalupe", "guadalupe"), ("Ximena", "ximena"), ("Rosa", "rosa"), ("Kiona", "kiona"), ("Tala", "tala"),
        ("Dakota", "dakota"), ("Wei", "wei"), ("Mei", "mei"), ("Hyun-woo", "hyunwoo"), ("Ji-yeon", "jiyeon"),
        ("Tyrone", "tyrone"), ("Keisha", "keisha"), ("Brandon", "brandon"), ("Ashley", "ashley"),
        ("Jessica", "jessica"), ("Michael", "michael"), ("Christopher", "christopher"), ("Amanda", "amanda"),
        ("Tiffany", "tiffany"), ("Cody", "cody"), ("Dustin", "dustin"), ("Crystal", "crystal"),
        ("Heather", "heather"), ("Travis", "travis"), ("Kayla", "kayla"), ("Samuel", "samuel"), ("Ruth", "ruth"),
        ("Esperanza", "esperanza"), ("Nadia", "nadia"), ("Dmitri", "dmitri"), ("Olga", "olga"), ("Anh", "anh"),
        ("Bao", "bao"), ("Leilani", "leilani"), ("Kai", "kai"), ("Marisol", "marisol"), ("Joaquín", "joaquin"),
        ("Inés", "ines"), ("Søren", "soren"), ("Åsa", "asa"), ("Zoe\u{0308}", "zoe"),
        ("Adébáyọ̀", "adebayo"), ("Raúl", "raul"), ("Noémie", "noemie"), ("Darnell", "darnell"),
        ("Shanice", "shanice"), ("Billy", "billy"), ("Loretta", "loretta"), ("Wade", "wade"), ("Tanya", "tanya"),
    ]

    static let lastNames: [(String, String)] = [
        ("Smith", "smith"), ("Johnson", "johnson"), ("García", "garcia"), ("Martínez", "martinez"),
        ("Ñúñez", "nunez"), ("Nguyễn", "nguyen"), ("Trần", "tran"), ("Kim", "kim"), ("Park", "park"),
        ("Okafor", "okafor"), ("Mensah", "mensah"), ("Haddad", "haddad"), ("Khan", "khan"), ("Patel", "patel"),
        ("Shah", "shah"), ("Cohen", "cohen"), ("Levi", "levi"), ("O'Brien", "obrien"), ("MacLeod", "macleod"),
        ("Kowalski", "kowalski"), ("Wiśniewska", "wisniewska"), ("Dvořák", "dvorak"), ("Müller", "muller"),
        ("Øster", "oster"), ("Johansson", "johansson"), ("Popescu", "popescu"), ("Ivanova", "ivanova"),
        ("Dubois", "dubois"), ("Lefèvre", "lefevre"), ("Rossi", "rossi"), ("Esposito", "esposito"),
        ("Begay", "begay"), ("Yazzie", "yazzie"), ("Tsosie", "tsosie"), ("Kealoha", "kealoha"), ("Silva", "silva"),
        ("Gonçalves", "goncalves"), ("Santos", "santos"), ("Hernández", "hernandez"), ("López", "lopez"),
        ("Pérez", "perez"), ("Rivera", "rivera"), ("Washington", "washington"), ("Jackson", "jackson"),
        ("Brown", "brown"), ("Miller", "miller"), ("Davis", "davis"), ("Wilson", "wilson"), ("Taylor", "taylor"),
        ("Anderson", "anderson"), ("Thomas", "thomas"), ("Moore", "moore"), ("White", "white"),
        ("Harris", "harris"), ("Clark", "clark"), ("Lewis", "lewis"), ("Walker", "walker"), ("Young", "young"),
        ("Allen", "allen"), ("King", "king"), ("Wright", "wright"), ("Scott", "scott"), ("Hill", "hill"),
        ("Green", "green"), ("Baker", "baker"), ("Nelson", "nelson"), ("Carter", "carter"),
        ("Mitchell", "mitchell"), ("Turner", "turner"), ("Campbell", "campbell"), ("Parker", "parker"),
        ("Evans", "evans"), ("Collins", "collins"), ("Morris", "morris"), ("Reed", "reed"), ("Murphy", "murphy"),
        ("Cooper", "cooper"), ("Torres", "torres"), ("Ramírez", "ramirez"), ("Brooks", "brooks"),
        ("Kelly", "kelly"), ("Price", "price"), ("Bennett", "bennett"), ("Flores", "flores"), ("Díaz", "diaz"),
        ("Hayes", "hayes"), ("Jenkins", "jenkins"), ("Coleman", "coleman"), ("Yılmaz", "yilmaz"),
        ("Đặng", "dang"), ("Ó Súilleabháin", "osuilleabhain"),
    ]

    /// Names written in CJK or Hangul: (family name, given name).
    static let eastAsianNames: [(String, String)] = [
        ("王", "小明"), ("李", "娜"), ("陈", "伟"), ("张", "丽"), ("田中", "花子"), ("佐藤", "健"), ("김", "민준"), ("이", "서연"),
    ]

    static let pronouns = ["she/her", "he/him", "they/them", "he/they", "she/they"]

    static let relationships = ["Mother", "Father", "Partner", "Spouse", "Sister", "Brother", "Adult son",
                                "Adult daughter", "Grandmother", "Aunt", "Friend", "Roommate"]
    static let collaterals: [(String, String, String)] = [
        ("Probation officer", "County Probation Department", "Monthly compliance updates, with consent"),
        ("Case worker", "Department of Human Services", "Coordinates benefits and child-welfare plan"),
        ("Sponsor", "", "Supports 12-step participation; attends family session on request"),
        ("Primary-care nurse", "Riverside Community Health", "Coordinates HCV treatment and chronic pain care"),
        ("Housing navigator", "Harbor Light Housing Coalition", "Works on housing application and voucher"),
    ]
    static let familyInvolvement = [
        "Attends family sessions monthly", "Drives client to dosing on weekends", "Supportive; wants education on methadone",
        "Holds the lock box for take-home doses", "Involved in relapse-prevention plan", "Emergency contact only",
        "Co-parent; coordinates childcare around groups", "Attended one family session; ambivalent about treatment",
    ]

    // MARK: Staff

    static let staffCredentials: [StaffRole: [String]] = [
        .counselor: ["LADC", "CADC", "LPC", "CADC-II", "LCSW", "LAC", "CAC-AD", "LMFT"],
        .supervisor: ["LCSW, LADC", "LPC-S, LADC", "LMHC, CCS"],
        .facilitator: ["CPRS", "CADC", "LADC", "CPS"],
        .admin: [""],
    ]

    // MARK: Groups

    struct GroupKind {
        var name: String
        var modality: String
        var topics: [String]
    }
    static let groupKinds: [GroupKind] = [
        GroupKind(name: "Early Recovery", modality: "Group therapy",
                  topics: ["Triggers and cravings", "Building a daily routine", "Sleep in early recovery", "Asking for help"]),
        GroupKind(name: "Relapse Prevention", modality: "Relapse prevention",
                  topics: ["High-risk situations", "Warning signs of relapse", "Refusal skills", "Lapse vs. relapse"]),
        GroupKind(name: "Coping Skills (CBT)", modality: "Cognitive-behavioral therapy",
                  topics: ["Thought records", "Cognitive distortions", "Behavioral activation", "Problem solving"]),
        GroupKind(name: "Making Changes (MI)", modality: "Motivational interviewing",
                  topics: ["Values card sort", "Pros and cons of change", "Confidence ruler", "Change talk"]),
        GroupKind(name: "Women's Recovery Group", modality: "Group therapy",
                  topics: ["Relationships and boundaries", "Parenting in recovery", "Trauma and safety", "Self-care"]),
        GroupKind(name: "Men's Recovery Group", modality: "Group therapy",
                  topics: ["Anger and stress", "Fatherhood", "Work and recovery", "Isolation"]),
        GroupKind(name: "Drug Education", modality: "Drug education",
                  topics: ["How methadone works", "Fentanyl and overdose risk", "Naloxone training", "Mixing substances"]),
        GroupKind(name: "Harm Reduction Circle", modality: "HIV/HCV prevention counseling",
                  topics: ["Safer use and never using alone", "HCV testing and treatment", "Wound care", "PrEP and HIV testing"]),
        GroupKind(name: "Peer Support", modality: "Peer support",
                  topics: ["Recovery stories", "Community resources", "Celebrating milestones", "Stigma"]),
        GroupKind(name: "12-Step Facilitation", modality: "12-step facilitation",
                  topics: ["Step one", "Finding a home group", "Working with a sponsor", "Service"]),
        GroupKind(name: "Grupo de Recuperación", modality: "Group therapy",
                  topics: ["Familia y recuperación", "Manejo del estrés", "Metas personales", "Prevención de recaídas"]),
        GroupKind(name: "Mindfulness in Recovery", modality: "Cognitive-behavioral therapy",
                  topics: ["Urge surfing", "Breathing practice", "Body scan", "Mindful walking"]),
        GroupKind(name: "Employment Readiness", modality: "Case management",
                  topics: ["Résumé building", "Interview practice", "Talking about gaps", "Benefits and work"]),
        GroupKind(name: "Family Education", modality: "Family therapy / family involvement",
                  topics: ["Addiction as a family illness", "Communication skills", "Supporting without enabling", "Take-home safety"]),
    ]
    static let rooms = ["Group Room A", "Group Room B", "Room 104", "Annex 2", "Sala Azul", "Telehealth"]

    static let groupNotes = [
        "Members reviewed the week and set one goal each; discussion stayed on topic.",
        "Psychoeducation followed by skills practice in pairs; members gave each other feedback.",
        "Facilitator led a structured exercise; two members shared for the first time.",
        "Group processed a recent overdose in the community; naloxone kits offered to all.",
        "Members practiced the skill with role-plays and planned when to use it this week.",
        "Quieter session; facilitator used rounds to include everyone.",
    ]
    static let attendanceLines: [AttendanceStatus: [String]] = [
        .present: ["Engaged; shared a recent high-risk situation and how it was handled.",
                   "Participated actively and gave supportive feedback to peers.",
                   "Quiet but attentive; completed the worksheet.",
                   "Shared progress toward a housing goal.",
                   "Reported cravings this week; group helped plan coping steps.",
                   "Practiced refusal skills in role-play.",
                   "Talked about family support and a recent visit."],
        .late: ["Arrived late (dosing line); joined the discussion.", "Late because of the bus; participated once settled."],
        .leftEarly: ["Left early for a medical appointment.", "Left early; said they felt unwell."],
        .absent: ["Did not attend; outreach call placed.", "No-show; counselor notified."],
        .excused: ["Excused: work shift.", "Excused: medical appointment.", "Excused: court date."],
    ]

    // MARK: Treatment plans

    struct ObjectiveSeed { var statement: String; var weeks: Int; var modality: String; var times: Int; var period: FrequencyPeriod }
    struct GoalSeed { var statement: String; var kind: GoalKind; var objectives: [ObjectiveSeed] }
    struct ProblemSeed { var statement: String; var clientWords: String; var goals: [GoalSeed] }

    static let problems: [ProblemSeed] = [
        ProblemSeed(statement: "Opioid use disorder, severe; recent fentanyl use and one overdose in the past year.",
                    clientWords: "I want to stop chasing it every day.",
                    goals: [
                        GoalSeed(statement: "Stop illicit opioid use.", kind: .abstinence, objectives: [
                            ObjectiveSeed(statement: "Negative for fentanyl on 3 consecutive random screens.", weeks: 12,
                                          modality: "Individual counseling", times: 1, period: .week),
                            ObjectiveSeed(statement: "Names 3 triggers and a coping plan for each.", weeks: 6,
                                          modality: "Relapse prevention", times: 1, period: .week)]),
                        GoalSeed(statement: "Reduce overdose risk while any use continues.", kind: .harmReduction, objectives: [
                            ObjectiveSeed(statement: "Carries naloxone and never uses alone, as reported at each session.", weeks: 4,
                                          modality: "HIV/HCV prevention counseling", times: 1, period: .month),
                            ObjectiveSeed(statement: "Uses fentanyl test strips and a safer-use plan if using.", weeks: 4,
                                          modality: "Motivational interviewing", times: 2, period: .month)]),
                    ]),
        ProblemSeed(statement: "Stimulant (methamphetamine) use alongside methadone treatment.",
                    clientWords: "The meth keeps me up for days and then I miss dosing.",
                    goals: [
                        GoalSeed(statement: "Reduce methamphetamine use to no more than one day a week.", kind: .harmReduction, objectives: [
                            ObjectiveSeed(statement: "Tracks use days on a calendar and reviews it weekly.", weeks: 8,
                                          modality: "Cognitive-behavioral therapy", times: 1, period: .week)]),
                        GoalSeed(statement: "Abstain from stimulants.", kind: .abstinence, objectives: [
                            ObjectiveSeed(statement: "Negative for amphetamines on 4 consecutive screens.", weeks: 16,
                                          modality: "Relapse prevention", times: 1, period: .week)]),
                    ]),
        ProblemSeed(statement: "Depressed mood and anxiety (co-occurring) interfere with daily functioning.",
                    clientWords: "Some days I can't get out of bed.",
                    goals: [
                        GoalSeed(statement: "Improve mood and daily functioning.", kind: .mentalHealth, objectives: [
                            ObjectiveSeed(statement: "PHQ-9 score decreases by 5 points from baseline.", weeks: 12,
                                          modality: "Cognitive-behavioral therapy", times: 1, period: .week),
                            ObjectiveSeed(statement: "Completes psychiatric evaluation and follows recommendations.", weeks: 6,
                                          modality: "Case management", times: 2, period: .month)]),
                    ]),
        ProblemSeed(statement: "Unstably housed (shelter and couch-surfing), which disrupts daily dosing.",
                    clientWords: "I need a place that's mine.",
                    goals: [
                        GoalSeed(statement: "Obtain safe, stable housing.", kind: .housing, objectives: [
                            ObjectiveSeed(statement: "Completes a housing application with the case manager.", weeks: 4,
                                          modality: "Case management", times: 1, period: .week),
                            ObjectiveSeed(statement: "Attends every housing appointment in the next 90 days.", weeks: 13,
                                          modality: "Peer support", times: 2, period: .month)]),
                    ]),
        ProblemSeed(statement: "Unemployed for over a year; wants work that fits the dosing schedule.",
                    clientWords: "I want to work again and pay my own way.",
                    goals: [
                        GoalSeed(statement: "Obtain part-time employment or enroll in training.", kind: .employmentEducation, objectives: [
                            ObjectiveSeed(statement: "Completes a résumé and applies to 3 jobs or programs.", weeks: 8,
                                          modality: "Case management", times: 2, period: .month)]),
                    ]),
        ProblemSeed(statement: "Strained family relationships; limited contact with children.",
                    clientWords: "I want my kids to trust me again.",
                    goals: [
                        GoalSeed(statement: "Rebuild trust and regular contact with family.", kind: .family, objectives: [
                            ObjectiveSeed(statement: "Attends 4 family sessions with a chosen family member.", weeks: 16,
                                          modality: "Family therapy / family involvement", times: 1, period: .month),
                            ObjectiveSeed(statement: "Keeps every scheduled visit with the children for 8 weeks.", weeks: 8,
                                          modality: "Individual counseling", times: 1, period: .week)]),
                    ]),
        ProblemSeed(statement: "On probation with open court case; missed appointments risk a violation.",
                    clientWords: "I can't go back to jail.",
                    goals: [
                        GoalSeed(statement: "Meet every condition of probation.", kind: .legal, objectives: [
                            ObjectiveSeed(statement: "Attends all probation and court dates; signs consent for updates.", weeks: 12,
                                          modality: "Case management", times: 1, period: .month)]),
                    ]),
        ProblemSeed(statement: "Hepatitis C positive, untreated; chronic back pain.",
                    clientWords: "I keep putting off the doctor.",
                    goals: [
                        GoalSeed(statement: "Start and complete HCV treatment.", kind: .health, objectives: [
                            ObjectiveSeed(statement: "Keeps the hepatology appointment and starts treatment.", weeks: 8,
                                          modality: "Case management", times: 2, period: .month)]),
                        GoalSeed(statement: "Reduce injection-related risks.", kind: .harmReduction, objectives: [
                            ObjectiveSeed(statement: "Uses new equipment every time, from the syringe services program.", weeks: 4,
                                          modality: "HIV/HCV prevention counseling", times: 1, period: .month)]),
                    ]),
        ProblemSeed(statement: "Alcohol use increases overdose risk with methadone.",
                    clientWords: "A few beers help me sleep.",
                    goals: [
                        GoalSeed(statement: "Drink no more than 2 drinks on any day, no drinking on dosing mornings.", kind: .harmReduction, objectives: [
                            ObjectiveSeed(statement: "Keeps a drinking diary and reviews it in session.", weeks: 6,
                                          modality: "Motivational interviewing", times: 1, period: .week)]),
                    ]),
    ]

    static let planClientWords = [
        "I want to be a better dad.", "Stay clean and keep my job.", "Get my own apartment this year.",
        "Not die. Honestly, that's first.", "Get my license back.", "Feel normal again.", "Quiero estar sano para mi familia.",
        "Come down on my dose someday, slowly.", "Stop using and get my kids back.", "Keep coming, one day at a time.",
    ]
    static let physicians = ["Dr. Amara Okafor, MD", "Dr. Luis Peña, DO", "Dr. Hannah Weiß, MD", "Dr. 陈静, MD"]

    // MARK: Notes (sentences per section; {d} a dose, {n} a number, {s} a substance, {t} a topic)

    static let substances = ["fentanyl", "heroin", "cocaine", "methamphetamine", "alcohol", "cannabis", "benzodiazepines"]
    static let topics = ["housing", "work", "family contact", "sleep", "cravings", "probation", "stress at home",
                         "grief", "the dose", "take-home eligibility", "HCV treatment", "transportation"]

    static let data = [
        "Client reports {n} days without {s} use and stable mood.",
        "Client arrived on time, dosed before session, and talked mainly about {t}.",
        "Client reports a lapse with {s} over the weekend and is open to discussing it.",
        "Client says the {d} mg dose holds for 24 hours with no withdrawal in the mornings.",
        "Client brought up {t} and said it has been the hardest part of the week.",
        "Client reports cravings at 4/10, down from 7/10 last month.",
        "Client appeared tired; says sleep is poor because of {t}.",
        "Client reports attending 2 outside support meetings and calling a sponsor.",
    ]
    static let assessment = [
        "Client is in the action stage for {s} and engaged in treatment.",
        "Progress toward plan goals is steady; ambivalence remains about {t}.",
        "Risk of relapse is moderate given stressors around {t}.",
        "Client is stabilizing on medication; insight is improving.",
        "Mood appears improved; no safety concerns voiced or observed.",
        "Lapse appears situational; client responded well to problem-solving.",
        "Client shows good use of coping skills practiced in group.",
    ]
    static let plan = [
        "Continue weekly individual sessions; next session in 7 days.",
        "Counselor to follow up on {t} referral before next session.",
        "Client will practice the coping plan daily and report back.",
        "Review take-home eligibility with the medical team at next staffing.",
        "Continue group attendance; revisit goals at plan review.",
        "Client agreed to carry naloxone and not use alone.",
        "Schedule a family session with client's consent.",
    ]
    static let subjective = [
        "\"I've been doing better, mostly,\" client said; reports {n} days without {s}.",
        "Client states the dose is holding and cravings are manageable.",
        "Client says {t} is weighing on them and sleep has been poor.",
        "\"I slipped once, but I called someone,\" client said.",
        "Client reports feeling more hopeful since starting group.",
    ]
    static let objective = [
        "Alert and oriented, on time, appropriately dressed; UDS from last week negative except methadone.",
        "Affect congruent, speech normal rate; attended all dosing days this week.",
        "Appeared fatigued; pupils normal; last UDS positive for {s}.",
        "Engaged and made good eye contact; completed the worksheet in session.",
    ]
    static let behavior = [
        "Client arrived on time and engaged readily; discussed {t}.",
        "Client was guarded at first, then talked about a recent lapse with {s}.",
        "Client appeared calm and focused and reported {n} days without use.",
        "Client was tearful when discussing {t}.",
    ]
    static let intervention = [
        "Counselor used motivational interviewing to explore reasons for change.",
        "Counselor reviewed the relapse-prevention plan and high-risk situations.",
        "Counselor taught a thought-record exercise (CBT) and practiced it in session.",
        "Counselor provided case management for {t} and made a warm hand-off.",
        "Counselor provided overdose-prevention education and a naloxone kit.",
        "Counselor reflected progress and affirmed the client's efforts.",
    ]
    static let response = [
        "Client identified two coping strategies and agreed to try them.",
        "Client was receptive and completed the exercise with support.",
        "Client voiced ambivalence but agreed to a small next step.",
        "Client responded well and set a goal for the week around {t}.",
        "Client declined the referral for now; will revisit next session.",
    ]
    static let goal = [
        "Goal: reduce {s} use and stay safer while any use continues.",
        "Goal: obtain stable housing.",
        "Goal: improve mood and daily functioning.",
        "Goal: rebuild contact with family.",
        "Goal: attend dosing daily and keep appointments.",
        "Goal: find part-time work that fits the dosing schedule.",
    ]

    static let noShow = [
        "Client did not attend the scheduled session.",
        "Missed appointment; no call.",
        "Outreach call placed; voicemail left; session rescheduled.",
    ]
    static let phone = [
        "Brief phone check-in; client reports no new concerns.",
        "Client called about {t}; information given.",
        "Phone contact to reschedule; client sounded well.",
    ]

    /// Unusual details, each in a few notes of a large demo: search's "rare term".
    static let rareDetails = [
        "Client asked about hepatitis A and B vaccination; nurse will offer it at dosing.",
        "Client mentioned a dental abscess; referred to the community dentist.",
        "Client's passport renewal is pending for a family trip to Oaxaca.",
        "Client reported a scabies outbreak at the shelter; clinic notified.",
        "Client started a welding apprenticeship two mornings a week.",
        "Client's dog, Biscuit, is named as a reason to stay well.",
        "Client is learning the ukulele as a coping activity.",
        "Client will spend Tết with family and asked about guest dosing.",
        "Client's daughter Zoë starts kindergarten next month.",
        "Client described sleep apnea symptoms; primary care referral made.",
    ]

    static let addenda = [
        "Addendum: session start time corrected; session began 15 minutes later than recorded.",
        "Addendum: client later disclosed additional use; plan updated at next session.",
        "Addendum: referral agency name corrected.",
    ]
    static let screenNotes = ["Temperature out of range; specimen recollected.", "Client disputes result; sent for confirmation.",
                              "Observed collection per policy.", "Specimen dilute; recollect next visit."]

    // MARK: Referrals and consents

    static let agencies: [ReferralType: [String]] = [
        .housing: ["Harbor Light Housing Coalition", "Northside Recovery Residences", "County Coordinated Entry"],
        .vocational: ["Workforce Center – Eastside", "Second Chance Employment Program"],
        .education: ["Adult Basic Education Center", "Riverside Community College"],
        .mentalHealth: ["Lakeview Behavioral Health", "Community Mental Health Center"],
        .medical: ["Riverside Community Health", "St. Brigid's Hepatology Clinic"],
        .psychiatric: ["Lakeview Psychiatry Associates", "County Crisis Services"],
        .legal: ["Legal Aid Society", "Public Defender's Office"],
        .benefits: ["County Human Services (SNAP/Medicaid)", "SSI/SSDI Advocacy Project"],
        .transportation: ["Medical Transportation Line", "Transit Reduced-Fare Program"],
        .peerSupport: ["Recovery Community Organization", "Narcotics Anonymous – Tuesday Home Group"],
        .other: ["Food Shelf – Main Street", "Childcare Assistance Office"],
    ]
    static let referralNotes = [
        "Client agreed to the referral; counselor faxed the release.", "Warm hand-off by phone during session.",
        "Client to call for intake; counselor will follow up.", "Appointment confirmed with the agency.",
        "Client declined for now.", "Client did not attend the intake; rescheduling.",
    ]
    static let consentRecipients: [(String, String, String)] = [
        ("Riverside Community Health (primary care)", "Coordination of medical care", "Medication, dose, drug screen results, diagnosis"),
        ("County Probation Department", "Report attendance and compliance to probation", "Attendance, drug screen results, treatment status"),
        ("Lakeview Behavioral Health", "Coordination of mental-health treatment", "Assessments, treatment plan, progress summary"),
        ("Harbor Light Housing Coalition", "Housing application", "Enrollment in treatment and attendance"),
        ("Blue River Health Plan", "Treatment, payment and health-care operations", "Claims information and treatment summaries"),
    ]
    static let disclosureNotice = PartTwo.notice
    /// The categories a demo consent's "information covered" text names.
    static func consentCategories(_ info: String) -> [DisclosureCategory] {
        let t = info.lowercased()
        var out: [DisclosureCategory] = []
        if t.contains("attendance") || t.contains("enrollment") { out.append(.attendance) }
        if t.contains("drug screen") { out.append(.drugScreens) }
        if t.contains("diagnosis") || t.contains("assessment") { out.append(.problemList) }
        if t.contains("treatment plan") { out.append(.treatmentPlan) }
        if t.contains("summar") || t.contains("status") || t.contains("medication") { out.append(.progressSummaries) }
        if t.contains("enrollment") || t.contains("claims") { out.append(.demographics) }
        return DisclosureCategory.ordered(out)
    }
}
