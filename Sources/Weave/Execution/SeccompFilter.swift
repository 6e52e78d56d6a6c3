/// The seccomp filter article programs run under (issue 9, tightened in issue 15): a
/// classic BPF program that bubblewrap installs (`--seccomp FD`) before it starts the
/// program, inherited by every process the program starts.
///
/// | system call | action |
/// |---|---|
/// | any call from a foreign ABI (i386 `int 0x80`, `sysenter`) | kill the process (`SECCOMP_RET_KILL_PROCESS`) |
/// | any x32 call (number with bit 30 set) | kill the process |
/// | `socket(AF_UNIX, …)`, and `socket(AF_INET/AF_INET6, SOCK_DGRAM, …)` | allowed (Foundation's run loop wakes itself with local UDP sockets, which `Process` needs; the private network namespace has no route out, so a datagram cannot leave) |
/// | any other `socket(domain, …)` (TCP, raw, packet, netlink) | `SIGSYS` (the runtime reports the article line, then exits 97) |
/// | `clone`/`unshare` with `CLONE_NEWUSER` | fails with `EPERM` (no nested user namespaces) |
/// | `clone3` | fails with `ENOSYS` (its flags are in memory a filter cannot read; glibc then uses `clone`) |
/// | everything else | allowed |
///
/// The foreign-ABI rule is the one every standard filter starts with (Docker's, systemd's,
/// Chromium's): without it a program could reach `socket` through the 32-bit system call
/// table, whose numbers differ and which the other rules do not look at.
enum SeccompFilter {
    /// `AUDIT_ARCH_X86_64`.
    static let archX86_64: UInt32 = 0xC000_003E
    /// x86-64 system call numbers.
    static let socketNr: UInt32 = 41, cloneNr: UInt32 = 56, unshareNr: UInt32 = 272, clone3Nr: UInt32 = 435
    /// `__X32_SYSCALL_BIT`.
    static let x32Bit: UInt32 = 0x4000_0000
    static let afUnix: UInt32 = 1, afInet: UInt32 = 2, afInet6: UInt32 = 10, sockDgram: UInt32 = 2
    static let cloneNewUser: UInt32 = 0x1000_0000

    static let killProcess: UInt32 = 0x8000_0000
    static let trap: UInt32 = 0x0003_0000
    static let allow: UInt32 = 0x7FFF_0000
    static func errno(_ e: UInt32) -> UInt32 { 0x0005_0000 | (e & 0xFFFF) }

    /// One instruction with symbolic jump targets (resolved by `assemble`).
    enum Instruction {
        case load(offset: UInt32)
        case jumpIfEqual(UInt32, then: String, else: String)
        case jumpIfAtLeast(UInt32, then: String, else: String)
        case jumpIfAnyBit(UInt32, then: String, else: String)
        case and(UInt32)
        case ret(UInt32)
        case label(String)
    }

    /// Offsets in `struct seccomp_data`: `nr` (0), `arch` (4), `args[0]` low 32 bits (16),
    /// `args[1]` low 32 bits (24).
    static let program: [Instruction] = [
        .load(offset: 4),
        .jumpIfEqual(archX86_64, then: "native", else: "kill"),
        .label("native"),
        .load(offset: 0),
        .jumpIfAtLeast(x32Bit, then: "kill", else: "nr"),
        .label("nr"),
        .jumpIfEqual(socketNr, then: "socket", else: "notSocket"),
        .label("notSocket"),
        .jumpIfEqual(cloneNr, then: "flags", else: "notClone"),
        .label("notClone"),
        .jumpIfEqual(unshareNr, then: "flags", else: "notUnshare"),
        .label("notUnshare"),
        .jumpIfEqual(clone3Nr, then: "nosys", else: "allow"),
        .label("socket"),
        .load(offset: 16),
        .jumpIfEqual(afUnix, then: "allow", else: "notUnix"),
        .label("notUnix"),
        .jumpIfEqual(afInet, then: "inet", else: "notInet"),
        .label("notInet"),
        .jumpIfEqual(afInet6, then: "inet", else: "trap"),
        .label("inet"),
        .load(offset: 24),  // args[1], the type (with SOCK_CLOEXEC/SOCK_NONBLOCK flags)
        .and(0xF),
        .jumpIfEqual(sockDgram, then: "allow", else: "trap"),
        .label("flags"),
        .load(offset: 16),
        .jumpIfAnyBit(cloneNewUser, then: "eperm", else: "allow"),
        .label("allow"), .ret(allow),
        .label("trap"), .ret(trap),
        .label("eperm"), .ret(errno(1)),
        .label("nosys"), .ret(errno(38)),
        .label("kill"), .ret(killProcess),
    ]

    /// The filter as the bytes of `struct sock_filter[]` (what `bwrap --seccomp` reads).
    static func bytes() -> [UInt8] { assemble(program) }

    /// Encodes instructions; jumps are forward only and must fit in 8 bits (BPF's rule).
    static func assemble(_ instructions: [Instruction]) -> [UInt8] {
        var labels: [String: Int] = [:]
        var pc = 0
        for i in instructions {
            if case .label(let l) = i { labels[l] = pc } else { pc += 1 }
        }
        var out: [UInt8] = []
        func emit(_ code: UInt16, _ jt: UInt8, _ jf: UInt8, _ k: UInt32) {
            withUnsafeBytes(of: code.littleEndian) { out += $0 }
            out.append(jt)
            out.append(jf)
            withUnsafeBytes(of: k.littleEndian) { out += $0 }
        }
        pc = 0
        func offset(_ label: String) -> UInt8 {
            guard let target = labels[label] else { preconditionFailure("seccomp filter: no label \(label)") }
            let d = target - pc - 1
            precondition(d >= 0 && d < 256, "seccomp filter: jump to \(label) out of range")
            return UInt8(d)
        }
        for i in instructions {
            switch i {
            case .label: continue
            case .load(let k): emit(0x20, 0, 0, k)  // BPF_LD | BPF_W | BPF_ABS
            case .jumpIfEqual(let k, let t, let f): emit(0x15, offset(t), offset(f), k)  // BPF_JMP | BPF_JEQ | BPF_K
            case .jumpIfAtLeast(let k, let t, let f): emit(0x35, offset(t), offset(f), k)  // BPF_JGE
            case .jumpIfAnyBit(let k, let t, let f): emit(0x45, offset(t), offset(f), k)  // BPF_JSET
            case .and(let k): emit(0x54, 0, 0, k)  // BPF_ALU | BPF_AND | BPF_K
            case .ret(let k): emit(0x06, 0, 0, k)  // BPF_RET | BPF_K
            }
            pc += 1
        }
        return out
    }

    /// Runs the filter on a system call (for tests): the action it returns.
    static func evaluate(_ filter: [UInt8], nr: UInt32, arch: UInt32 = archX86_64, arg0: UInt64 = 0, arg1: UInt64 = 0) -> UInt32 {
        var data = [UInt8](repeating: 0, count: 64)
        func put(_ v: UInt32, at o: Int) { withUnsafeBytes(of: v.littleEndian) { for (k, b) in $0.enumerated() { data[o + k] = b } } }
        put(nr, at: 0)
        put(arch, at: 4)
        put(UInt32(truncatingIfNeeded: arg0), at: 16)
        put(UInt32(truncatingIfNeeded: arg0 >> 32), at: 20)
        put(UInt32(truncatingIfNeeded: arg1), at: 24)
        put(UInt32(truncatingIfNeeded: arg1 >> 32), at: 28)
        func word(_ o: Int, in bytes: [UInt8]) -> UInt32 {
            UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        }
        var acc: UInt32 = 0
        var pc = 0
        while pc * 8 < filter.count {
            let code = UInt16(filter[pc * 8]) | UInt16(filter[pc * 8 + 1]) << 8
            let jt = Int(filter[pc * 8 + 2]), jf = Int(filter[pc * 8 + 3])
            let k = word(pc * 8 + 4, in: filter)
            switch code {
            case 0x20: acc = word(Int(k), in: data)
            case 0x15: pc += acc == k ? jt : jf
            case 0x35: pc += acc >= k ? jt : jf
            case 0x45: pc += acc & k != 0 ? jt : jf
            case 0x54: acc &= k
            case 0x06: return k
            default: preconditionFailure("seccomp filter: unknown instruction \(code)")
            }
            pc += 1
        }
        preconditionFailure("seccomp filter: fell off the end")
    }
}
