import Foundation
import FuzzSupport

#if FUZZING
/// The fuzz build's entry point (SwiftPM links an executable's `main` to `<module>_main`).
@_cdecl("FuzzInputExample_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzHarness.runLibFuzzer(argc, argv, body: fuzzOne)
}
#else
/// A normal build replays the files given as arguments.
@main
enum Replay {
    static func main() { exit(FuzzHarness.replay(Array(CommandLine.arguments.dropFirst()), body: fuzzOne)) }
}
#endif
