// ============================================================================================
// input_stage: the ecsim chip's input projection
// project: ecsim (docs/spec.md §4.2, docs/rtl.md)
//
// One neuron j per beat: the quantized observation x_q (D values of BX bits, held by the caller
// for the N beats of an environment step), the neuron's two 1-bit input columns
// pos[i] = K_in[i][j] and neg[i] = K_in[D+i][j], and the scale R_in,q. The D signed adds run in
// parallel, then one multiply, the round-half-up shift and the W-bit saturation:
//   acc  = Σ_i x_q[i]·(pos[i] − neg[i])                      (exact)
//   i_in = sat_W( (acc·R_in,q + 2^(SHIFT-1)) >>> SHIFT )      (SHIFT = F_x + C − F)
//
// Timing: one neuron per cycle sustained; latency 1 cycle (a beat taken in cycle c is on the
// output in cycle c + 1). Back-pressure: in_ready = !out_valid || out_ready, nothing is lost or
// duplicated. Reset is synchronous, active low, and clears every flop.
// ============================================================================================
`default_nettype none

module input_stage #(
  parameter int D     = 11,  // d_in, inputs per neuron
  parameter int BX    = 10,  // B_x, bits of a quantized observation
  parameter int W     = 16,  // W, bits of i_in
  parameter int RB    = 20,  // bits of the unsigned scale R_in,q
  parameter int SHIFT = 11   // s_in = F_x + C − F
) (
  input  wire logic            clk,
  input  wire logic            rst_n,

  input  wire logic            in_valid,
  output      logic            in_ready,
  input  wire logic [D*BX-1:0] in_x,     // x_q[i] at [i·BX +: BX], two's complement
  input  wire logic [D-1:0]    in_pos,   // K_in[i][j]: neuron j sees +x_q[i]
  input  wire logic [D-1:0]    in_neg,   // K_in[D+i][j]: neuron j sees −x_q[i]
  input  wire logic [RB-1:0]   in_r_in,  // R_in,q (unsigned, Q.C)

  output      logic            out_valid,
  input  wire logic            out_ready,
  output      logic [W-1:0]    out_i_in, // i_in_j, two's complement Q.F
  output      logic            out_sat   // the result was clamped (for the coverage counts)
);

  // |acc| <= D·2^(BX-1): BX + clog2(D) + 1 bits hold it signed
  localparam int AW = BX + $clog2(D + 1) + 1;
  localparam int PW = AW + RB + 1;  // acc·R_in,q, signed

  // Mutation check of the verification campaign (docs/rtl.md): a Verilated model built with
  // -DECSIM_INPUT_MUTANT=n carries one known bug; the campaign must fail on it. Never set in
  // synthesis or in the real models.
`ifdef ECSIM_INPUT_MUTANT
  localparam int MUT = `ECSIM_INPUT_MUTANT;
`else
  localparam int MUT = 0;
`endif
  // 1: truncation instead of round half up, 2: the −x rows ignored

  initial begin
    if (D < 1 || D > 1024 || BX < 2 || BX > 24 || W < 4 || W > 32 || RB < 1 || RB > 32 || SHIFT < 0 ||
        SHIFT > 48 || SHIFT >= PW || MUT < 0 || MUT > 2) begin
      $error("input_stage: need 1 <= D <= 1024, 2 <= BX <= 24, 4 <= W <= 32, 1 <= RB <= 32, 0 <= SHIFT <= 48 (instance %m)");
      $finish;
    end
  end

  // the signed sum of ±x_q over the selected rows (pos and neg both set: the terms cancel)
  function automatic logic signed [AW-1:0] project(input logic [D*BX-1:0] x, input logic [D-1:0] pos,
                                                   input logic [D-1:0] neg);
    logic signed [AW-1:0] acc;
    logic signed [AW-1:0] xi;
    acc = '0;
    for (int i = 0; i < D; i++) begin
      xi = AW'($signed(x[i*BX +: BX]));
      if (pos[i]) acc = acc + xi;
      if (neg[i] && MUT != 2) acc = acc - xi;
    end
    project = acc;
  endfunction

  localparam logic signed [PW-1:0] kMax = PW'((64'sd1 <<< (W - 1)) - 64'sd1);
  localparam logic signed [PW-1:0] kMin = -PW'(64'sd1 <<< (W - 1));
  localparam logic signed [PW-1:0] kHalf = SHIFT == 0 || MUT == 1 ? '0 : PW'(64'sd1 <<< (SHIFT == 0 ? 0 : SHIFT - 1));

  wire logic signed [AW-1:0] acc     = project(in_x, in_pos, in_neg);
  wire logic signed [PW-1:0] prod    = PW'(acc) * $signed({1'b0, in_r_in});
  wire logic signed [PW-1:0] rounded = (prod + kHalf) >>> SHIFT;
  wire logic                 hi      = rounded > kMax;
  wire logic                 lo      = rounded < kMin;
  wire logic [W-1:0]         i_in    = hi ? kMax[W-1:0] : lo ? kMin[W-1:0] : rounded[W-1:0];

  wire logic advance = !out_valid || out_ready;
  assign in_ready = advance;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_valid <= 1'b0;
      out_i_in  <= '0;
      out_sat   <= 1'b0;
    end else if (advance) begin
      out_valid <= in_valid;
      if (in_valid) begin
        out_i_in <= i_in;
        out_sat  <= hi || lo;
      end
    end
  end

`ifdef VERILATOR
  // handshake and range invariants (Verilator --assert)
  a_sat_one_side: assert property (@(posedge clk) disable iff (!rst_n) !(hi && lo))
    else $error("input_stage: both saturation bounds hit");
  a_acc_range: assert property (@(posedge clk) disable iff (!rst_n)
                                in_valid |-> (acc <= AW'(D * (1 << (BX - 1))) && acc >= -AW'(D * (1 << (BX - 1)))))
    else $error("input_stage: the input sum left its range");
  a_out_held: assert property (@(posedge clk) disable iff (!rst_n)
                               out_valid && !out_ready |=> out_valid && $stable(out_i_in) && $stable(out_sat))
    else $error("input_stage: a result not taken changed");
`endif

endmodule

`default_nettype wire
