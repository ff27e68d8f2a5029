"""Rendering reports: plan one report (`report`), execute notebooks in warm reused kernels
(`kernels`, `engine`), export self-contained HTML (`export`), render every commune in batch
(`batch`, `executors`: local process pool or Dask), skip what is unchanged (`incremental`), and
list everything on an index page (`index`)."""
