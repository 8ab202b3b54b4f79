// Icarus Verilog testbench: streams vectors.hex (binary digits) through input_stage (D=11, BX=10, W=16, RB=20,
// SHIFT=11) with input bubbles and output stalls, compares every i_in with expected.hex, prints
// PASS or FAIL.
`timescale 1ns/1ps
`default_nettype none
module tb_input_stage;
  localparam int NMAX = 4096;
  logic clk = 0, rst_n = 0;
  logic in_valid = 0, in_ready, out_valid, out_ready = 0;
  logic [109:0] in_x = 0;
  logic [10:0] in_pos = 0, in_neg = 0;
  logic [19:0] in_r_in = 0;
  logic [15:0] out_i_in;
  logic out_sat;
  logic [151:0] vec [0:NMAX-1];
  logic [15:0] expd [0:NMAX-1];
  integer w = 0, r = 0, cyc = 0, errors = 0, n = 0;

  input_stage #(.D(11), .BX(10), .W(16), .RB(20), .SHIFT(11)) dut (.*);

  always #5 clk = ~clk;

  initial begin
    $readmemb("vectors.hex", vec);  // binary digits, under the name icarus_check.sh gives
    $readmemh("expected.hex", expd);
    for (n = 0; n < NMAX && vec[n] !== 'x; n = n + 1) ;
    repeat (2) @(posedge clk);
    rst_n = 1;
  end

  always @(negedge clk) if (rst_n) begin
    cyc = cyc + 1;
    in_valid = (w < n) && (cyc % 7 != 3);   // a bubble every 7 cycles
    out_ready = (cyc % 5 != 0);             // a stall every 5 cycles
    if (w < n) {in_x, in_pos, in_neg, in_r_in} = vec[w];
  end

  always @(posedge clk) if (rst_n) begin
    if (in_valid && in_ready) w <= w + 1;
    if (out_valid && out_ready) begin
      if (out_i_in !== expd[r]) begin
        errors = errors + 1;
        if (errors < 5) $display("beat %0d: got %h expected %h", r, out_i_in, expd[r]);
      end
      r = r + 1;
      if (r == n) begin
        if (errors == 0) $display("PASS: %0d beats, %0d cycles", r, cyc);
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
