// Compute / GAN — overview (no code in this file).
//
// GAN training as a dynamical system (article 1 of CLAIMS.md, kexue.fm/archives/6583;
// Mescheder, Geiger & Nowozin, ICML 2018). State y = (φ, θ): discriminator parameters
// first, then the generator's — the order of the article's start (φ1, φ2, θ1, θ2).
//
//     let gan = DiracGAN(.wganGP(lambda: 0.1, center: 0))            // k = 2, real data at 0
//     gan.vectorField(y)                 // (∇_φ L_D, −∇_θ L_G), derived from the losses
//     gan.vectorFieldFromLosses(y)       // the same by central differences of L_D, L_G
//     let j = gan.jacobianAtEquilibrium()!                            // analytic (nil if v is not differentiable there)
//     Spectrum.eigenvalues(j)!           // −0.1 ± 0.99499i (twice); LAPACK dgeev, 2×2 closed form
//     gan.conservedQuantities(at: y)     // exact invariants of this configuration's flow
//     gan.limitCycle(from: y)            // closed-form limit cycle (vanilla, GAN-QP)
//
//     // continuous gradient flow (ODE solvers of Compute/ODE)
//     let tr = gan.integrateFlow(from: [0.1, 0.2, 0.2, 0.1], duration: 200, sampleInterval: 0.05)
//     let d = tr.states.map(gan.distanceToEquilibrium)
//     TrajectoryMetrics.envelope(times: tr.times, values: tr.component(2))
//     TrajectoryMetrics.oscillationPeriod(times: tr.times, values: tr.component(2))
//     gan.flowProblem(from: y0, tspan: (0, 50))   // an ODEProblem for `solve` directly
//
//     // discrete training
//     var t = GANTraining(gan.field, scheme: .alternating, stepSize: 0.1, start: y0)
//     let run = t.run(iterations: 20_000, saveEvery: 10, emaDecay: 0.999)
//     run.states, run.averages (bias-corrected EMA), run.outcome
//     GANTraining.spectralRadius(jacobian: j, discriminatorCount: 2, scheme: .simultaneous, stepSize: 0.3)
//     GANTraining.simultaneousStabilityLimit(jacobian: j)             // 0.2 here
//     GANTraining.stabilityLimit(jacobian: j, discriminatorCount: 2, scheme: .optimistic, upTo: 5)
//
// Files: DiracGAN.swift (losses, fields, Jacobians, invariants), GameField.swift (any
// two-player field; FD Jacobian), Spectrum.swift (ComplexNumber, eigenvalues, radius),
// Training.swift (UpdateScheme, GANTraining, ExponentialMovingAverage, TrainingRun,
// update matrices and stability limits), GradientFlow.swift (flowProblem, integrateFlow,
// FlowTrajectory), TrajectoryMetrics.swift (distances, envelope, rates, periods).
//
// GAN-QP norm: `.ganQP(lambda:)` divides the quadratic term by ‖x_r − x_f‖ = ‖θ − x_r‖, as the
// GAN-QP loss does (and the post's formula); `.ganQPPhiNorm(lambda:)` reproduces the post
// author's simulation code, which divides by ‖φ‖. The latter is not the gradient of any
// discriminator objective (asymmetric ∂φ'/∂φ). Both conserve φ∧θ and end on the same limit
// cycle (radius √‖φ∧θ‖, period 2π) from the article's start.
