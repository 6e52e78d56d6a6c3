import Testing
@testable import Weave

/// The seccomp filter's decisions (issue 15, item 3), run through a BPF interpreter on
/// the filter's bytes: the encoding and every rule of the table in `SeccompFilter`.
struct SeccompFilterTests {
    let filter = SeccompFilter.bytes()

    @Test func foreignABIsAreKilled() {
        // AUDIT_ARCH_I386 (int 0x80), and an unknown architecture.
        #expect(SeccompFilter.evaluate(filter, nr: 359, arch: 0x4000_0003) == SeccompFilter.killProcess)
        #expect(SeccompFilter.evaluate(filter, nr: 0, arch: 0) == SeccompFilter.killProcess)
        // x32: the system call number carries bit 30.
        #expect(SeccompFilter.evaluate(filter, nr: 0x4000_0000 | 41, arg0: 2) == SeccompFilter.killProcess)
        #expect(SeccompFilter.evaluate(filter, nr: 0x4000_0000) == SeccompFilter.killProcess)
    }

    @Test func networkSocketsTrapAndUnixSocketsPass() {
        for domain: UInt64 in [2, 10, 16, 17] {  // AF_INET, AF_INET6, AF_NETLINK, AF_PACKET
            #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: domain, arg1: 1) == SeccompFilter.trap)  // SOCK_STREAM
            #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: domain, arg1: 3) == SeccompFilter.trap)  // SOCK_RAW
        }
        // Local datagram sockets (Foundation's run loop), with or without SOCK_CLOEXEC.
        #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: 2, arg1: 2) == SeccompFilter.allow)
        #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: 10, arg1: 2 | 0x80000) == SeccompFilter.allow)
        #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: 16, arg1: 2) == SeccompFilter.trap)  // netlink datagrams
        #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: 2, arg1: 1 | 0x800) == SeccompFilter.trap)
        #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: 1) == SeccompFilter.allow)
        // The high half of the argument is not part of the domain.
        #expect(SeccompFilter.evaluate(filter, nr: 41, arg0: 1 | (1 << 32)) == SeccompFilter.allow)
    }

    @Test func userNamespacesAreRefusedOtherClonesPass() {
        let eperm = SeccompFilter.errno(1)
        #expect(SeccompFilter.evaluate(filter, nr: 272, arg0: 0x1000_0000) == eperm)             // unshare(CLONE_NEWUSER)
        #expect(SeccompFilter.evaluate(filter, nr: 272, arg0: 0x1000_0000 | 0x2000_0000) == eperm)
        #expect(SeccompFilter.evaluate(filter, nr: 56, arg0: 0x1000_0000 | 0x11) == eperm)       // clone(CLONE_NEWUSER|SIGCHLD)
        #expect(SeccompFilter.evaluate(filter, nr: 56, arg0: 0x003D_0F00) == SeccompFilter.allow) // pthread_create's flags
        #expect(SeccompFilter.evaluate(filter, nr: 272, arg0: 0x0000_0200) == SeccompFilter.allow) // unshare(CLONE_FILES)
        #expect(SeccompFilter.evaluate(filter, nr: 435) == SeccompFilter.errno(38))               // clone3: ENOSYS
    }

    @Test func everythingElseIsAllowed() {
        for nr: UInt32 in [0, 1, 2, 9, 57, 59, 60, 231, 334] {
            #expect(SeccompFilter.evaluate(filter, nr: nr) == SeccompFilter.allow)
        }
    }

    @Test func encodingIsEightBytesPerInstruction() {
        let instructions = SeccompFilter.program.filter { if case .label = $0 { return false } else { return true } }
        #expect(filter.count == 8 * instructions.count)
        // The first instruction loads the architecture: BPF_LD|BPF_W|BPF_ABS, k = 4.
        #expect(Array(filter[0..<8]) == [0x20, 0, 0, 0, 4, 0, 0, 0])
    }
}
