// ============================================================================================
// neuron_core: one neuron core of the ecsim chip (the SystemC NeuronCore,
// hw_model/systemc/neuron_core.{h,cpp})
// project: ecsim (docs/spec.md §4–§6, docs/microarchitecture.md, docs/rtl.md "The neuron core")
//
// The five verified units (philox_sampler, input_stage, popcount_core, lif_unit, readout) around
// three behavioural SRAMs (sram_model: synapse, ρ, state), with the SystemC core's register set
// (firmware/register_map.h) on a synchronous register port and a command FSM per CoreCommand:
//   SAMPLE  walk the core's synapses in canonical order, ρ_q from the ρ SRAM, θ from the sampler,
//           transposed into the synapse SRAM in the SystemC layout (per neuron: recurrent row,
//           input column, output row);
//   RESET   v(0) from the sampler into the state SRAM, i_syn = rate = 0, spikes cleared;
//   INPUT   each neuron's input column through input_stage, i_in into the state SRAM;
//   STEP    each neuron's row and the spike vector through popcount_core into lif_unit, the
//           state read and written back, the spikes into spk_out;
//   READOUT rates and output rows through readout; its raw sums acc_k are the partial sums
//           SUM_LO/HI (the firmware adds the cores' partial sums and scales the total).
// Register port: a write (reg_we, reg_addr, reg_wdata) takes effect at the rising edge; a read
// (reg_re, reg_addr) returns reg_rdata with reg_rvalid one cycle later. Writes are legal only
// while STATUS is 0 (an assertion). busy is STATUS.
// Shapes: N ≤ NMAX, a multiple of 8; this core's neurons [lo, lo + n) with lo and n multiples
// of 8, n ≤ NPC (so that every row of the core's synapses starts on a Philox block).
// The ρ SRAM holds the core's synapses in the order SAMPLE walks them (K_in rows, K_h rows, then
// K_out, each row restricted to this core's neurons), ⌊64/(Q+1)⌋ = 5 per word, value m of a word at
// [m·(Q+1) +: Q+1]. The state SRAM holds one word per neuron: v, i_syn, rate, i_in (WS, WS, WR, WS
// bits from bit 0); the spike bit of the SystemC layout's 65th bit is spk_out.
// Every flop is reset (synchronous, active low); the SRAM arrays are memories, not reset.
// ============================================================================================
`default_nettype none

module neuron_core #(
  parameter int NPC         = 64,     // neurons per core (chip config neurons_per_core)
  parameter int NMAX        = 256,    // the largest network N
  parameter int D_IN        = 11,     // d_in
  parameter int D_OUT       = 3,      // d_out
  parameter int Q           = 10,     // arith rho_bits
  parameter int F           = 10,     // arith frac_bits
  parameter int WS          = 16,     // arith state_bits
  parameter int WR          = 16,     // arith rate_bits
  parameter int C           = 15,     // arith const_bits
  parameter int BX          = 10,     // arith input_bits
  parameter int RB          = 20,     // bits of R_in,q and R_out,q
  parameter int IN_SHIFT    = 11,     // s_in = F_x + C − F
  parameter int FA          = 12,     // arith action_frac_bits
  parameter int OUT_SHIFT   = 15,     // s_out = F_r + C − F_a
  parameter int ACC_W       = 16,     // popcount accumulator
  parameter int NB          = 16,     // the readout sums hold 2^NB neurons
  parameter int SYN_WORDS   = 2048,   // synapse_sram.words (64-bit words)
  parameter int SYN_RL      = 1,      // synapse_sram.read_cycles
  parameter int RHO_WORDS   = 16384,  // rho_sram.words
  parameter int RHO_RL      = 1,      // rho_sram.read_cycles
  parameter int STATE_WORDS = 256,    // state_sram.words
  parameter int STATE_RL    = 1,      // state_sram.read_cycles
  // derived (not to be set)
  parameter int NW  = $clog2(NMAX + 1),
  parameter int RAW = $clog2(RHO_WORDS),
  parameter int SPW = NMAX / 64,
  parameter int KW  = SPW > 1 ? $clog2(SPW) : 1
) (
  input  wire logic                 clk,
  input  wire logic                 rst_n,

  // register port (offsets of firmware/register_map.h within the core's window)
  input  wire logic [11:0]          reg_addr,
  input  wire logic [31:0]          reg_wdata,
  input  wire logic                 reg_we,
  input  wire logic                 reg_re,
  output      logic [31:0]          reg_rdata,
  output      logic                 reg_rvalid,
  output      logic                 busy,          // STATUS

  // the network (held while busy): N, N_E, this core's first neuron and neuron count
  input  wire logic [NW-1:0]        cfg_n,
  input  wire logic [NW-1:0]        cfg_n_exc,
  input  wire logic [NW-1:0]        cfg_lo,
  input  wire logic [NW-1:0]        cfg_n_local,
  input  wire logic [C-1:0]         cfg_alpha_syn,
  input  wire logic [C-1:0]         cfg_beta_m,
  input  wire logic [C-1:0]         cfg_alpha_out,
  input  wire logic [WR-2:0]        cfg_gamma,
  input  wire logic [WS-1:0]        cfg_r_h,       // min(R_q, 2^(WS−1)), as lif_unit
  input  wire logic [RB-1:0]        cfg_r_in,
  input  wire logic [RB-1:0]        cfg_r_out,

  // spike port (the NoC): word spk_widx of every neuron's spikes of the previous inner step
  input  wire logic                 spk_we,
  input  wire logic [KW-1:0]        spk_widx,
  input  wire logic [63:0]          spk_wdata,
  // this core's spikes of its last STEP: bit l = neuron lo + l
  output      logic [NPC-1:0]       spk_out,

  // ρ SRAM backdoor (the host link)
  input  wire logic                 rho_we,
  input  wire logic [RAW-1:0]       rho_waddr,
  input  wire logic [63:0]          rho_wdata
);

  localparam int WRW_MAX = NMAX / 64;        // recurrent words per neuron, at most
  localparam int RQ      = Q + 1;            // bits of one ρ_q
  localparam int RPW     = 64 / RQ;          // ρ_q per ρ SRAM word
  // ρ_q the gather buffer holds: a block's 8 plus the words in flight and one more, at least 24
  localparam int RSLOTS  = 8 + RPW * (RHO_RL + 2) > 24 ? 8 + RPW * (RHO_RL + 2) : 24;
  localparam int RCW     = $clog2(RSLOTS + 1);
  localparam int SAW     = $clog2(SYN_WORDS);
  localparam int TAW     = $clog2(STATE_WORDS);
  localparam int LW      = $clog2(NPC + 1);
  localparam int L       = SYN_RL > STATE_RL ? SYN_RL : STATE_RL;  // aligned read latency
  localparam int DS      = L - SYN_RL;
  localparam int DT      = L - STATE_RL;
  localparam int AW      = WR + NB;          // the readout sums
  localparam int SFD     = 8;                // depth of the STEP state FIFO
  // state word fields
  localparam int O_V = 0, O_IS = WS, O_R = 2 * WS, O_II = 2 * WS + WR;

  // Mutation check of the verification campaign (docs/rtl.md): -DECSIM_CORE_MUTANT=1 builds a
  // core whose STEP ignores the spikes of each row's last word; never set in synthesis.
`ifdef ECSIM_CORE_MUTANT
  localparam int MUT = `ECSIM_CORE_MUTANT;
`else
  localparam int MUT = 0;
`endif

  initial begin
    if (NPC < 8 || NPC > 64 || NPC % 8 != 0 || NMAX < 64 || NMAX % 64 != 0 || NMAX > 1024 || D_IN < 1 ||
        2 * D_IN > 64 || D_OUT < 1 || D_OUT > 64 || Q < 1 || Q > 16 || RPW < 1 || 3 * WS + WR > 64 ||
        SYN_WORDS < NPC * (WRW_MAX + 2) || STATE_WORDS < NPC ||
        RHO_WORDS * RPW < NPC * (2 * D_IN + NMAX + D_OUT) || SYN_RL < 1 || SYN_RL > 8 || RHO_RL < 1 ||
        RHO_RL > 8 || STATE_RL < 1 || STATE_RL > 8 || RSLOTS < 8 + RPW * (RHO_RL + 1) || NB < NW ||
        MUT < 0 || MUT > 1) begin
      $error("neuron_core: parameters out of range (docs/rtl.md, The neuron core) (instance %m)");
      $finish;
    end
  end

  localparam logic [2:0] kSample = 3'd1, kReset = 3'd2, kInput = 3'd3, kStep = 3'd4, kReadout = 3'd5;
  localparam logic [11:0] A_CMD = 12'h000, A_STATUS = 12'h004, A_SEED_LO = 12'h008, A_SEED_HI = 12'h00c,
                          A_OUT_INDEX = 12'h010, A_SUM_LO = 12'h014, A_SUM_HI = 12'h018, A_SPIKES = 12'h01c,
                          A_INPUT_BASE = 12'h400;

  // ---- registers -------------------------------------------------------------------------------
  logic [2:0]          cmd;
  logic [63:0]         seed;
  logic [31:0]         out_index;
  logic [D_IN*BX-1:0]  x_q;
  logic [D_OUT*AW-1:0] partial;
  logic [LW-1:0]       last_spikes;
  logic [NMAX-1:0]     spk_in;

  wire logic cmd_write = reg_we && reg_addr == A_CMD && !busy && reg_wdata >= 32'd1 && reg_wdata <= 32'd5;
  wire logic [2:0] cmd_next = reg_wdata[2:0];

  // the shape, derived once per command from the configuration
  wire logic [NW-1:0] wrw  = NW'((32'(cfg_n) + 32'd63) >> 6);  // recurrent words per neuron
  wire logic [NW-1:0] wpn  = wrw + NW'(2);                     // words per neuron
  wire logic [LW-1:0] n_l  = LW'(cfg_n_local);
  wire logic [31:0]   rows = 32'(2 * D_IN) + 32'(cfg_n);       // K_in and K_h rows SAMPLE walks

  // ---- SRAMs -----------------------------------------------------------------------------------
  logic            syn_rd_en, syn_rd_valid, syn_wr_en;
  logic [SAW-1:0]  syn_rd_addr, syn_wr_addr;
  logic [63:0]     syn_rd_data, syn_wr_data;
  logic            rho_rd_en, rho_rd_valid;
  logic [RAW-1:0]  rho_rd_addr;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0]     rho_rd_data;  // bits above RPW·(Q+1) are not used
  /* verilator lint_on UNUSEDSIGNAL */
  logic            st_rd_en, st_rd_valid, st_wr_en;
  logic [TAW-1:0]  st_rd_addr, st_wr_addr;
  logic [63:0]     st_rd_data, st_wr_data, st_wr_mask;

  sram_model #(.WB(64), .DEPTH(SYN_WORDS), .RL(SYN_RL)) u_syn_sram (
    .clk, .rst_n, .rd_en(syn_rd_en), .rd_addr(syn_rd_addr), .rd_valid(syn_rd_valid), .rd_data(syn_rd_data),
    .wr_en(syn_wr_en), .wr_addr(syn_wr_addr), .wr_data(syn_wr_data), .wr_mask({64{1'b1}}));
  sram_model #(.WB(64), .DEPTH(RHO_WORDS), .RL(RHO_RL)) u_rho_sram (
    .clk, .rst_n, .rd_en(rho_rd_en), .rd_addr(rho_rd_addr), .rd_valid(rho_rd_valid), .rd_data(rho_rd_data),
    .wr_en(rho_we), .wr_addr(rho_waddr), .wr_data(rho_wdata), .wr_mask({64{1'b1}}));
  sram_model #(.WB(64), .DEPTH(STATE_WORDS), .RL(STATE_RL)) u_state_sram (
    .clk, .rst_n, .rd_en(st_rd_en), .rd_addr(st_rd_addr), .rd_valid(st_rd_valid), .rd_data(st_rd_data),
    .wr_en(st_wr_en), .wr_addr(st_wr_addr), .wr_data(st_wr_data), .wr_mask(st_wr_mask));

  // the synapse and state reads aligned to latency L
  logic syn_av, st_av;
  logic [63:0] syn_ad, st_ad;
  if (DS == 0) begin : g_syn_direct
    assign syn_av = syn_rd_valid;
    assign syn_ad = syn_rd_data;
  end else begin : g_syn_delay
    logic [DS-1:0] v;
    logic [DS*64-1:0] d;
    always_ff @(posedge clk) begin
      if (!rst_n) begin
        v <= '0;
        d <= '0;
      end else begin
        v[0] <= syn_rd_valid;
        d[0 +: 64] <= syn_rd_data;
        for (int k = 1; k < DS; k++) begin
          v[k] <= v[k-1];
          d[k*64 +: 64] <= d[(k-1)*64 +: 64];
        end
      end
    end
    assign syn_av = v[DS-1];
    assign syn_ad = d[(DS-1)*64 +: 64];
  end
  if (DT == 0) begin : g_st_direct
    assign st_av = st_rd_valid;
    assign st_ad = st_rd_data;
  end else begin : g_st_delay
    logic [DT-1:0] v;
    logic [DT*64-1:0] d;
    always_ff @(posedge clk) begin
      if (!rst_n) begin
        v <= '0;
        d <= '0;
      end else begin
        v[0] <= st_rd_valid;
        d[0 +: 64] <= st_rd_data;
        for (int k = 1; k < DT; k++) begin
          v[k] <= v[k-1];
          d[k*64 +: 64] <= d[(k-1)*64 +: 64];
        end
      end
    end
    assign st_av = v[DT-1];
    assign st_ad = d[(DT-1)*64 +: 64];
  end

  // ---- units -----------------------------------------------------------------------------------
  logic               ph_in_valid, ph_in_ready, ph_out_valid, ph_out_ready;
  logic [63:0]        ph_in_index;
  logic [8*RQ-1:0]    ph_in_rho;
  logic [7:0]         ph_out_theta;
  logic [4*F-1:0]     ph_out_v;
  /* verilator lint_off PINCONNECTEMPTY */
  philox_sampler #(.Q(Q), .F(F)) u_philox (
    .clk, .rst_n, .in_valid(ph_in_valid), .in_ready(ph_in_ready), .in_mode(cmd == kSample ? 2'd1 : 2'd2),
    .in_seed(seed), .in_stream(32'd0), .in_index(ph_in_index), .in_rho(ph_in_rho),
    .out_valid(ph_out_valid), .out_ready(ph_out_ready), .out_mode(), .out_words(), .out_theta(ph_out_theta),
    .out_v(ph_out_v));

  logic               is_in_valid, is_in_ready, is_out_valid;
  logic [WS-1:0]      is_out_i_in;
  input_stage #(.D(D_IN), .BX(BX), .W(WS), .RB(RB), .SHIFT(IN_SHIFT)) u_input (
    .clk, .rst_n, .in_valid(is_in_valid), .in_ready(is_in_ready), .in_x(x_q), .in_pos(syn_ad[D_IN-1:0]),
    .in_neg(syn_ad[2*D_IN-1:D_IN]), .in_r_in(cfg_r_in), .out_valid(is_out_valid), .out_ready(1'b1),
    .out_i_in(is_out_i_in), .out_sat());

  logic                    pc_in_valid, pc_in_ready, pc_in_last, pc_out_valid;
  logic [63:0]             pc_in_spk, pc_in_exc;
  logic signed [ACC_W-1:0] pc_out_sum;
  logic                    lif_in_ready, lif_in_exc, lif_out_valid, lif_out_fired;
  logic signed [WS-1:0]    lif_out_v, lif_out_i_syn;
  logic signed [WR-1:0]    lif_out_rate;
  logic [63:0]             sf_head;  // the state of the neuron whose sum is at the LIF input
  popcount_core #(.W(64), .ACC_W(ACC_W)) u_popcount (
    .clk, .rst_n, .in_valid(pc_in_valid), .in_ready(pc_in_ready), .in_syn(syn_ad), .in_spk(pc_in_spk),
    .in_exc(pc_in_exc), .in_last(pc_in_last), .out_valid(pc_out_valid), .out_ready(lif_in_ready),
    .out_sum(pc_out_sum));
  lif_unit #(.W(WS), .F(F), .WR(WR), .C(C), .DW(ACC_W)) u_lif (
    .clk, .rst_n, .cfg_alpha_syn, .cfg_beta_m, .cfg_alpha_out, .cfg_gamma, .cfg_r_h,
    .in_valid(pc_out_valid), .in_ready(lif_in_ready), .in_diff(pc_out_sum),
    .in_i_in(sf_head[O_II +: WS]), .in_exc(lif_in_exc), .in_v(sf_head[O_V +: WS]),
    .in_i_syn(sf_head[O_IS +: WS]), .in_rate(sf_head[O_R +: WR]),
    .out_valid(lif_out_valid), .out_ready(1'b1), .out_v(lif_out_v), .out_i_syn(lif_out_i_syn),
    .out_rate(lif_out_rate), .out_fired(lif_out_fired));

  logic                ro_in_valid, ro_in_ready, ro_in_first, ro_in_last, ro_out_valid;
  logic [D_OUT*AW-1:0] ro_out_acc;
  readout #(.DO(D_OUT), .WR(WR), .NB(NB), .RB(RB), .FA(FA), .SHIFT(OUT_SHIFT)) u_readout (
    .clk, .rst_n, .in_valid(ro_in_valid), .in_ready(ro_in_ready), .in_first(ro_in_first), .in_last(ro_in_last),
    .in_rate(st_ad[O_R +: WR]), .in_bits(syn_ad[D_OUT-1:0]), .in_r_out(cfg_r_out), .out_valid(ro_out_valid),
    .out_ready(1'b1), .out_a(), .out_sat(), .out_acc(ro_out_acc));
  /* verilator lint_on PINCONNECTEMPTY */

  wire logic run_sample  = busy && cmd == kSample;
  wire logic run_reset   = busy && cmd == kReset;
  wire logic run_input   = busy && cmd == kInput;
  wire logic run_step    = busy && cmd == kStep;
  wire logic run_readout = busy && cmd == kReadout;

  // ---- the streaming commands (INPUT, STEP, READOUT): issue side -------------------------------
  logic [LW-1:0]  is_l;     // neuron whose words are being read
  logic [NW-1:0]  is_k;     // word within its recurrent row (STEP)
  logic [SAW-1:0] is_base;  // synapse address of neuron is_l's first word
  logic           is_done;
  wire logic stream_issue = (run_input || run_step || run_readout) && !is_done;
  wire logic row_end = !run_step || is_k == wrw - NW'(1);
  wire logic [NW-1:0] is_off = run_input ? wrw : run_readout ? wrw + NW'(1) : is_k;
  always_comb begin
    syn_rd_en   = stream_issue;
    syn_rd_addr = is_base + SAW'(is_off);
    st_rd_en    = stream_issue && (run_step || run_readout) && row_end;
    st_rd_addr  = TAW'(is_l);
  end

  // ---- arrival side: the aligned words feed the units ------------------------------------------
  logic [NW-1:0] ar_k;  // word within the row (STEP)
  logic [LW-1:0] ar_l;  // neuron (READOUT)
  wire logic [KW-1:0] ar_kw = KW'(ar_k);
  always_comb begin
    is_in_valid = run_input && syn_av;
    pc_in_valid = run_step && syn_av;
    pc_in_last  = ar_k == wrw - NW'(1);
    pc_in_spk   = (MUT == 1 && pc_in_last) ? 64'd0 : spk_in[64*ar_kw +: 64];
    for (int b = 0; b < 64; b++) pc_in_exc[b] = 32'(ar_k) * 64 + b < 32'(cfg_n_exc);
    ro_in_valid = run_readout && syn_av;
    ro_in_first = ar_l == '0;
    ro_in_last  = ar_l == n_l - LW'(1);
  end

  // the states of the rows in the popcount core, in row order (STEP)
  logic [SFD*64-1:0]    sf_mem;  // entry k at [64·k +: 64]; flat vectors throughout: Icarus 11 and Yosys 0.23
  logic [$clog2(SFD)-1:0] sf_wp, sf_rp;
  logic [$clog2(SFD):0]   sf_cnt;
  wire logic sf_push = run_step && st_av;
  wire logic sf_pop  = pc_out_valid && lif_in_ready;
  assign sf_head = sf_mem[64*32'(sf_rp) +: 64];

  // ---- collect side ----------------------------------------------------------------------------
  logic [LW-1:0] co_l;  // neurons written back (INPUT, STEP)
  logic [LW-1:0] li_l;  // neurons into the LIF unit (STEP)
  logic [LW-1:0] spk_cnt;
  assign lif_in_exc = 32'(cfg_lo) + 32'(li_l) < 32'(cfg_n_exc);

  // ---- SAMPLE ----------------------------------------------------------------------------------
  // issue walk: rows 0 .. rows−1 are K_in then K_h (row r's blocks start at r·N/8 + lo/8), row
  // `rows` is K_out (its blocks start at (2·d_in + N)·N/8 + lo·d_out/8)
  logic [31:0]         sm_row, sm_base;
  logic [7:0]          sm_blk;
  logic                sm_done;
  wire logic [7:0] blks_in_row = sm_row == rows ? 8'((32'(n_l) >> 3) * D_OUT) : 8'(32'(n_l) >> 3);
  logic [RSLOTS*RQ-1:0] rbuf;
  logic [RCW-1:0]       rcnt;
  logic [31:0]          rho_fetched, rho_total;  // ρ_q values read, and the core's synapses
  logic [3:0]           rho_inflight;
  logic [RAW-1:0]       rho_raddr;  // the next ρ SRAM word (a counter: no divider by RPW)
  wire logic sm_issue = run_sample && !sm_done && rcnt >= RCW'(8) && ph_in_ready;
  wire logic [RCW+1:0] rcnt_after = (RCW+2)'(rcnt) - (sm_issue ? (RCW+2)'(8) : '0);
  assign rho_rd_en   = run_sample && rho_fetched < rho_total &&
                       32'(rcnt_after) + 32'(RPW) * (32'(rho_inflight) + 32'd1) <= 32'(RSLOTS);
  assign rho_rd_addr = rho_raddr;

  // result walk (the same order); θ goes into a 64-neuron × 64-bit transposer, flushed into the
  // synapse SRAM as one word per neuron when a group (64 K_h rows, the K_in rows, K_out) is done
  logic [31:0]         sc_row;
  logic [7:0]          sc_blk;
  logic [LW-1:0]       sc_oj;   // K_out: neuron and output of lane 0 of the current block
  logic [6:0]          sc_ok;
  logic [NPC*64-1:0]   tbuf;  // neuron l's word at [64·l +: 64]
  logic                fl_on, fl_last;
  logic [LW-1:0]       fl_l;
  logic [SAW-1:0]      fl_base;
  logic [NW-1:0]       fl_woff;
  wire logic [7:0] sc_blks = sc_row == rows ? 8'((32'(n_l) >> 3) * D_OUT) : 8'(32'(n_l) >> 3);
  wire logic sc_take = ph_out_valid && ph_out_ready && run_sample;
  wire logic [31:0] sc_rec = sc_row - 32'(2 * D_IN);  // K_h row (when sc_row ≥ 2·d_in)
  logic [LW-1:0] lane_j [8];
  logic [6:0]    lane_k [8];
  logic [LW-1:0] next_oj;
  logic [6:0]    next_ok;
  always_comb begin
    lane_j[0] = sc_oj;
    lane_k[0] = sc_ok;
    for (int t = 1; t < 8; t++) begin
      lane_j[t] = lane_k[t-1] == 7'(D_OUT - 1) ? lane_j[t-1] + LW'(1) : lane_j[t-1];
      lane_k[t] = lane_k[t-1] == 7'(D_OUT - 1) ? 7'd0 : lane_k[t-1] + 7'd1;
    end
    next_oj = lane_k[7] == 7'(D_OUT - 1) ? lane_j[7] + LW'(1) : lane_j[7];
    next_ok = lane_k[7] == 7'(D_OUT - 1) ? 7'd0 : lane_k[7] + 7'd1;
  end
  wire logic sc_blk_last = sc_blk == sc_blks - 8'd1;
  wire logic sc_group_end = sc_blk_last && (sc_row == 32'(2 * D_IN - 1) || sc_row == rows ||
                                            (sc_row >= 32'(2 * D_IN) && (sc_rec[5:0] == 6'd63 || sc_row == rows - 1)));
  wire logic [NW-1:0] sc_woff = sc_row < 32'(2 * D_IN) ? wrw : sc_row == rows ? wrw + NW'(1) : NW'(sc_rec >> 6);

  // the transposer's bits set by this result, per neuron (a 64-bit decoder each, not one over all
  // 4096 bits): K_in / K_h rows set bit sc_bit of the block's 8 neurons, K_out lanes bit k of j
  wire logic [5:0] sc_bit = sc_row < 32'(2 * D_IN) ? sc_row[5:0] : sc_rec[5:0];
  logic [NPC*64-1:0] tb_mask, tb_val;
  for (genvar l = 0; l < NPC; l++) begin : g_tbuf
    logic [63:0] m, v;
    always_comb begin
      m = '0;
      v = '0;
      if (sc_take) begin
        if (sc_row != rows) begin
          if (32'(sc_blk) == l / 8) begin
            m[sc_bit] = 1'b1;
            v[sc_bit] = ph_out_theta[l % 8];
          end
        end else begin
          for (int t = 0; t < 8; t++)
            if (32'(lane_j[t]) == l) begin
              m[lane_k[t][5:0]] = 1'b1;
              v[lane_k[t][5:0]] = ph_out_theta[t];
            end
        end
      end
    end
    assign tb_mask[64*l +: 64] = m;
    assign tb_val[64*l +: 64]  = v;
  end

  // ---- RESET -----------------------------------------------------------------------------------
  logic [LW-1:0] rs_iss;  // blocks requested
  logic [LW-1:0] rs_col;  // blocks written
  logic [1:0]    rs_sub;  // neuron within the block being written
  wire logic [LW-1:0] rs_blocks = n_l >> 2;

  // ---- the sampler's request and results -------------------------------------------------------
  wire logic [31:0] sm_index = sm_base + 32'(sm_blk);
  wire logic [31:0] rs_index = (32'(cfg_lo) >> 2) + 32'(rs_iss);
  always_comb begin
    ph_in_valid  = sm_issue || (run_reset && rs_iss < rs_blocks);
    ph_in_index  = {32'd0, run_sample ? sm_index : rs_index};
    ph_in_rho    = rbuf[8*RQ-1:0];
    ph_out_ready = (run_sample && !fl_on) || (run_reset && rs_sub == 2'd3);
  end

  // ---- SRAM writes -----------------------------------------------------------------------------
  always_comb begin
    syn_wr_en   = fl_on;
    syn_wr_addr = fl_base + SAW'(fl_woff);
    syn_wr_data = tbuf[64*32'(fl_l[$clog2(NPC)-1:0]) +: 64];
    st_wr_en    = 1'b0;
    st_wr_addr  = '0;
    st_wr_data  = '0;
    st_wr_mask  = '0;
    if (run_input && is_out_valid) begin
      st_wr_en   = 1'b1;
      st_wr_addr = TAW'(co_l);
      st_wr_data[O_II +: WS] = is_out_i_in;
      st_wr_mask[O_II +: WS] = '1;
    end else if (run_step && lif_out_valid) begin
      st_wr_en   = 1'b1;
      st_wr_addr = TAW'(co_l);
      st_wr_data[O_V +: WS]  = lif_out_v;
      st_wr_data[O_IS +: WS] = lif_out_i_syn;
      st_wr_data[O_R +: WR]  = lif_out_rate;
      st_wr_mask[O_V +: WS]  = '1;
      st_wr_mask[O_IS +: WS] = '1;
      st_wr_mask[O_R +: WR]  = '1;
    end else if (run_reset && ph_out_valid) begin
      st_wr_en   = 1'b1;
      st_wr_addr = TAW'(32'(rs_col) * 4 + 32'(rs_sub));
      st_wr_data[O_V +: WS]  = WS'(ph_out_v[32'(rs_sub) * F +: F]);
      st_wr_mask[O_V +: WS]  = '1;
      st_wr_mask[O_IS +: WS] = '1;
      st_wr_mask[O_R +: WR]  = '1;
    end
  end

  // ---- done ------------------------------------------------------------------------------------
  wire logic done_input   = run_input && is_out_valid && co_l == n_l - LW'(1);
  wire logic done_step    = run_step && lif_out_valid && co_l == n_l - LW'(1);
  wire logic done_readout = run_readout && ro_out_valid;
  wire logic done_reset   = run_reset && ph_out_valid && rs_sub == 2'd3 && rs_col == rs_blocks - LW'(1);
  wire logic done_sample  = run_sample && fl_on && fl_last && fl_l == n_l - LW'(1);
  wire logic done = done_input || done_step || done_readout || done_reset || done_sample;

  // SUM_LO/HI: the partial sum of OUT_INDEX, sign-extended (0 past the last output)
  wire logic [63:0] sum_sel = out_index < 32'(D_OUT) ? 64'($signed(partial[32'(out_index[5:0]) * AW +: AW])) : 64'd0;
  // the ρ gather buffer after this cycle: 8 ρ_q out if a block is requested, a word's in if one arrives
  wire logic [RSLOTS*RQ-1:0] rbuf_popped = sm_issue ? rbuf >> (8 * RQ) : rbuf;
  wire logic [RSLOTS*RQ-1:0] rbuf_next =
      rho_rd_valid ? rbuf_popped | ((RSLOTS*RQ)'(rho_rd_data[RPW*RQ-1:0]) << (32'(rcnt_after) * RQ)) : rbuf_popped;

  // ---- the sequential part ---------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cmd <= '0;
      busy <= 1'b0;
      seed <= '0;
      out_index <= '0;
      x_q <= '0;
      partial <= '0;
      last_spikes <= '0;
      spk_in <= '0;
      spk_out <= '0;
      reg_rdata <= '0;
      reg_rvalid <= 1'b0;
      is_l <= '0;
      is_k <= '0;
      is_base <= '0;
      is_done <= 1'b0;
      ar_k <= '0;
      ar_l <= '0;
      sf_wp <= '0;
      sf_rp <= '0;
      sf_cnt <= '0;
      sf_mem <= '0;
      co_l <= '0;
      li_l <= '0;
      spk_cnt <= '0;
      sm_row <= '0;
      sm_base <= '0;
      sm_blk <= '0;
      sm_done <= 1'b0;
      rbuf <= '0;
      rcnt <= '0;
      rho_fetched <= '0;
      rho_total <= '0;
      rho_inflight <= '0;
      rho_raddr <= '0;
      sc_row <= '0;
      sc_blk <= '0;
      sc_oj <= '0;
      sc_ok <= '0;
      tbuf <= '0;
      fl_on <= 1'b0;
      fl_last <= 1'b0;
      fl_l <= '0;
      fl_base <= '0;
      fl_woff <= '0;
      rs_iss <= '0;
      rs_col <= '0;
      rs_sub <= '0;
    end else begin
      // register port
      reg_rvalid <= reg_re;
      if (reg_re) begin
        case (reg_addr)
          A_STATUS: reg_rdata <= {31'd0, busy};
          A_SUM_LO: reg_rdata <= sum_sel[31:0];
          A_SUM_HI: reg_rdata <= sum_sel[63:32];
          A_SPIKES: reg_rdata <= 32'(last_spikes);
          default: reg_rdata <= '0;
        endcase
      end
      if (reg_we && !busy) begin
        case (reg_addr)
          A_SEED_LO: seed[31:0] <= reg_wdata;
          A_SEED_HI: seed[63:32] <= reg_wdata;
          A_OUT_INDEX: out_index <= reg_wdata;
          default:
            for (int i = 0; i < D_IN; i++)
              if (reg_addr == A_INPUT_BASE + 12'(4 * i)) x_q[i*BX +: BX] <= reg_wdata[BX-1:0];
        endcase
      end
      if (spk_we) spk_in[64*spk_widx +: 64] <= spk_wdata;

      if (cmd_write) begin
        // a command starts: every walk from its beginning
        cmd <= cmd_next;
        busy <= 1'b1;
        is_l <= '0;
        is_k <= '0;
        is_base <= '0;
        is_done <= 1'b0;
        ar_k <= '0;
        ar_l <= '0;
        co_l <= '0;
        li_l <= '0;
        spk_cnt <= '0;
        sm_row <= '0;
        sm_base <= 32'(cfg_lo) >> 3;
        sm_blk <= '0;
        sm_done <= 1'b0;
        rbuf <= '0;
        rcnt <= '0;
        rho_fetched <= '0;
        rho_total <= 32'(cfg_n_local) * (32'(2 * D_IN + D_OUT) + 32'(cfg_n));
        rho_inflight <= '0;
        rho_raddr <= '0;
        sc_row <= '0;
        sc_blk <= '0;
        sc_oj <= '0;
        sc_ok <= '0;
        fl_on <= 1'b0;
        fl_l <= '0;
        fl_base <= '0;
        rs_iss <= '0;
        rs_col <= '0;
        rs_sub <= '0;
        if (cmd_next == kStep) spk_out <= '0;
        if (cmd_next == kReset) begin
          spk_in <= '0;
          spk_out <= '0;
        end
      end
      if (done) busy <= 1'b0;

      // streaming issue
      if (stream_issue) begin
        if (row_end) begin
          is_k <= '0;
          is_l <= is_l + LW'(1);
          is_base <= is_base + SAW'(wpn);
          if (is_l == n_l - LW'(1)) is_done <= 1'b1;
        end else begin
          is_k <= is_k + NW'(1);
        end
      end
      // arrival
      if (run_step && syn_av) ar_k <= pc_in_last ? '0 : ar_k + NW'(1);
      if (run_readout && syn_av) ar_l <= ar_l + LW'(1);
      // state FIFO
      if (sf_push) begin
        sf_mem[64*32'(sf_wp) +: 64] <= st_ad;
        sf_wp <= sf_wp + 1'b1;
      end
      if (sf_pop) sf_rp <= sf_rp + 1'b1;
      sf_cnt <= sf_cnt + ($clog2(SFD)+1)'(sf_push) - ($clog2(SFD)+1)'(sf_pop);
      // collect
      if (run_step && sf_pop) li_l <= li_l + LW'(1);
      if ((run_input && is_out_valid) || (run_step && lif_out_valid)) co_l <= co_l + LW'(1);
      if (run_step && lif_out_valid) begin
        spk_out[co_l[$clog2(NPC)-1:0]] <= lif_out_fired;
        spk_cnt <= spk_cnt + LW'(lif_out_fired);
        if (done_step) last_spikes <= spk_cnt + LW'(lif_out_fired);
      end
      if (done_readout) partial <= ro_out_acc;

      // SAMPLE: ρ gather buffer
      if (run_sample) begin
        rbuf <= rbuf_next;
        rcnt <= RCW'(rcnt_after + (rho_rd_valid ? (RCW+2)'(RPW) : '0));
        if (rho_rd_en) begin
          rho_fetched <= rho_fetched + 32'(RPW);
          rho_raddr <= rho_raddr + RAW'(1);
        end
        rho_inflight <= rho_inflight + 4'(rho_rd_en) - 4'(rho_rd_valid);
      end
      // SAMPLE: issue walk
      if (sm_issue) begin
        if (sm_blk == blks_in_row - 8'd1) begin
          sm_blk <= '0;
          if (sm_row == rows) sm_done <= 1'b1;
          else begin
            sm_row <= sm_row + 32'd1;
            sm_base <= sm_row + 32'd1 == rows
                           ? sm_base + (32'(cfg_n) >> 3) - (32'(cfg_lo) >> 3) + (32'(cfg_lo) >> 3) * D_OUT
                           : sm_base + (32'(cfg_n) >> 3);
          end
        end else begin
          sm_blk <= sm_blk + 8'd1;
        end
      end
      // SAMPLE: results into the transposer
      if (sc_take) begin
        tbuf <= (tbuf & ~tb_mask) | tb_val;
        if (sc_row == rows) begin
          sc_oj <= next_oj;
          sc_ok <= next_ok;
        end
        if (sc_blk_last) begin
          sc_blk <= '0;
          sc_row <= sc_row + 32'd1;
        end else begin
          sc_blk <= sc_blk + 8'd1;
        end
        if (sc_group_end) begin
          fl_on <= 1'b1;
          fl_last <= sc_row == rows;
          fl_l <= '0;
          fl_base <= '0;
          fl_woff <= sc_woff;
        end
      end
      // SAMPLE: flush a group, one word per cycle
      if (run_sample && fl_on) begin
        tbuf[64*32'(fl_l[$clog2(NPC)-1:0]) +: 64] <= '0;
        fl_l <= fl_l + LW'(1);
        fl_base <= fl_base + SAW'(wpn);
        if (fl_l == n_l - LW'(1)) fl_on <= 1'b0;
      end

      // RESET
      if (run_reset && ph_in_valid && ph_in_ready) rs_iss <= rs_iss + LW'(1);
      if (run_reset && ph_out_valid) begin
        rs_sub <= rs_sub + 2'd1;
        if (rs_sub == 2'd3) rs_col <= rs_col + LW'(1);
      end
    end
  end

`ifdef VERILATOR
  // register handshake and FSM invariants (Verilator --assert)
  a_write_idle: assert property (@(posedge clk) disable iff (!rst_n) reg_we |-> !busy)
    else $error("neuron_core: a register write while a command runs");
  a_cmd_legal: assert property (@(posedge clk) disable iff (!rst_n)
                                reg_we && reg_addr == A_CMD |-> reg_wdata >= 32'd1 && reg_wdata <= 32'd5)
    else $error("neuron_core: an unknown command");
  a_rvalid: assert property (@(posedge clk) disable iff (!rst_n) reg_re |=> reg_rvalid)
    else $error("neuron_core: a read without its rvalid");
  a_shape: assert property (@(posedge clk) disable iff (!rst_n) cmd_write |->
                            cfg_n % 8 == 0 && cfg_lo % 8 == 0 && cfg_n_local % 8 == 0 && cfg_n_local != 0 &&
                            32'(cfg_n_local) <= NPC && 32'(cfg_n) <= NMAX && cfg_lo + cfg_n_local <= cfg_n &&
                            cfg_n_exc <= cfg_n)
    else $error("neuron_core: a shape the core does not support (N, lo, n multiples of 8, n <= NPC)");
  a_cfg_held: assert property (@(posedge clk) disable iff (!rst_n) busy && !cmd_write |=>
                               $stable(cfg_n) && $stable(cfg_n_exc) && $stable(cfg_lo) && $stable(cfg_n_local) &&
                               $stable(cfg_r_in) && $stable(cfg_r_out))
    else $error("neuron_core: the configuration changed while a command runs");
  a_spikes_held: assert property (@(posedge clk) disable iff (!rst_n) spk_we |-> !run_step)
    else $error("neuron_core: the spike vector was written during STEP");
  a_rho_held: assert property (@(posedge clk) disable iff (!rst_n) rho_we |-> !run_sample)
    else $error("neuron_core: the rho SRAM was written during SAMPLE");
  a_units_ready: assert property (@(posedge clk) disable iff (!rst_n)
                                  (!is_in_valid || is_in_ready) && (!pc_in_valid || pc_in_ready) &&
                                  (!ro_in_valid || ro_in_ready))
    else $error("neuron_core: a unit refused a word the SRAM delivered");
  a_state_fifo: assert property (@(posedge clk) disable iff (!rst_n)
                                 (!sf_pop || sf_cnt != 0) && (!sf_push || 32'(sf_cnt) < SFD))
    else $error("neuron_core: the STEP state FIFO under- or overflowed");
  a_readout_aligned: assert property (@(posedge clk) disable iff (!rst_n) run_readout && syn_av |-> st_av)
    else $error("neuron_core: READOUT's rate and output row are not aligned");
  a_rho_buffer: assert property (@(posedge clk) disable iff (!rst_n) run_sample |-> 32'(rcnt) <= RSLOTS)
    else $error("neuron_core: the rho gather buffer overflowed");
  a_idle_quiet: assert property (@(posedge clk) disable iff (!rst_n)
                                 !busy |-> !syn_rd_en && !st_rd_en && !rho_rd_en && !syn_wr_en && !st_wr_en)
    else $error("neuron_core: an SRAM access while idle");
`endif

endmodule

`default_nettype wire
