import XCTest
@testable import MLPackTracking

/// `models:/` and `runs:/` parsing as MLflow's `_parse_model_uri` / `parse_runs_uri`, and which store a
/// tracking URI names.
final class ModelURITests: XCTestCase {
    func testModelsForms() throws {
        XCTAssertEqual(try ModelURI.parse("models:/m-0123456789abcdef0123456789abcdef"), .loggedModel(id: "m-0123456789abcdef0123456789abcdef"))
        XCTAssertEqual(try ModelURI.parse("models:/sim/3"), .version(name: "sim", version: "3"))
        XCTAssertEqual(try ModelURI.parse("models:/sim/latest"), .latest(name: "sim"))
        XCTAssertEqual(try ModelURI.parse("models:/sim/LATEST"), .latest(name: "sim"))
        XCTAssertEqual(try ModelURI.parse("models:/sim/Production"), .stage(name: "sim", stage: "Production"))
        XCTAssertEqual(try ModelURI.parse("models:/sim@champion"), .alias(name: "sim", alias: "champion"))
        XCTAssertEqual(try ModelURI.parse("models:/a@b@c"), .alias(name: "a@b", alias: "c"), "the last @ separates the alias, as rsplit")
        XCTAssertEqual(try ModelURI.parse("runs:/abc/similarity"), .run(id: "abc", path: "similarity"))
        XCTAssertEqual(try ModelURI.parse("runs:/abc/a/b/"), .run(id: "abc", path: "a/b"))
    }

    func testMalformedURIsAreRefusedWithTheForms() {
        for text in ["models:", "models:/", "models:sim/1", "models:/a/b/c", "models:/sim/", "models:/sim@", "models:/ /1",
                     "runs:/", "runs:/abc", "runs:/abc/", "runs://abc/x", "runs:/abc/../x", "models://profile@databricks/sim/1"] {
            XCTAssertThrowsError(try ModelURI.parse(text), text) { error in
                guard case TrackingError.unsupportedURI(let uri, let reason) = error else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(uri, text)
                XCTAssertFalse(reason.isEmpty)
            }
        }
    }

    func testTrackingURIDecidesTheStore() throws {
        XCTAssertEqual(TrackingStores.trackingURI(environment: [:]), "sqlite:///mlflow.db")
        XCTAssertEqual(TrackingStores.trackingURI(environment: ["MLFLOW_TRACKING_URI": "http://h:5000"]), "http://h:5000")
        XCTAssertEqual(TrackingStores.trackingURI(explicit: "sqlite:///x.db", environment: ["MLFLOW_TRACKING_URI": "http://h:5000"]), "sqlite:///x.db")
        XCTAssertEqual(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:///mlflow.db", currentDirectory: "/w"), "/w/mlflow.db")
        XCTAssertEqual(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:////abs/m.db", currentDirectory: "/w"), "/abs/m.db")
        XCTAssertThrowsError(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:///m.db?timeout=5", currentDirectory: "/w"), "query options are refused, not ignored")
        XCTAssertThrowsError(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite://", currentDirectory: "/w"))
        XCTAssertThrowsError(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:///:memory:", currentDirectory: "/w"))
        for refused in ["databricks", "databricks://profile", "file:///tmp/mlruns", "./mlruns", "postgresql://u@h/db"] {
            XCTAssertThrowsError(try TrackingStores.open(uri: refused, environment: [:], currentDirectory: "/w"), refused) { error in
                guard case TrackingError.unsupportedTrackingURI = error else { return XCTFail("\(refused): \(error)") }
            }
        }
    }

    func testUserTagFollowsMLflowsDefaultContext() {
        XCTAssertEqual(ModelLogger.currentUser(["MLFLOW_TRACKING_USERNAME": "svc", "USER": "ann"]), "svc")
        XCTAssertEqual(ModelLogger.currentUser(["LOGNAME": "bob", "USER": "ann"]), "bob")
        XCTAssertEqual(ModelLogger.currentUser(["USERNAME": "cy"]), "cy")
        // Nothing set: the password database, as getpass.getuser().
        let name = String(cString: getpwuid(getuid())!.pointee.pw_name)
        XCTAssertEqual(ModelLogger.currentUser([:]), name)
    }

    func testModelNamesMLflowRefuses() {
        for bad in ["", "a/b", "a:b", "a.b", "a%b", "a\"b", "a'b"] {
            XCTAssertThrowsError(try TrackingIDs.checkModelName(bad), bad)
        }
        XCTAssertNoThrow(try TrackingIDs.checkModelName("similarity-v2_final"))
    }
}
