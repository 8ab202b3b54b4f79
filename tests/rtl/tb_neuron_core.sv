// Icarus Verilog testbench of the whole neuron core (rtl/neuron_core.sv, default parameters): reads
// core_vectors.txt (tests/rtl/core_vectors.cpp, from the reference model), drives the register
// port, the ρ backdoor and the spike port, runs SAMPLE, RESET, INPUT, STEP and READOUT, and
// compares every synapse word, v(0), i_in, the spikes and state after each STEP and the partial
// sums; prints the cycles of each command, then PASS or FAIL.
`timescale 1ns/1ps
`default_nettype none
module tb_neuron_core #(
  parameter int SYN_RL = 1, RHO_RL = 1, STATE_RL = 1  // the SRAM read latencies (iverilog -P)
);
  logic clk = 0, rst_n = 0;
  logic [11:0] reg_addr = 0;
  logic [31:0] reg_wdata = 0, reg_rdata;
  logic reg_we = 0, reg_re = 0, reg_rvalid, busy;
  logic [8:0] cfg_n = 0, cfg_n_exc = 0, cfg_lo = 0, cfg_n_local = 0;
  logic [14:0] cfg_alpha_syn = 0, cfg_beta_m = 0, cfg_alpha_out = 0;
  logic [14:0] cfg_gamma = 0;
  logic [15:0] cfg_r_h = 0;
  logic [19:0] cfg_r_in = 0, cfg_r_out = 0;
  logic spk_we = 0;
  logic [1:0] spk_widx = 0;
  logic [63:0] spk_wdata = 0, spk_out;
  logic rho_we = 0;
  logic [13:0] rho_waddr = 0;
  logic [63:0] rho_wdata = 0;

  neuron_core #(.SYN_RL(SYN_RL), .RHO_RL(RHO_RL), .STATE_RL(STATE_RL)) dut (.*);

  always #5 clk = ~clk;

  integer fd, errors = 0, checks = 0, cases, c, k, l, e, t, i, n_rho, wpn, envs, steps, cyc, total = 0;
  integer v_n, v_exc, v_lo, v_nl, v_as, v_bm, v_ao, v_g, v_rh, v_ri, v_ro, ival, code;
  logic [63:0] word, seed_t, seed_i, got;
  logic [31:0] lo32, hi32;

  task automatic wr(input logic [11:0] a, input logic [31:0] d);
    @(negedge clk);
    reg_we = 1; reg_addr = a; reg_wdata = d;
    @(negedge clk);
    reg_we = 0;
  endtask

  task automatic rd(input logic [11:0] a, output logic [31:0] d);
    @(negedge clk);
    reg_re = 1; reg_addr = a;
    @(posedge clk);
    #1 reg_re = 0;
    d = reg_rdata;
  endtask

  task automatic run(input logic [31:0] cmd, input string name);
    integer n;
    @(negedge clk);
    reg_we = 1; reg_addr = 12'h000; reg_wdata = cmd;
    @(posedge clk);
    #1 reg_we = 0;
    n = 1;
    while (busy) begin
      @(posedge clk);
      #1 n = n + 1;
    end
    total = total + n;
    if (c == 0 && (name != "STEP" || t == 0)) $display("case %0d %s: %0d cycles", c, name, n);
  endtask

  task automatic expect64(input logic [63:0] g, input logic [63:0] w, input string what, input integer at);
    checks = checks + 1;
    if (g !== w) begin
      errors = errors + 1;
      if (errors < 10) $display("case %0d %s %0d: got %h expected %h", c, what, at, g, w);
    end
  endtask

  initial begin
    fd = $fopen("core_vectors.txt", "r");
    if (fd == 0) begin
      $display("FAIL: no core_vectors.txt");
      $finish;
    end
    repeat (2) @(posedge clk);
    rst_n = 1;
    code = $fscanf(fd, "%d", cases);
    for (c = 0; c < cases; c = c + 1) begin
      code = $fscanf(fd, "%d %d %d %d %d %d %d %d %d %d %d", v_n, v_exc, v_lo, v_nl, v_as, v_bm, v_ao, v_g, v_rh, v_ri,
                     v_ro);
      cfg_n = v_n; cfg_n_exc = v_exc; cfg_lo = v_lo; cfg_n_local = v_nl;
      cfg_alpha_syn = v_as; cfg_beta_m = v_bm; cfg_alpha_out = v_ao; cfg_gamma = v_g; cfg_r_h = v_rh;
      cfg_r_in = v_ri; cfg_r_out = v_ro;
      code = $fscanf(fd, "%d", n_rho);
      for (k = 0; k < n_rho; k = k + 1) begin
        code = $fscanf(fd, "%h", word);
        @(negedge clk);
        rho_we = 1; rho_waddr = k[13:0]; rho_wdata = word;
      end
      @(negedge clk);
      rho_we = 0;
      code = $fscanf(fd, "%h %h", seed_t, seed_i);
      wr(12'h008, seed_t[31:0]);
      wr(12'h00c, seed_t[63:32]);
      run(1, "SAMPLE");
      code = $fscanf(fd, "%d", wpn);
      for (k = 0; k < v_nl * wpn; k = k + 1) begin
        code = $fscanf(fd, "%h", word);
        expect64(dut.u_syn_sram.mem[k], word, "synapse word", k);
      end
      wr(12'h008, seed_i[31:0]);
      wr(12'h00c, seed_i[63:32]);
      run(2, "RESET");
      for (l = 0; l < v_nl; l = l + 1) begin
        code = $fscanf(fd, "%h", word);
        expect64({16'd0, dut.u_state_sram.mem[l][47:0]}, word, "v(0) state", l);
      end
      code = $fscanf(fd, "%d", envs);
      for (e = 0; e < envs; e = e + 1) begin
        for (i = 0; i < 11; i = i + 1) begin
          code = $fscanf(fd, "%d", ival);
          wr(12'h400 + 12'(4 * i), ival);
        end
        run(3, "INPUT");
        for (l = 0; l < v_nl; l = l + 1) begin
          code = $fscanf(fd, "%d", ival);
          expect64(64'($signed(dut.u_state_sram.mem[l][63:48])), 64'(ival), "i_in", l);
        end
        code = $fscanf(fd, "%d", steps);
        for (t = 0; t < steps; t = t + 1) begin
          for (k = 0; k < 4; k = k + 1) begin
            code = $fscanf(fd, "%h", word);
            @(negedge clk);
            spk_we = 1; spk_widx = k[1:0]; spk_wdata = word;
          end
          @(negedge clk);
          spk_we = 0;
          run(4, "STEP");
          code = $fscanf(fd, "%h", word);
          expect64(spk_out, word, "spikes of step", t);
          for (l = 0; l < v_nl; l = l + 1) begin
            code = $fscanf(fd, "%h", word);
            expect64({16'd0, dut.u_state_sram.mem[l][47:0]}, word, "state", l);
          end
        end
        run(5, "READOUT");
        for (k = 0; k < 3; k = k + 1) begin
          code = $fscanf(fd, "%d", ival);
          wr(12'h010, k);
          rd(12'h014, lo32);
          rd(12'h018, hi32);
          expect64({hi32, lo32}, 64'(ival), "partial sum", k);
        end
      end
    end
    if (errors == 0)
      $display("PASS: %0d checks, %0d command cycles (SRAM read latencies %0d, %0d, %0d)", checks, total, SYN_RL, RHO_RL,
               STATE_RL);
    else $display("FAIL: %0d of %0d checks differ", errors, checks);
    $finish;
  end
endmodule
