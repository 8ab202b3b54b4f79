// Icarus Verilog testbench: streams vectors.hex through philox_sampler (Q=10, F=10) with input
// bubbles and output stalls, compares every result with expected.hex, prints PASS or FAIL.
`timescale 1ns/1ps
`default_nettype none
module tb_philox_sampler;
  localparam int NMAX = 4096;
  logic clk = 0, rst_n = 0;
  logic in_valid = 0, in_ready, out_valid, out_ready = 0;
  logic [1:0] in_mode = 0, out_mode;
  logic [63:0] in_seed = 0, in_index = 0;
  logic [31:0] in_stream = 0;
  logic [87:0] in_rho = 0;
  logic [127:0] out_words;
  logic [7:0] out_theta;
  logic [39:0] out_v;
  logic [251:0] vec [0:NMAX-1];  // mode (4 bits), seed, stream, index, ρ (88 bits)
  logic [175:0] expd [0:NMAX-1]; // words, θ, v
  logic [3:0] mode4;
  integer w = 0, r = 0, cyc = 0, errors = 0, n = 0;

  philox_sampler #(.Q(10), .F(10)) dut (.*);

  always #5 clk = ~clk;

  initial begin
    $readmemh("vectors.hex", vec);
    $readmemh("expected.hex", expd);
    for (n = 0; n < NMAX && vec[n] !== 'x; n = n + 1) ;
    repeat (2) @(posedge clk);
    rst_n = 1;
  end

  // drive on the falling edge, sample on the rising edge
  always @(negedge clk) if (rst_n) begin
    cyc = cyc + 1;
    in_valid = (w < n) && (cyc % 7 != 3);   // a bubble every 7 cycles
    out_ready = (cyc % 5 != 0);             // a stall every 5 cycles
    if (w < n) begin
      {mode4, in_seed, in_stream, in_index, in_rho} = vec[w];
      in_mode = mode4[1:0];
    end
  end

  always @(posedge clk) if (rst_n) begin
    if (in_valid && in_ready) w <= w + 1;
    if (out_valid && out_ready) begin
      if ({out_words, out_theta, out_v} !== expd[r] || out_mode !== vec[r][249:248]) begin
        errors = errors + 1;
        if (errors < 5) $display("request %0d: got %h %h %h expected %h", r, out_words, out_theta, out_v, expd[r]);
      end
      r = r + 1;
      if (r == n) begin
        if (errors == 0) $display("PASS: %0d requests, %0d cycles", r, cyc);
        else $display("FAIL: %0d of %0d results differ", errors, r);
        $finish;
      end
    end
    if (cyc > 20 * NMAX) begin
      $display("FAIL: timeout after %0d results", r);
      $finish;
    end
  end
endmodule
`default_nettype wire
