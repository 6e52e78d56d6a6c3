#if canImport(Glibc)
import Glibc
#endif

/// Not written yet: prints a note and exits 2.
func ganBench(_ args: [String]) {
    print("weave-bench gan: not implemented yet")
    exit(2)
}
