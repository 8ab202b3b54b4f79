// ============================================================================================
// lif_unit: the ecsim chip's LIF update unit
// project: ecsim (docs/spec.md §5.2 steps 2-7 and §3, docs/rtl.md)
//
// One neuron per beat: from the neuron's popcount difference diff, its input current i_in, its
// own sign (excitatory or not) and its state (v, i_syn, rate) it computes, bit for bit as
// ref::lif_update,
//     i_syn' = sat_W( round_shift(i_syn·α_syn, C) + sat_W(diff·R) )
//     u      = sat_W( i_syn' + i_in )
//     v'     = sat_W( v + round_shift(sat_W(u − v)·β_m, C) );  fired = v' > 2^F;  if fired v' = 0
//     rate'  = sat_Wr( round_shift(rate·α_out, C) + (fired ? ±γ : 0) )
// The widths are parameters; the constants are configuration inputs (a register bank written
// before a run and held while neurons are in flight): R depends on the network's N, and as
// inputs the one design serves every NetworkConstants (docs/rtl.md).
//
// Timing: one neuron per cycle sustained; latency 4 cycles (4 register stages, the output
// register included), as units.lif = {1, 4} of the chip config. Back-pressure: when out_valid
// is held without out_ready the whole pipeline stalls (in_ready = 0) and nothing is lost or
// duplicated. Reset is synchronous, active low, and clears every flop.
// ============================================================================================
`default_nettype none

module lif_unit #(
  parameter int W  = 16,  // state_bits: v, i_syn, i_in (docs/spec.md §3.1)
  parameter int F  = 10,  // frac_bits: the threshold is 2^F
  parameter int WR = 16,  // rate_bits
  parameter int C  = 15,  // const_bits: α_syn, β_m, α_out are unsigned fractions of 2^C
  parameter int DW = 16   // signed width of diff (the popcount core's ACC_W)
) (
  input  wire logic                 clk,
  input  wire logic                 rst_n,

  // configuration, held while any neuron is in flight ------------------------------------------
  input  wire logic [C-1:0]         cfg_alpha_syn,  // α_syn,q, in (0, 2^C)
  input  wire logic [C-1:0]         cfg_beta_m,     // β_m,q, in (0, 2^C)
  input  wire logic [C-1:0]         cfg_alpha_out,  // α_out,q, in (0, 2^C)
  input  wire logic [WR-2:0]        cfg_gamma,      // γ_q, in (0, 2^(WR-1))
  input  wire logic [W-1:0]         cfg_r_h,        // min(R_q, 2^(W-1)), in (0, 2^(W-1)] (exact, docs/rtl.md)

  // input stream: one neuron per beat ------------------------------------------------------------
  input  wire logic                 in_valid,
  output      logic                 in_ready,
  input  wire logic signed [DW-1:0] in_diff,
  input  wire logic signed [W-1:0]  in_i_in,
  input  wire logic                 in_exc,   // 1 = the neuron is excitatory (spike sign +1)
  input  wire logic signed [W-1:0]  in_v,
  input  wire logic signed [W-1:0]  in_i_syn,
  input  wire logic signed [WR-1:0] in_rate,

  // output stream: the new state and the spike ---------------------------------------------------
  output      logic                 out_valid,
  input  wire logic                 out_ready,
  output      logic signed [W-1:0]  out_v,
  output      logic signed [W-1:0]  out_i_syn,
  output      logic signed [WR-1:0] out_rate,
  output      logic                 out_fired
);

  initial begin
    if (W < 4 || W > 32 || F < 1 || F > W - 2 || WR < 4 || WR > 32 || C < 4 || C > 24 || DW < 2 || DW > 32) begin
      $error("lif_unit: need 4 <= W <= 32, 1 <= F <= W-2, 4 <= WR <= 32, 4 <= C <= 24, 2 <= DW <= 32 (instance %m)");
      $finish;
    end
  end

  localparam int PS = W + C + 1;       // i_syn·α_syn and sat(u − v)·β_m
  localparam int PD = DW + W + 1;      // diff·R
  localparam int PR = WR + C + 1;      // rate·α_out
  localparam logic signed [W-1:0]  SMAX  = {1'b0, {(W - 1){1'b1}}};
  localparam logic signed [W-1:0]  SMIN  = {1'b1, {(W - 1){1'b0}}};
  localparam logic signed [WR-1:0] RMAX  = {1'b0, {(WR - 1){1'b1}}};
  localparam logic signed [WR-1:0] RMIN  = {1'b1, {(WR - 1){1'b0}}};
  localparam logic signed [W-1:0]  THETA = W'(1) << F;
  localparam logic [PS-1:0] HALF_S = PS'(1) << (C - 1);  // round half up: + 2^(C-1), then >>> C
  localparam logic [PR-1:0] HALF_R = PR'(1) << (C - 1);

  // the pipeline advances when the output register is empty or being taken
  wire logic advance = !out_valid || out_ready;
  assign in_ready = advance;

  // ---- stage 1: the three products, rounded or saturated back to their widths ----------------
  wire logic signed [PS-1:0] s1_isyn_p = in_i_syn * $signed({1'b0, cfg_alpha_syn});
  wire logic signed [PD-1:0] s1_drh_p  = in_diff * $signed({1'b0, cfg_r_h});
  wire logic signed [PR-1:0] s1_rate_p = in_rate * $signed({1'b0, cfg_alpha_out});
  wire logic signed [PS-1:0] s1_isyn_r = (s1_isyn_p + $signed(HALF_S)) >>> C;
  wire logic signed [PR-1:0] s1_rate_r = (s1_rate_p + $signed(HALF_R)) >>> C;
  // sat_W(diff·R): in range when the bits above the sign bit all equal it
  wire logic s1_drh_hi = !s1_drh_p[PD-1] && (|s1_drh_p[PD-2:W-1]);
  wire logic s1_drh_lo = s1_drh_p[PD-1] && !(&s1_drh_p[PD-2:W-1]);
  wire logic signed [W-1:0] s1_drh = s1_drh_hi ? SMAX : s1_drh_lo ? SMIN : s1_drh_p[W-1:0];

  logic                 S1_valid, S1_exc;
  logic signed [W-1:0]  S1_isyn_dec, S1_drh, S1_i_in, S1_v;  // |round_shift(x·α, C)| <= |x|: W bits hold it
  logic signed [WR-1:0] S1_rate_dec;

  // ---- stage 2: i_syn', u and the saturated operand u − v ------------------------------------
  wire logic signed [W:0] s2_isyn_s = {S1_isyn_dec[W-1], S1_isyn_dec} + {S1_drh[W-1], S1_drh};
  wire logic signed [W-1:0] s2_isyn = s2_isyn_s[W] != s2_isyn_s[W-1] ? (s2_isyn_s[W] ? SMIN : SMAX) : s2_isyn_s[W-1:0];
  wire logic signed [W:0] s2_u_s = {s2_isyn[W-1], s2_isyn} + {S1_i_in[W-1], S1_i_in};
  wire logic signed [W-1:0] s2_u = s2_u_s[W] != s2_u_s[W-1] ? (s2_u_s[W] ? SMIN : SMAX) : s2_u_s[W-1:0];
  wire logic signed [W:0] s2_d_s = {s2_u[W-1], s2_u} - {S1_v[W-1], S1_v};
  wire logic signed [W-1:0] s2_d = s2_d_s[W] != s2_d_s[W-1] ? (s2_d_s[W] ? SMIN : SMAX) : s2_d_s[W-1:0];

  logic                 S2_valid, S2_exc;
  logic signed [W-1:0]  S2_isyn, S2_d, S2_v;
  logic signed [WR-1:0] S2_rate_dec;

  // ---- stage 3: the membrane step round_shift(sat(u − v)·β_m, C) -----------------------------
  wire logic signed [PS-1:0] s3_m_p = S2_d * $signed({1'b0, cfg_beta_m});
  wire logic signed [PS-1:0] s3_m_r = (s3_m_p + $signed(HALF_S)) >>> C;

  logic                 S3_valid, S3_exc;
  logic signed [W-1:0]  S3_isyn, S3_m, S3_v;  // |round_shift(d·β, C)| <= |d|: W bits hold it
  logic signed [WR-1:0] S3_rate_dec;

  // ---- stage 4: v', the threshold, the reset and the rate ------------------------------------
  // v + round_shift(d·β, C) lies between v and u, so this saturation never acts (asserted below);
  // it stays because the spec writes it.
  wire logic signed [W:0] s4_v_s = {S3_v[W-1], S3_v} + {S3_m[W-1], S3_m};
  wire logic signed [W-1:0] s4_v = s4_v_s[W] != s4_v_s[W-1] ? (s4_v_s[W] ? SMIN : SMAX) : s4_v_s[W-1:0];
  wire logic s4_fired = s4_v > THETA;
  wire logic signed [WR:0] s4_gamma = {2'b00, cfg_gamma};
  wire logic signed [WR:0] s4_rate_s = {S3_rate_dec[WR-1], S3_rate_dec} + (!s4_fired ? '0 : S3_exc ? s4_gamma : -s4_gamma);
  wire logic signed [WR-1:0] s4_rate =
      s4_rate_s[WR] != s4_rate_s[WR-1] ? (s4_rate_s[WR] ? RMIN : RMAX) : s4_rate_s[WR-1:0];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      S1_valid    <= 1'b0;
      S1_exc      <= 1'b0;
      S1_isyn_dec <= '0;
      S1_drh      <= '0;
      S1_i_in     <= '0;
      S1_v        <= '0;
      S1_rate_dec <= '0;
      S2_valid    <= 1'b0;
      S2_exc      <= 1'b0;
      S2_isyn     <= '0;
      S2_d        <= '0;
      S2_v        <= '0;
      S2_rate_dec <= '0;
      S3_valid    <= 1'b0;
      S3_exc      <= 1'b0;
      S3_isyn     <= '0;
      S3_m        <= '0;
      S3_v        <= '0;
      S3_rate_dec <= '0;
      out_valid   <= 1'b0;
      out_v       <= '0;
      out_i_syn   <= '0;
      out_rate    <= '0;
      out_fired   <= 1'b0;
    end else if (advance) begin
      S1_valid    <= in_valid;
      S1_exc      <= in_exc;
      S1_isyn_dec <= s1_isyn_r[W-1:0];
      S1_drh      <= s1_drh;
      S1_i_in     <= in_i_in;
      S1_v        <= in_v;
      S1_rate_dec <= s1_rate_r[WR-1:0];
      S2_valid    <= S1_valid;
      S2_exc      <= S1_exc;
      S2_isyn     <= s2_isyn;
      S2_d        <= s2_d;
      S2_v        <= S1_v;
      S2_rate_dec <= S1_rate_dec;
      S3_valid    <= S2_valid;
      S3_exc      <= S2_exc;
      S3_isyn     <= S2_isyn;
      S3_m        <= s3_m_r[W-1:0];
      S3_v        <= S2_v;
      S3_rate_dec <= S2_rate_dec;
      out_valid   <= S3_valid;
      out_v       <= s4_fired ? '0 : s4_v;
      out_i_syn   <= S3_isyn;
      out_rate    <= s4_rate;
      out_fired   <= s4_fired;
    end
  end

`ifdef VERILATOR
  // ---- assertions (checked by the Verilated models, built with --assert) ---------------------
  wire logic busy = in_valid || S1_valid || S2_valid || S3_valid || out_valid;

  // handshake: a held output stays put until it is taken
  a_out_held: assert property (@(posedge clk) disable iff (!rst_n)
      out_valid && !out_ready |=> out_valid && $stable(out_v) && $stable(out_i_syn) && $stable(out_rate) &&
                                  $stable(out_fired));
  // configuration: in range, and held while a neuron is in flight
  a_cfg_range: assert property (@(posedge clk) disable iff (!rst_n)
      busy |-> cfg_alpha_syn != '0 && cfg_beta_m != '0 && cfg_alpha_out != '0 && cfg_gamma != '0 &&
               cfg_r_h != '0 && cfg_r_h <= (W'(1) << (W - 1)));
  a_cfg_held: assert property (@(posedge clk) disable iff (!rst_n)
      busy && $past(busy) |-> $stable(cfg_alpha_syn) && $stable(cfg_beta_m) && $stable(cfg_alpha_out) &&
                              $stable(cfg_gamma) && $stable(cfg_r_h));
  // range invariants: the rounded products fit W (WR) bits, v + step never saturates
  a_isyn_fits: assert property (@(posedge clk) disable iff (!rst_n)
      in_valid |-> s1_isyn_r[PS-1:W-1] == '0 || s1_isyn_r[PS-1:W-1] == '1);
  a_rate_fits: assert property (@(posedge clk) disable iff (!rst_n)
      in_valid |-> s1_rate_r[PR-1:WR-1] == '0 || s1_rate_r[PR-1:WR-1] == '1);
  a_step_fits: assert property (@(posedge clk) disable iff (!rst_n)
      S2_valid |-> s3_m_r[PS-1:W-1] == '0 || s3_m_r[PS-1:W-1] == '1);
  a_v_no_sat: assert property (@(posedge clk) disable iff (!rst_n) S3_valid |-> s4_v_s[W] == s4_v_s[W-1]);
  a_fired_reset: assert property (@(posedge clk) disable iff (!rst_n) out_valid && out_fired |-> out_v == '0);

  // ---- cover points of every saturation and rounding branch (Verilator --coverage, docs/rtl.md)
  wire logic take = in_valid && advance;
  wire logic [C-1:0] half_c = C'(1) << (C - 1);
  c_isyn_tie: cover property (@(posedge clk) take && s1_isyn_p[C-1:0] == half_c);
  c_drh_hi: cover property (@(posedge clk) take && s1_drh_hi);
  c_drh_lo: cover property (@(posedge clk) take && s1_drh_lo);
  c_rate_tie: cover property (@(posedge clk) take && s1_rate_p[C-1:0] == half_c);
  c_isyn_hi: cover property (@(posedge clk) advance && S1_valid && !s2_isyn_s[W] && s2_isyn_s[W-1]);
  c_isyn_lo: cover property (@(posedge clk) advance && S1_valid && s2_isyn_s[W] && !s2_isyn_s[W-1]);
  c_u_hi: cover property (@(posedge clk) advance && S1_valid && !s2_u_s[W] && s2_u_s[W-1]);
  c_u_lo: cover property (@(posedge clk) advance && S1_valid && s2_u_s[W] && !s2_u_s[W-1]);
  c_d_hi: cover property (@(posedge clk) advance && S1_valid && !s2_d_s[W] && s2_d_s[W-1]);
  c_d_lo: cover property (@(posedge clk) advance && S1_valid && s2_d_s[W] && !s2_d_s[W-1]);
  c_m_tie: cover property (@(posedge clk) advance && S2_valid && s3_m_p[C-1:0] == half_c);
  c_v_theta: cover property (@(posedge clk) advance && S3_valid && s4_v == THETA);
  c_v_theta1: cover property (@(posedge clk) advance && S3_valid && s4_v == THETA + 1'b1);
  c_spike_exc: cover property (@(posedge clk) advance && S3_valid && s4_fired && S3_exc);
  c_spike_inh: cover property (@(posedge clk) advance && S3_valid && s4_fired && !S3_exc);
  c_rate_hi: cover property (@(posedge clk) advance && S3_valid && !s4_rate_s[WR] && s4_rate_s[WR-1]);
  c_rate_lo: cover property (@(posedge clk) advance && S3_valid && s4_rate_s[WR] && !s4_rate_s[WR-1]);
`endif

endmodule

`default_nettype wire
