// Icarus Verilog testbench: streams vectors.hex (binary digits) through readout (DO=3, WR=16, NB=16, RB=20, FA=12,
// SHIFT=15) with input bubbles and output stalls, compares every step's actions with expected.hex (binary digits),
// prints PASS or FAIL.
`timescale 1ns/1ps
`default_nettype none
module tb_readout;
  localparam int NMAX = 8192, SMAX = 1024;
  logic clk = 0, rst_n = 0;
  logic in_valid = 0, in_ready, out_valid, out_ready = 0;
  logic in_first = 0, in_last = 0;
  logic [15:0] in_rate = 0;
  logic [2:0] in_bits = 0;
  logic [19:0] in_r_out = 0;
  logic [41:0] out_a;
  logic [2:0] out_sat;
  logic [95:0] out_acc;  // the partial sums (checked by the Verilated campaign)
  logic [40:0] vec [0:NMAX-1];
  logic [41:0] expd [0:SMAX-1];
  integer w = 0, r = 0, cyc = 0, errors = 0, n = 0, ns = 0;

  readout #(.DO(3), .WR(16), .NB(16), .RB(20), .FA(12), .SHIFT(15)) dut (.*);

  always #5 clk = ~clk;

  initial begin
    $readmemb("vectors.hex", vec);  // binary digits, under the name icarus_check.sh gives
    $readmemb("expected.hex", expd);  // binary digits too
    for (n = 0; n < NMAX && vec[n] !== 'x; n = n + 1) ;
    for (ns = 0; ns < SMAX && expd[ns] !== 'x; ns = ns + 1) ;
    repeat (2) @(posedge clk);
    rst_n = 1;
  end

  always @(negedge clk) if (rst_n) begin
    cyc = cyc + 1;
    in_valid = (w < n) && (cyc % 7 != 3);   // a bubble every 7 cycles
    out_ready = (cyc % 5 != 0);             // a stall every 5 cycles
    if (w < n) {in_first, in_last, in_rate, in_bits, in_r_out} = vec[w];
  end

  always @(posedge clk) if (rst_n) begin
    if (in_valid && in_ready) w <= w + 1;
    if (out_valid && out_ready) begin
      if (out_a !== expd[r]) begin
        errors = errors + 1;
        if (errors < 5) $display("step %0d: got %h expected %h", r, out_a, expd[r]);
      end
      r = r + 1;
      if (r == ns) begin
        if (errors == 0) $display("PASS: %0d steps, %0d beats, %0d cycles", r, n, cyc);
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
