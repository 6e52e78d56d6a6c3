"""Reference values for Tests/ComputeTests/Core/RandomTests.swift.

An independent pure-Python implementation of SplitMix64, xoshiro256** (reference C code at
prng.di.unimi.it), the 53-bit uniform and Marsaglia's polar normal, as documented in
Sources/Compute/Core/Random.swift.  Run:  python3 Tests/ComputeTests/Core/reference/rng_refs.py
"""
import math

M = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


class Xoshiro:
    def __init__(self, seed):
        s = []
        st = seed
        for _ in range(4):
            st, z = splitmix64(st)
            s.append(z)
        self.s = s
        self.spare = None

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def jump(self):
        J = [0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C]
        t = [0, 0, 0, 0]
        for j in J:
            for b in range(64):
                if j & (1 << b):
                    t = [t[i] ^ self.s[i] for i in range(4)]
                self.next()
        self.s = t
        self.spare = None

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def normal(self):
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        while True:
            u = 2 * self.uniform() - 1
            v = 2 * self.uniform() - 1
            s = u * u + v * v
            if 0 < s < 1:
                f = math.sqrt(-2 * math.log(s) / s)
                self.spare = v * f
                return u * f


if __name__ == "__main__":
    st = 0
    out = []
    for _ in range(4):
        st, z = splitmix64(st)
        out.append(z)
    print("splitmix64(seed 0):", ", ".join("0x%016x" % z for z in out))
    g = Xoshiro(42)
    print("xoshiro256** seed 42 next():", ", ".join("0x%016x" % g.next() for _ in range(4)))
    g = Xoshiro(42)
    g.jump()
    print("seed 42, stream 1 next():", ", ".join("0x%016x" % g.next() for _ in range(2)))
    g = Xoshiro(7)
    print("seed 7 uniform():", ", ".join(repr(g.uniform()) for _ in range(3)))
    g = Xoshiro(7)
    print("seed 7 normal():", ", ".join(repr(g.normal()) for _ in range(5)))
