/// Compute: the numerical library that Weave articles use.
///
/// Compute is independent of Weave (Weave never imports it; article programs do).
/// Domains live in folders: `Core/` (matrices, BLAS, random numbers), `Attention/`,
/// `ODE/`, `GAN/`, `Series/`. Every routine documents its formula, edge cases and
/// reference, checks misuse with `precondition`, and is tested against closed forms,
/// identities and independently computed reference values.
public enum ComputeInfo {
    /// Version of the Compute library (bumped when results may change).
    public static let version = "0.1.0"
}
