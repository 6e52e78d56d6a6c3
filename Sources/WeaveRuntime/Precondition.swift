/// Misuse checks that keep their message in release builds.
///
/// The standard library's `precondition` prints its message only in `-Onone` builds;
/// this module is built with `-O`, and an article author who passes a wrong shape or
/// tolerance must still read why the program stopped. This function shadows
/// `Swift.precondition` inside the module: same call sites, and on failure it stops with
/// `fatalError`, which prints the message in every build ("…: Fatal error: message"),
/// reported by Weave at the article line that made the call.
@_transparent
func precondition(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
                  file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        fatalError(message(), file: file, line: line)
    }
}
