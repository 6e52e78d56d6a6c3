// Compute / ODE — overview (no code in this file).
//
// Solving:  problem + method + options → solution (DifferentialEquations.jl / scipy shape)
//
//     let p = ODEProblem(f: { t, y in [y[1], -y[0]] }, y0: [0, 1], tspan: (0, 10))
//     let sol = solve(p, .dormandPrince5, options: ODEOptions(rtol: 1e-8, atol: 1e-10))
//     sol.retcode          // .success / .terminated / .maxSteps / .stepSizeTooSmall / .nonFinite
//     sol.stats            // nfev, njev, nlu, nsolve, accepted, rejected, nevents
//     sol.t, sol.y[i]      // saved points (every step, or exactly `saveat`)
//     sol(3.7)             // dense output (the method's continuous extension)
//     sol.events           // located events (t, y, index, name, terminal)
//
//   Files: ODEProblem.swift (ODEProblem, ODEMethod, StepSizeController, ODEEvent,
//   ODEOptions), ODESolution.swift (ODESolution, ODEStates, ODEStats, ODEReturnCode),
//   ODESolve.swift (the driver: step control, events, saving), ExplicitRungeKutta.swift
//   (DOPRI5, DOP853, Euler, RK4), Rosenbrock.swift (RODAS4), DenseLU.swift, RootFinding.swift.
//
//   Methods: .euler(dt:), .rk4(dt:) (fixed step, Hermite dense output); .dormandPrince5
//   (5(4), PI control, default); .dormandPrince5(controller: .integral) reproduces scipy's
//   RK45 step for step; .dop853 (8th order, reproduces scipy's DOP853); .rodas4 (stiff,
//   Rosenbrock, finite-difference or analytic Jacobian).
//
// Article problems (Problems/):
//   Pursuit.swift            PursuitProblem (closed form, capture, k = 1 limit), SolarFurnaceMirror
//   CharacteristicFlow.swift ProbabilityPath (μ_t + σ_t x1), FlowPrior, CharacteristicFlow
//                            (conditional/marginal fields and densities, continuity residual,
//                            flow ODEs, density along characteristics)
//   LieSymmetry.swift        PointSymmetry, CanonicalCoordinates, FirstOrderODE (symmetry
//                            condition, reduction, integrating factor), SecondOrderODE
//                            (prolonged condition, y'' = 0's eight generators), LieExamples
