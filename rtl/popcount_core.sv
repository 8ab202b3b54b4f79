// ============================================================================================
// popcount_core: the ecsim chip's popcount-accumulate unit
// project: ecsim (docs/spec.md §5.2 step 1, docs/rtl.md)
//
// For one postsynaptic neuron, streams the synapse words of its row, one W-bit word per beat,
// together with the matching W bits of the previous inner step's spikes and the excitatory mask
// of those W presynaptic neurons. It computes
//     sum = Σ_words popcount(syn ∧ spk ∧ exc) − popcount(syn ∧ spk ∧ ¬exc)
// and emits it after the beat marked last.
//
// Timing: one word per cycle sustained; latency 2 cycles from the accepted last word to
// out_valid. Back-pressure: when out_valid is held without out_ready the whole pipeline stalls
// (in_ready = 0) and nothing is lost or duplicated. Reset is synchronous, active low, and
// clears every flop.
// ============================================================================================
`default_nettype none

module popcount_core #(
  parameter int W     = 64,  // synapse and spike word width (docs/spec.md §3.1 syn_word_bits)
  parameter int ACC_W = 16   // signed accumulator width: must hold ±(words per row · W)
) (
  input  wire logic                    clk,
  input  wire logic                    rst_n,

  // input stream: one word of a row per beat ---------------------------------------------
  input  wire logic                    in_valid,
  output      logic                    in_ready,
  input  wire logic [W-1:0]            in_syn,   // 1 = synapse present
  input  wire logic [W-1:0]            in_spk,   // 1 = presynaptic neuron spiked
  input  wire logic [W-1:0]            in_exc,   // 1 = presynaptic neuron is excitatory
  input  wire logic                    in_last,  // last word of the row

  // output stream: one signed sum per row ------------------------------------------------
  output      logic                    out_valid,
  input  wire logic                    out_ready,
  output      logic signed [ACC_W-1:0] out_sum
);

  localparam int CW = $clog2(W + 1);  // width of one word's popcount

  initial begin
    if (W < 1 || ACC_W < CW + 1) begin
      $error("popcount_core: need W >= 1 and ACC_W >= clog2(W+1)+1 (instance %m)");
      $finish;
    end
  end

  // the pipeline advances when the output register is empty or being taken
  wire logic advance = !out_valid || out_ready;
  assign in_ready = advance;

  // stage 1: AND and the two popcounts ------------------------------------------------------
  logic          S1_valid, S1_last;
  logic [CW-1:0] S1_pos, S1_neg;

  // stage 2: the row accumulator and the output register -------------------------------------
  logic signed [ACC_W-1:0] ACC_sum;
  wire logic signed [ACC_W-1:0] S1_diff = $signed({{(ACC_W - CW){1'b0}}, S1_pos}) - $signed({{(ACC_W - CW){1'b0}}, S1_neg});
  wire logic signed [ACC_W-1:0] ACC_next = ACC_sum + S1_diff;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      S1_valid  <= 1'b0;
      S1_last   <= 1'b0;
      S1_pos    <= '0;
      S1_neg    <= '0;
      ACC_sum   <= '0;
      out_valid <= 1'b0;
      out_sum   <= '0;
    end else if (advance) begin
      S1_valid <= in_valid;
      S1_last  <= in_last;
      S1_pos   <= CW'($countones(in_syn & in_spk & in_exc));
      S1_neg   <= CW'($countones(in_syn & in_spk & ~in_exc));
      if (S1_valid) begin
        if (S1_last) begin
          out_sum <= ACC_next;
          ACC_sum <= '0;
        end else begin
          ACC_sum <= ACC_next;
        end
      end
      out_valid <= S1_valid && S1_last;
    end
  end

endmodule

`default_nettype wire
