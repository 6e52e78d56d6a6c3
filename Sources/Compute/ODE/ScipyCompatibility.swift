// One-line settings that reproduce scipy.integrate.solve_ivp's step sequence and `nfev`.
//
// Two defaults differ from scipy on purpose:
// - `.dormandPrince5` uses Hairer's PI controller (beta2 = 0.04; fewer rejected steps on
//   rough problems); scipy's RK45 has no controller memory (`StepSizeController.integral`).
// - `ODEOptions()` keeps the dense output unless `saveat` is given; scipy's default is
//   `dense_output=False`. With DOP853 the dense output costs 3 extra evaluations of f per
//   accepted step (Hairer's CONTD8 stages), which scipy counts in `nfev` only when it builds
//   the interpolant (dense_output=True, or at a located event).

extension ODEMethod {
    /// scipy's `method="RK45"`: Dormand–Prince 5(4) with the memoryless controller
    /// (safety 0.9, factors in [0.2, 10], exponent −1/5): the same accepted/rejected steps and
    /// `nfev` as scipy (checked on Lorenz and the pursuit problem against scipy 1.17.1).
    public static var scipyRK45: ODEMethod { dormandPrince5(controller: .integral) }

    /// scipy's `method="DOP853"`: Hairer's DOP853 with the classical controller — already
    /// the default `.dop853`; named here so an article can say which reference it follows.
    public static var scipyDOP853: ODEMethod { dop853 }
}

extension ODEOptions {
    /// Options that mirror `solve_ivp(…, rtol=rtol, atol=atol, dense_output=denseOutput,
    /// events=…)`: scalar tolerances (scipy's defaults 1e-3 and 1e-6), every accepted step saved
    /// (scipy without `t_eval`), and the dense output only when asked for — so with
    /// `.scipyRK45`/`.scipyDOP853` the `stats.nfev` equals scipy's `nfev`, including DOP853's
    /// 3 extra evaluations per step when `denseOutput` is true.
    /// - Precondition: as `init` (rtol > 0, atol ≥ 0).
    public static func scipy(rtol: Double = 1e-3, atol: Double = 1e-6, denseOutput: Bool = false,
                             events: [ODEEvent] = []) -> ODEOptions {
        ODEOptions(rtol: rtol, atol: atol, saveEveryStep: true, dense: denseOutput, events: events)
    }
}
