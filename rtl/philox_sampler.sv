// ============================================================================================
// philox_sampler: the ecsim chip's Philox4x32-10 sampler
// project: ecsim (docs/spec.md §6, docs/rtl.md)
//
// One request per beat: a 64-bit seed, a 64-bit block index and a mode. The ten Philox rounds
// (spec §6.1, Random123's r123::Philox4x32) are unrolled, one pipeline stage per round, so that
// the unit delivers one whole block (four 32-bit words) per cycle once the pipeline is full.
//   mode 0 (raw):   block(seed, in_stream, index) -> out_words
//   mode 1 (theta): block(seed, 0, index); out_theta[l] = (lane_l >> (16 - Q)) < in_rho[l] for the
//                   8 synapses 8·index .. 8·index + 7 (spec §6.2)
//   mode 2 (vinit): block(seed, 1, index); out_v[k] = word_k >> (32 - F), v(0) of neuron
//                   4·index + k (spec §6.3)
//
// Timing: one block per cycle sustained; latency 10 cycles (a request offered in cycle c is on
// the output in cycle c + 10). Back-pressure: when out_valid is held without out_ready the whole
// pipeline stalls (in_ready = 0), nothing is lost or duplicated. Reset is synchronous, active
// low, and clears every flop.
// ============================================================================================
`default_nettype none

module philox_sampler #(
  parameter int Q = 10,  // q, bits of quantized ρ (docs/spec.md §6.2, arith rho_bits)
  parameter int F = 10   // F, fraction bits of v (docs/spec.md §6.3, arith frac_bits)
) (
  input  wire logic                 clk,
  input  wire logic                 rst_n,

  // requests: one Philox block per beat -----------------------------------------------------
  input  wire logic                 in_valid,
  output      logic                 in_ready,
  input  wire logic [1:0]           in_mode,    // 0 raw, 1 theta, 2 vinit (3 is illegal)
  input  wire logic [63:0]          in_seed,    // key = (seed lo32, seed hi32)
  input  wire logic [31:0]          in_stream,  // counter word 2, mode 0 only (theta: 0, vinit: 1)
  input  wire logic [63:0]          in_index,   // counter words 0 and 1 = (index lo32, index hi32)
  input  wire logic [8*(Q+1)-1:0]   in_rho,     // mode 1: ρ_q of lane l at [l·(Q+1) +: Q+1], ≤ 2^Q

  // results, in request order ------------------------------------------------------------
  output      logic                 out_valid,
  input  wire logic                 out_ready,
  output      logic [1:0]           out_mode,
  output      logic [127:0]         out_words,  // word m at [32m +: 32]; lane l at [16l +: 16]
  output      logic [7:0]           out_theta,  // mode 1: θ of synapse 8·index + l at bit l, else 0
  output      logic [4*F-1:0]       out_v       // mode 2: v(0) of neuron 4·index + k at [k·F +: F], else 0
);

  localparam int NR = 10;          // Philox4x32-10
  localparam int RW = 8 * (Q + 1); // bits of one request's ρ_q
  localparam logic [1:0] kTheta = 2'd1, kVinit = 2'd2;  // else raw (0)

  // Mutation check of the verification campaign (docs/rtl.md): a Verilated model built with
  // -DECSIM_PHILOX_MUTANT=n carries one known bug; the campaign must fail on it. Never set in
  // synthesis or in the real models.
`ifdef ECSIM_PHILOX_MUTANT
  localparam int MUT = `ECSIM_PHILOX_MUTANT;
`else
  localparam int MUT = 0;
`endif
  // 1: 9 rounds, 2: wrong multiplier M0, 3: wrong key bump W1, 4: θ compares with <=,
  // 5: the index's high word is dropped from the counter
  localparam logic [31:0] M0 = MUT == 2 ? 32'hD2511F55 : 32'hD2511F53;
  localparam logic [31:0] M1 = 32'hCD9E8D57;
  localparam logic [31:0] W0 = 32'h9E3779B9;
  localparam logic [31:0] W1 = MUT == 3 ? 32'hBB67AE87 : 32'hBB67AE85;

  initial begin
    if (Q < 1 || Q > 16 || F < 1 || F > 30 || MUT < 0 || MUT > 5) begin
      $error("philox_sampler: need 1 <= Q <= 16 and 1 <= F <= 30 (instance %m)");
      $finish;
    end
  end

  // one Philox round on counter c = {c3, c2, c1, c0} with round key k = {k1, k0}
  function automatic logic [127:0] philox_round(input logic [127:0] c, input logic [63:0] k);
    logic [63:0] p0, p1;
    p0 = {32'b0, M0} * {32'b0, c[31:0]};
    p1 = {32'b0, M1} * {32'b0, c[95:64]};
    philox_round = {p0[31:0], p0[63:32] ^ c[127:96] ^ k[63:32], p1[31:0], p1[63:32] ^ c[63:32] ^ k[31:0]};
  endfunction

  // the pipeline advances when the output register is empty or being taken
  wire logic advance = !out_valid || out_ready;
  assign in_ready = advance;

  // stage r (1 .. NR) holds the state after round r in slice r-1 of these registers
  logic [NR-1:0]       st_valid;
  logic [2*NR-1:0]     st_mode;
  logic [128*NR-1:0]   st_ctr;
  logic [64*(NR-1)-1:0] st_key;  // the key round r used, for rounds 1 .. NR-1
  logic [RW*NR-1:0]    st_rho;

  wire logic [31:0]  stream   = in_mode == kTheta ? 32'd0 : in_mode == kVinit ? 32'd1 : in_stream;
  wire logic [31:0]  index_hi = MUT == 5 ? 32'd0 : in_index[63:32];
  wire logic [127:0] in_ctr   = {32'd0, stream, index_hi, in_index[31:0]};

  for (genvar r = 1; r <= NR; r++) begin : g_round
    logic         prev_valid;
    logic [1:0]   prev_mode;
    logic [127:0] prev_ctr;
    logic [63:0]  key;  // round r's key: the seed, bumped before rounds 2 .. 10
    logic [RW-1:0] prev_rho;
    if (r == 1) begin : g_first
      assign prev_valid = in_valid;
      assign prev_mode  = in_mode;
      assign prev_ctr   = in_ctr;
      assign key        = in_seed;
      assign prev_rho   = in_rho;
    end else begin : g_next
      wire logic [63:0] prev_key = st_key[64*(r-2) +: 64];
      assign prev_valid = st_valid[r-2];
      assign prev_mode  = st_mode[2*(r-2) +: 2];
      assign prev_ctr   = st_ctr[128*(r-2) +: 128];
      assign key        = {prev_key[63:32] + W1, prev_key[31:0] + W0};
      assign prev_rho   = st_rho[RW*(r-2) +: RW];
    end
    wire logic [127:0] next_ctr = (MUT == 1 && r == NR) ? prev_ctr : philox_round(prev_ctr, key);
    always_ff @(posedge clk) begin
      if (!rst_n) begin
        st_valid[r-1]            <= 1'b0;
        st_mode[2*(r-1) +: 2]    <= '0;
        st_ctr[128*(r-1) +: 128] <= '0;
        st_rho[RW*(r-1) +: RW]   <= '0;
      end else if (advance) begin
        st_valid[r-1]            <= prev_valid;
        st_mode[2*(r-1) +: 2]    <= prev_mode;
        st_ctr[128*(r-1) +: 128] <= next_ctr;
        st_rho[RW*(r-1) +: RW]   <= prev_rho;
      end
    end
    if (r < NR) begin : g_key
      always_ff @(posedge clk) begin
        if (!rst_n) st_key[64*(r-1) +: 64] <= '0;
        else if (advance) st_key[64*(r-1) +: 64] <= key;
      end
    end
  end

  assign out_valid = st_valid[NR-1];
  assign out_mode  = st_mode[2*(NR-1) +: 2];
  assign out_words = st_ctr[128*(NR-1) +: 128];

  // θ and v(0) from the output register: a comparator and a shift after the last round
  wire logic [RW-1:0] out_rho = st_rho[RW*(NR-1) +: RW];
  for (genvar l = 0; l < 8; l++) begin : g_theta
    wire logic [Q:0] u   = {1'b0, out_words[16*l + 16-Q +: Q]};  // lane_l >> (16 - Q)
    wire logic [Q:0] rho = out_rho[(Q+1)*l +: Q+1];
    assign out_theta[l] = out_mode == kTheta && (MUT == 4 ? u <= rho : u < rho);
  end
  for (genvar k = 0; k < 4; k++) begin : g_v
    assign out_v[F*k +: F] = out_mode == kVinit ? out_words[32*k + 32-F +: F] : '0;
  end

`ifdef VERILATOR
  // handshake and range invariants (Verilator --assert)
  function automatic logic rho_in_range(input logic [RW-1:0] rho);
    rho_in_range = 1'b1;
    for (int l = 0; l < 8; l++)
      if (rho[(Q+1)*l +: Q+1] > (Q+1)'(1 << Q)) rho_in_range = 1'b0;
  endfunction
  a_mode_legal: assert property (@(posedge clk) disable iff (!rst_n) in_valid |-> in_mode != 2'd3)
    else $error("philox_sampler: in_mode 3 offered");
  a_rho_range: assert property (@(posedge clk) disable iff (!rst_n)
                                in_valid && in_mode == kTheta |-> rho_in_range(in_rho))
    else $error("philox_sampler: a ρ_q above 2^Q offered");
  a_out_held: assert property (@(posedge clk) disable iff (!rst_n)
                               out_valid && !out_ready |=> out_valid && $stable(out_words) && $stable(out_mode))
    else $error("philox_sampler: a result not taken changed");
`endif

endmodule

`default_nettype wire
