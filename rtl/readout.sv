// ============================================================================================
// readout: the ecsim chip's readout
// project: ecsim (docs/spec.md §4.3, docs/rtl.md)
//
// One neuron j per beat, in neuron order: its rate r_j (WR bits, signed) and its output row
// bits[k] = K_out[j][k] for the DO outputs. The DO sums accumulate in parallel; in_first starts an
// environment step's sums, and the beat with in_last (neuron N−1) hands on the DO actions
//   acc_k = Σ_j r_j·K_out[j][k]                                       (exact)
//   a_q,k = min(max((acc_k·R_out,q + 2^(SHIFT-1)) >>> SHIFT, −2^FA), 2^FA)
// with SHIFT = s_out = F_r + C − F_a.
//
// out_acc carries the DO raw sums acc_k with the actions: a neuron core of a manycore chip holds
// only its own neurons, so it hands on these partial sums and the controller scales their total.
//
// Timing: one neuron per cycle sustained; the actions are on the output the cycle after the last
// beat is taken (latency 1). Back-pressure: in_ready = !out_valid || out_ready (a step's beats wait
// while the previous step's actions are not taken), nothing is lost or duplicated. Reset is
// synchronous, active low, and clears every flop.
// ============================================================================================
`default_nettype none

module readout #(
  parameter int DO    = 3,   // d_out, outputs
  parameter int WR    = 16,  // W_r, bits of a rate
  parameter int NB    = 16,  // the sums hold up to 2^NB neurons
  parameter int RB    = 20,  // bits of the unsigned scale R_out,q
  parameter int FA    = 12,  // F_a, fraction bits of an action
  parameter int SHIFT = 15   // s_out = F_r + C − F_a
) (
  input  wire logic               clk,
  input  wire logic               rst_n,

  input  wire logic               in_valid,
  output      logic               in_ready,
  input  wire logic               in_first,  // neuron 0: the sums start from 0
  input  wire logic               in_last,   // neuron N−1: hand on the actions
  input  wire logic [WR-1:0]      in_rate,   // r_j, two's complement Q.F_r
  input  wire logic [DO-1:0]      in_bits,   // K_out[j][k] at bit k
  input  wire logic [RB-1:0]      in_r_out,  // R_out,q (unsigned, Q.C), held for the step

  output      logic               out_valid,
  input  wire logic               out_ready,
  output      logic [DO*(FA+2)-1:0] out_a,   // a_q,k at [k·(FA+2) +: FA+2], two's complement
  output      logic [DO-1:0]      out_sat,   // bit k: a_q,k was clamped
  output      logic [DO*(WR+NB)-1:0] out_acc // acc_k at [k·(WR+NB) +: WR+NB], two's complement
);

  localparam int AW = WR + NB;       // |acc| <= 2^NB · 2^(WR-1)
  localparam int PW = AW + RB + 1;   // acc·R_out,q, signed
  localparam int OW = FA + 2;        // a_q in [−2^FA, 2^FA]

  // Mutation check of the verification campaign (docs/rtl.md): -DECSIM_READOUT_MUTANT=n builds a
  // model with one known bug; never set in synthesis or in the real models.
`ifdef ECSIM_READOUT_MUTANT
  localparam int MUT = `ECSIM_READOUT_MUTANT;
`else
  localparam int MUT = 0;
`endif
  // 1: the upper clamp at 2^FA − 1 instead of 2^FA, 2: in_first ignored (sums carry over)

  initial begin
    if (DO < 1 || DO > 64 || WR < 4 || WR > 32 || NB < 1 || NB > 17 || RB < 1 || RB > 32 || FA < 1 ||
        FA > 24 || SHIFT < 0 || SHIFT > 56 || SHIFT >= PW || FA + 2 > PW || MUT < 0 || MUT > 2) begin
      $error("readout: need 1 <= DO <= 64, 4 <= WR <= 32, 1 <= NB <= 17, 1 <= RB <= 32, 1 <= FA <= 24, 0 <= SHIFT <= 56 (instance %m)");
      $finish;
    end
  end

  localparam logic signed [PW-1:0] kOne  = PW'(64'sd1 <<< FA);
  localparam logic signed [PW-1:0] kHi   = MUT == 1 ? kOne - PW'(1) : kOne;
  localparam logic signed [PW-1:0] kHalf = SHIFT == 0 ? '0 : PW'(64'sd1 <<< (SHIFT == 0 ? 0 : SHIFT - 1));

  logic [DO*AW-1:0] acc;  // the running sums of this step

  wire logic advance = !out_valid || out_ready;
  assign in_ready = advance;
  wire logic take = in_valid && advance;

  logic [DO*AW-1:0] next_acc;
  logic [DO*OW-1:0] action;
  logic [DO-1:0]    sat;
  for (genvar k = 0; k < DO; k++) begin : g_out
    wire logic signed [AW-1:0] base = (in_first && MUT != 2) ? '0 : $signed(acc[k*AW +: AW]);
    wire logic signed [AW-1:0] sum  = base + (in_bits[k] ? AW'($signed(in_rate)) : '0);
    wire logic signed [PW-1:0] prod = PW'(sum) * $signed({1'b0, in_r_out});
    wire logic signed [PW-1:0] r    = (prod + kHalf) >>> SHIFT;
    wire logic                 hi   = r > kHi;
    wire logic                 lo   = r < -kOne;
    wire logic signed [PW-1:0] a    = hi ? kHi : lo ? -kOne : r;
    assign next_acc[k*AW +: AW] = sum;
    /* verilator lint_off UNUSEDSIGNAL */
    wire logic [PW-1:0] a_bits = a;  // |a| <= 2^FA: the low FA + 2 bits hold it
    /* verilator lint_on UNUSEDSIGNAL */
    assign action[k*OW +: OW]   = a_bits[OW-1:0];
    assign sat[k]               = hi || lo;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      acc       <= '0;
      out_valid <= 1'b0;
      out_a     <= '0;
      out_sat   <= '0;
      out_acc   <= '0;
    end else if (advance) begin
      out_valid <= take && in_last;
      if (take) acc <= next_acc;
      if (take && in_last) begin
        out_a   <= action;
        out_sat <= sat;
        out_acc <= next_acc;
      end
    end
  end

`ifdef VERILATOR
  // handshake and range invariants (Verilator --assert)
  function automatic logic actions_in_range(input logic [DO*OW-1:0] a);
    actions_in_range = 1'b1;
    for (int k = 0; k < DO; k++)
      if ($signed(a[k*OW +: OW]) > $signed(OW'(1 << FA)) || $signed(a[k*OW +: OW]) < -$signed(OW'(1 << FA)))
        actions_in_range = 1'b0;
  endfunction
  a_action_range: assert property (@(posedge clk) disable iff (!rst_n) out_valid |-> actions_in_range(out_a))
    else $error("readout: an action outside [-2^FA, 2^FA]");
  a_out_held: assert property (@(posedge clk) disable iff (!rst_n)
                               out_valid && !out_ready |=> out_valid && $stable(out_a) && $stable(out_sat) && $stable(out_acc))
    else $error("readout: a result not taken changed");
`endif

endmodule

`default_nettype wire
