#if canImport(Glibc)
import Glibc
#endif

/// Not written yet: prints a note and exits 2.
func odeBench(_ args: [String]) {
    print("weave-bench ode: not implemented yet")
    exit(2)
}
