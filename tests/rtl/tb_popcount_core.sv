// Icarus Verilog testbench: streams vectors.hex through popcount_core (W=64, ACC_W=16) with
// input bubbles and output stalls, compares every sum with expected.hex, prints PASS or FAIL.
`timescale 1ns/1ps
`default_nettype none
module tb_popcount_core;
  localparam int NWORDS_MAX = 20000, NROWS = 2000;
  logic clk = 0, rst_n = 0;
  logic in_valid = 0, in_ready, in_last = 0, out_valid, out_ready = 0;
  logic [63:0] in_syn = 0, in_spk = 0, in_exc = 0;
  logic signed [15:0] out_sum;
  logic [192:0] vec [0:NWORDS_MAX-1];
  logic [15:0] expd [0:NROWS-1];
  integer w = 0, r = 0, cyc = 0, errors = 0, nwords = 0;

  popcount_core #(.W(64), .ACC_W(16)) dut (.*);

  always #5 clk = ~clk;

  initial begin
    $readmemh("vectors.hex", vec);
    $readmemh("expected.hex", expd);
    for (nwords = 0; nwords < NWORDS_MAX && vec[nwords] !== 'x; nwords = nwords + 1) ;
    repeat (2) @(posedge clk);
    rst_n = 1;
  end

  // drive on the falling edge, sample on the rising edge
  always @(negedge clk) if (rst_n) begin
    cyc = cyc + 1;
    in_valid = (w < nwords) && (cyc % 5 != 2);      // a bubble every 5 cycles
    out_ready = (cyc % 3 != 0);                     // a stall every 3 cycles
    if (w < nwords) {in_last, in_syn, in_spk, in_exc} = vec[w];
  end

  always @(posedge clk) if (rst_n) begin
    if (in_valid && in_ready) w <= w + 1;
    if (out_valid && out_ready) begin
      if (out_sum !== expd[r]) begin
        errors = errors + 1;
        if (errors < 5) $display("row %0d: got %0d expected %0d", r, out_sum, $signed(expd[r]));
      end
      r = r + 1;
      if (r == NROWS) begin
        if (errors == 0) $display("PASS: %0d rows, %0d words, %0d cycles", r, nwords, cyc);
        else $display("FAIL: %0d of %0d rows differ", errors, r);
        $finish;
      end
    end
    if (cyc > 10 * NWORDS_MAX) begin
      $display("FAIL: timeout after %0d rows", r);
      $finish;
    end
  end
endmodule
`default_nettype wire
