"""The outage board (issue 19): pole locations, the cause rules, and the reads behind them."""
