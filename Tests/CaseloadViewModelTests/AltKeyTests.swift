// Esc and a key arriving in one read (a fast typist on a slow link) decode as Alt+key: outside a
// text field that must still act as Esc, then the key.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class AltKeyTests: XCTestCase {
    func testAltKeyOutsideAnEditorIsEscapeThenTheKey() throws {
        let app = try DemoStore.app()
        app.press(.alt("c"))
        guard case .caseload = app.current else { return XCTFail("Esc then c should open the caseload, got \(app.current.title)") }
        // On the caseload, Esc then ?: the help overlay opens.
        app.press(.alt("?"))
        XCTAssertNotNil(app.help, "Esc, ? opens the help overlay")
    }
}
