# Learning curves of one or more `ecsim train` runs on one plot (docs/training.md).
#
#   gnuplot -e "runs='runs/hopper-ec runs/hopper-es'; out='ec_vs_es.png'" scripts/plot_curve.gp
#   gnuplot -e "runs='runs/a'; out='a.png'; xaxis='generation'" scripts/plot_curve.gp
#
# runs:  space-separated run directories (each has metrics.csv)
# out:   PNG to write (default curves.png)
# xaxis: 'minutes' (wall clock, default: equal wall-clock comparisons) or 'generation'
# Plots the eval return (θ* for EC, μ for ES) of every run, and its population mean dashed.
if (!exists("runs")) { print "usage: gnuplot -e \"runs='DIR [DIR...]'; out='x.png'\" scripts/plot_curve.gp"; exit }
if (!exists("out")) out = 'curves.png'
if (!exists("xaxis")) xaxis = 'minutes'
set terminal pngcairo size 1000,600
set output out
set datafile separator ','
set datafile columnheaders  # columns by their names in metrics.csv's header
set key bottom right
set grid
set ylabel 'return'
if (xaxis eq 'generation') { set xlabel 'generation' } else { set xlabel 'wall-clock minutes (training)' }
xcol(dummy) = (xaxis eq 'generation') ? column("generation") : column("elapsed") / 60.0
plot for [i=1:words(runs)] word(runs, i).'/metrics.csv' using (xcol(0)):(column("eval_mean")) with lines lw 2 lc i \
       title word(runs, i).' eval', \
     for [i=1:words(runs)] word(runs, i).'/metrics.csv' using (xcol(0)):(column("pop_mean")) with lines dt 2 lc i \
       title word(runs, i).' pop mean'
