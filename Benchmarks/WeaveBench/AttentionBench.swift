#if canImport(Glibc)
import Glibc
#endif

/// Not written yet: prints a note and exits 2.
func attentionBench(_ args: [String]) {
    print("weave-bench attention: not implemented yet")
    exit(2)
}
