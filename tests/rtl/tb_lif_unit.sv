// Icarus Verilog testbench: streams vectors.hex through lif_unit at the default chip's widths
// (W=16, F=10, WR=16, C=15, DW=16) with the constants of config.hex, with input bubbles and
// output stalls, compares every output with expected.hex, prints PASS or FAIL.
`timescale 1ns/1ps
`default_nettype none
module tb_lif_unit;
  localparam int NMAX = 20000;
  logic clk = 0, rst_n = 0;
  logic in_valid = 0, in_ready, in_exc = 0, out_valid, out_ready = 0, out_fired;
  logic signed [15:0] in_diff = 0, in_i_in = 0, in_v = 0, in_i_syn = 0, in_rate = 0;
  logic signed [15:0] out_v, out_i_syn, out_rate;
  logic [15:0] cfg [0:4];
  logic [14:0] cfg_alpha_syn, cfg_beta_m, cfg_alpha_out, cfg_gamma;
  logic [15:0] cfg_r_h;
  logic [83:0] vec [0:NMAX-1];
  logic [51:0] expd [0:NMAX-1];
  integer w = 0, r = 0, cyc = 0, errors = 0, n = 0, spikes = 0;

  lif_unit #(.W(16), .F(10), .WR(16), .C(15), .DW(16)) dut (.*);

  always #5 clk = ~clk;

  initial begin
    $readmemh("config.hex", cfg);
    $readmemh("vectors.hex", vec);
    $readmemh("expected.hex", expd);
    {cfg_alpha_syn, cfg_beta_m, cfg_alpha_out, cfg_gamma, cfg_r_h} =
        {cfg[0][14:0], cfg[1][14:0], cfg[2][14:0], cfg[3][14:0], cfg[4]};
    for (n = 0; n < NMAX && vec[n] !== 'x; n = n + 1) ;
    repeat (2) @(posedge clk);
    rst_n = 1;
  end

  // drive on the falling edge, sample on the rising edge
  always @(negedge clk) if (rst_n) begin
    cyc = cyc + 1;
    in_valid = (w < n) && (cyc % 5 != 2);  // a bubble every 5 cycles
    out_ready = (cyc % 3 != 0);            // a stall every 3 cycles
    if (w < n) {in_exc, in_diff, in_i_in, in_v, in_i_syn, in_rate} = {vec[w][83:80] != 0, vec[w][79:0]};
  end

  always @(posedge clk) if (rst_n) begin
    if (in_valid && in_ready) w <= w + 1;
    if (out_valid && out_ready) begin
      if ({out_v, out_i_syn, out_rate, 3'b000, out_fired} !== expd[r]) begin
        errors = errors + 1;
        if (errors < 5)
          $display("neuron %0d: got v %0d i_syn %0d rate %0d fired %0d, expected %h", r, out_v, out_i_syn, out_rate,
                   out_fired, expd[r]);
      end
      spikes = spikes + out_fired;
      r = r + 1;
      if (r == n) begin
        if (errors == 0) $display("PASS: %0d neurons, %0d spikes, %0d cycles", r, spikes, cyc);
        else $display("FAIL: %0d of %0d neurons differ", errors, r);
        $finish;
      end
    end
    if (cyc > 10 * NMAX) begin
      $display("FAIL: timeout after %0d neurons", r);
      $finish;
    end
  end
endmodule
`default_nettype wire
