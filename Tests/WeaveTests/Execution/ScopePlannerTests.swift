import Testing
@testable import Weave

struct ScopePlannerTests {
    @Test func hoistsDeclarationsThatCannotCaptureAndKeepsLinesAndColumns() {
        let code = "import Foundation\nlet n = 3\nstruct P { var x = 1 }; let p = P()\nfunc sq(_ v: Int) -> Int { v * v }\nfunc scaled() -> Int { n * 2 }\nprint(sq(n))"
        let plan = ScopePlanner.plan([code])
        let part = plan.partitions[0]
        #expect(part.fileScope == "import Foundation\n         \nstruct P { var x = 1 }             \nfunc sq(_ v: Int) -> Int { v * v }\n                              \n            ")
        #expect(part.body == "                 \nlet n = 3\n                        let p = P()\n                                  \nfunc scaled() -> Int { n * 2 }\nprint(sq(n))")
        #expect(plan.localNames == ["n", "p", "scaled"])
        #expect(!part.usesAwait)
    }

    @Test func functionsThatReachBlockStateThroughOtherFunctionsStayLocal() {
        // `c` reads `b`, which reads the variable `state` of a later block: both stay local;
        // `a` reads only its parameter and the hoisted `helper`.
        let plan = ScopePlanner.plan([
            "func c() -> Int { b() + 1 }\nfunc a(_ state: Int) -> Int { helper(state) }",
            "func b() -> Int { state }\nfunc helper(_ v: Int) -> Int { v }\nvar state = 0",
        ])
        #expect(plan.partitions[0].fileScope == "                           \nfunc a(_ state: Int) -> Int { helper(state) }")
        #expect(plan.partitions[1].fileScope == "                         \nfunc helper(_ v: Int) -> Int { v }\n             ")
        #expect(plan.localNames == ["state", "b", "c"])
    }

    @Test func membersAndNamesBoundInsideAFunctionAreNotCaptures() {
        // `p.count` is a member, `count` a closure parameter and `total` a local: none is the
        // block variable `count`, so `f` goes to file scope.
        let plan = ScopePlanner.plan(["let count = 2\nfunc f(_ p: [Int]) -> Int { var total = p.count; total += p.map { count in count }.count; return total }"])
        #expect(plan.partitions[0].fileScope?.hasPrefix("             \nfunc f") == true)
    }

    @Test func localItemsLoseAccessModifiersAndGuardBindingsAreLocal() {
        let plan = ScopePlanner.plan(["private let a = 1\nguard let b = Int(\"2\") else { fatalError() }\npublic func g() -> Int { b }"])
        #expect(plan.partitions[0].fileScope == nil)
        #expect(plan.partitions[0].body == "        let a = 1\nguard let b = Int(\"2\") else { fatalError() }\n       func g() -> Int { b }")
        #expect(plan.localNames == ["a", "b", "g"])
    }

    @Test func codeThatDoesNotParseStaysWholeInTheBody() {
        let code = "struct S {\nlet x = \n"
        let plan = ScopePlanner.plan([code])
        #expect(plan.partitions[0] == ScopePlanner.Partition(fileScope: nil, body: code, usesAwait: false))
    }

    @Test func awaitOutsideClosuresMakesTheBodyAsync() {
        let plan = ScopePlanner.plan(["let t = Task { await f() }", "func f() async {}\nawait f()"])
        #expect(!plan.partitions[0].usesAwait)
        #expect(plan.partitions[1].usesAwait)
    }
}
