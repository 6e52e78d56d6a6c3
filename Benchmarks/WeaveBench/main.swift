#if canImport(Glibc)
import Glibc
#endif
// weave-bench: benchmark drivers. Each domain lives in its own file and is run by
// the scripts in Benchmarks/ side by side with the reference tool (see README).
//
//   weave-bench attention ARGS…   (AttentionBench.swift)
//   weave-bench ode ARGS…         (ODEBench.swift)
//   weave-bench series ARGS…      (SeriesBench.swift)
//   weave-bench gan ARGS…         (GANBench.swift)
let args = Array(CommandLine.arguments.dropFirst())
guard let domain = args.first else {
    print("usage: weave-bench attention|ode|series|gan ARGS…")
    exit(2)
}
let rest = Array(args.dropFirst())
switch domain {
case "attention": attentionBench(rest)
case "ode": odeBench(rest)
case "series": seriesBench(rest)
case "gan": ganBench(rest)
default:
    print("weave-bench: unknown domain '\(domain)'; expected attention, ode, series or gan")
    exit(2)
}
