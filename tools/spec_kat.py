#!/usr/bin/env python3
"""An independent, executable reading of docs/spec.md, in plain Python integers.

It shares no code with the C++ reference model. It prints the known-answer vectors that
docs/spec.md §9 lists and that tests/reference/spec_vectors_test.cpp checks, so anyone can
audit them: `python3 tools/spec_kat.py`.
"""
import math

M32 = 0xFFFFFFFF


def philox4x32_10(ctr, key):
    """Philox4x32-10 (Salmon et al. 2011), spec §6.1."""
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r:
            k0 = (k0 + 0x9E3779B9) & M32
            k1 = (k1 + 0xBB67AE85) & M32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & M32, p1 & M32, ((p0 >> 32) ^ c3 ^ k1) & M32, p0 & M32
    return [c0, c1, c2, c3]


def block(seed, stream, index):
    return philox4x32_10([index & M32, index >> 32, stream, 0], [seed & M32, seed >> 32])


def lane16(b, lane):
    return (b[lane >> 1] >> (16 * (lane & 1))) & 0xFFFF


def round_shift(x, s):
    return x if s == 0 else (x + (1 << (s - 1))) >> s


def sat(x, bits):
    hi, lo = (1 << (bits - 1)) - 1, -(1 << (bits - 1))
    return hi if x > hi else lo if x < lo else x


def q(value, bits):  # round half away from zero, as llround
    v = math.ldexp(value, bits)
    return int(math.floor(v + 0.5)) if v >= 0 else -int(math.floor(-v + 0.5))


class Arith:
    rho_bits, W, F, Wr, Fr, C, Bx, Fx, Fa = 10, 16, 10, 16, 12, 15, 10, 6, 12


def constants(N, d_in, a=Arith, tau_syn=5.0, tau_m=10.0, tau_out=10.0, dt=0.5):
    r_in = 0.1 * tau_m * math.sqrt(2.0 / (0.5 * d_in))
    r_h = 1.0 * tau_m / tau_syn * math.sqrt(2.0 / (0.5 * N))
    r_out = 5.0 * math.sqrt(1.0 / (0.5 * N))
    a_syn, a_m, a_out = math.exp(-dt / tau_syn), math.exp(-dt / tau_m), math.exp(-dt / tau_out)
    return dict(alpha_syn=q(a_syn, a.C), beta_m=q(1 - a_m, a.C), alpha_out=q(a_out, a.C),
                gamma=q((1 - a_out) / dt, a.Fr), r_h=q(r_h, a.F), r_in=q(r_in, a.C), r_out=q(r_out, a.C),
                theta=1 << a.F, in_shift=a.Fx + a.C - a.F, out_shift=a.Fr + a.C - a.Fa)


def sample_theta(N, d_in, d_out, rho_q, seed, a=Arith):
    total = 2 * d_in * N + N * N + N * d_out
    bits = []
    for g in range(total):
        b = block(seed, 0, g >> 3)
        u = lane16(b, g & 7) >> (16 - a.rho_bits)
        bits.append(1 if u < rho_q[g] else 0)
    k_in = [bits[r * N:(r + 1) * N] for r in range(2 * d_in)]
    o = 2 * d_in * N
    k_h = [bits[o + r * N:o + (r + 1) * N] for r in range(N)]
    o += N * N
    k_out = [bits[o + r * d_out:o + (r + 1) * d_out] for r in range(N)]
    return k_in, k_h, k_out


def v0(N, seed, a=Arith):
    return [block(seed, 1, j >> 2)[j & 3] >> (32 - a.F) for j in range(N)]


def quantize_input(x, a=Arith):
    if x != x:
        return 0
    return sat(math.floor(math.ldexp(x, a.Fx) + 0.5), a.Bx)


def run(N, n_exc, d_in, d_out, T, k_in, k_h, k_out, v, obs_trace, a=Arith):
    """Returns per env step (actions a_q, spike raster as lists of neuron indices per inner step)."""
    c = constants(N, d_in, a)
    i_syn, rate, s = [0] * N, [0] * N, [0] * N
    out = []
    for obs in obs_trace:
        xq = [quantize_input(x, a) for x in obs]
        i_in = []
        for j in range(N):
            acc = sum(xq[i] * (k_in[i][j] - k_in[d_in + i][j]) for i in range(d_in))
            i_in.append(sat(round_shift(acc * c['r_in'], c['in_shift']), a.W))
        raster = []
        for t in range(T):
            new_s = [0] * N
            for j in range(N):
                diff = sum(k_h[i][j] * s[i] for i in range(N))  # s is +1 / -1 / 0
                p = sat(diff * c['r_h'], a.W)
                i_syn[j] = sat(round_shift(i_syn[j] * c['alpha_syn'], a.C) + p, a.W)
                u = sat(i_syn[j] + i_in[j], a.W)
                v[j] = sat(v[j] + round_shift(sat(u - v[j], a.W) * c['beta_m'], a.C), a.W)
                fired = v[j] > c['theta']
                if fired:
                    v[j] = 0
                sign = (1 if j < n_exc else -1) if fired else 0
                rate[j] = sat(round_shift(rate[j] * c['alpha_out'], a.C) + sign * c['gamma'], a.Wr)
                new_s[j] = sign
            s = new_s
            raster.append([j for j in range(N) if s[j]])
        one = 1 << a.Fa
        act = []
        for k in range(d_out):
            acc = sum(rate[j] * k_out[j][k] for j in range(N))
            aq = round_shift(acc * c['r_out'], c['out_shift'])
            act.append(max(-one, min(one, aq)))
        out.append((act, raster))
    return out


def main():
    print("Philox4x32-10 block(seed=0, stream=0, index=0):", ["%08x" % w for w in block(0, 0, 0)])
    print("Philox4x32-10 block(seed=0x0123456789abcdef, stream=1, index=5):",
          ["%08x" % w for w in block(0x0123456789ABCDEF, 1, 5)])
    print("default constants N=256 d_in=11:", constants(256, 11))

    # KAT 1: a hand-checkable 4-neuron network, fixed θ, v(0) = [1000, 990, 1020, 0]
    N, n_exc, d_in, d_out, T = 4, 2, 1, 1, 8
    k_in = [[1, 1, 0, 0], [0, 0, 1, 0]]  # +x feeds n0, n1; -x feeds n2
    k_h = [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]]  # 0->1 (E), 2->3 (I), 3->0 (I)
    k_out = [[1], [1], [0], [1]]
    res = run(N, n_exc, d_in, d_out, T, k_in, k_h, k_out, [1000, 990, 1020, 0], [[0.9], [0.75], [-0.6]])
    print("KAT1 constants N=4 d_in=1:", constants(N, d_in))
    for e, (act, raster) in enumerate(res):
        print("KAT1 env step", e, "a_q", act, "raster", raster)

    # KAT 2: sampled θ from ρ = 0.5 and seed 7, v0 from seed 7, N=8 (4 E), d_in=2, d_out=2, T=4
    N, n_exc, d_in, d_out, T = 8, 4, 2, 2, 6
    total = 2 * d_in * N + N * N + N * d_out
    rho_q = [512] * total
    k_in, k_h, k_out = sample_theta(N, d_in, d_out, rho_q, 7)
    bits = [b for row in k_in + k_h + k_out for b in row]
    print("KAT2 theta ones", sum(bits), "first 32 bits", "".join(map(str, bits[:32])))
    vv = v0(N, 7)
    print("KAT2 v0", vv)
    res = run(N, n_exc, d_in, d_out, T, k_in, k_h, k_out, vv, [[4.0, -3.0], [5.0, 4.0], [-4.0, 3.0]])
    for e, (act, raster) in enumerate(res):
        print("KAT2 env step", e, "a_q", act, "raster", raster)


if __name__ == "__main__":
    main()
