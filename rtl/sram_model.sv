// ============================================================================================
// sram_model: a behavioural SRAM macro of the ecsim neuron core (the SystemC Sram block,
// hw_model/systemc/sram.h)
// project: ecsim (docs/rtl.md, "The neuron core")
//
// One read port and one write port, DEPTH words of WB bits. A read requested in cycle c (rd_en,
// rd_addr) is on rd_data with rd_valid in cycle c + RL (RL ≥ 1: the chip config's read_cycles).
// A write (wr_en, wr_addr, wr_data) takes effect at the rising edge, only on the bits set in
// wr_mask (a bit-write mask, as SRAM macros have). The read and the write of one cycle to the same
// address: the read returns the old word. The array is the memory, not a flop: it is not reset;
// the read pipeline is. Synthesis keeps this module as a blackbox (rtl/synth.sh --core).
// ============================================================================================
`default_nettype none

module sram_model #(
  parameter int WB    = 64,    // word bits
  parameter int DEPTH = 2048,  // words
  parameter int RL    = 1,     // read latency, cycles (read_cycles of the chip config)
  parameter int AW    = $clog2(DEPTH)
) (
  input  wire logic          clk,
  input  wire logic          rst_n,
  input  wire logic          rd_en,
  input  wire logic [AW-1:0] rd_addr,
  output      logic          rd_valid,
  output      logic [WB-1:0] rd_data,
  input  wire logic          wr_en,
  input  wire logic [AW-1:0] wr_addr,
  input  wire logic [WB-1:0] wr_data,
  input  wire logic [WB-1:0] wr_mask
);

  initial begin
    if (WB < 1 || WB > 64 || DEPTH < 2 || RL < 1 || RL > 8 || AW != $clog2(DEPTH)) begin
      $error("sram_model: need 1 <= WB <= 64, DEPTH >= 2, 1 <= RL <= 8, AW = clog2(DEPTH) (instance %m)");
      $finish;
    end
  end

  logic [WB-1:0] mem [DEPTH] /* verilator public_flat_rd */;

  logic [RL*WB-1:0] pipe_d;  // stage k at [k·WB +: WB]; flat: Icarus 11 and Yosys 0.23 read it alike
  logic [RL-1:0] pipe_v;

  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_addr] <= (mem[wr_addr] & ~wr_mask) | (wr_data & wr_mask);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      pipe_v <= '0;
      pipe_d <= '0;
    end else begin
      pipe_v[0] <= rd_en;
      pipe_d[0 +: WB] <= rd_en ? mem[rd_addr] : '0;
      for (int k = 1; k < RL; k++) begin
        pipe_v[k] <= pipe_v[k-1];
        pipe_d[k*WB +: WB] <= pipe_d[(k-1)*WB +: WB];
      end
    end
  end

  assign rd_valid = pipe_v[RL-1];
  assign rd_data  = pipe_d[(RL-1)*WB +: WB];

`ifdef VERILATOR
  a_rd_addr: assert property (@(posedge clk) disable iff (!rst_n) rd_en |-> 32'(rd_addr) < DEPTH)
    else $error("sram_model: read address out of range");
  a_wr_addr: assert property (@(posedge clk) disable iff (!rst_n) wr_en |-> 32'(wr_addr) < DEPTH)
    else $error("sram_model: write address out of range");
`endif

endmodule

`default_nettype wire
