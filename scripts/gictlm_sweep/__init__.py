"""gictlm-sweep: design-space exploration for gictlm (docs/sweep.md).

Modules, one concern each:
  spec    -- read, validate and expand a sweep description (schema gictlm-sweep v1)
  jobs    -- command line of each point, job list for GNU parallel, SLURM array script
  runner  -- run the pending points with GNU parallel (local cores or --sshloginfile)
  merge   -- merge the per-point reports into results.csv / results.json / summary.csv
  stats   -- mean, standard deviation and Student-t confidence interval
  plot    -- gnuplot plots (PNG and SVG) from the merged results
"""
SCHEMA = "gictlm-sweep"
VERSION = 1
