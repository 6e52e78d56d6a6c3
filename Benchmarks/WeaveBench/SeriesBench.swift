#if canImport(Glibc)
import Glibc
#endif

/// Not written yet: prints a note and exits 2.
func seriesBench(_ args: [String]) {
    print("weave-bench series: not implemented yet")
    exit(2)
}
