"""Rendering reports: plan them (`plan`: which commune × period, notebooks, parameters), run the
plans (`run`: warm reused kernels of `kernels`, `engine`, on the `executors`: a local process pool
or Dask), export self-contained HTML (`export`), skip what is unchanged (`incremental`), write
slide decks and workbooks (`documents`) and list everything on an index page (`index`); the
commands `dvcq render`, `deck` and `report` are in `cli`."""
