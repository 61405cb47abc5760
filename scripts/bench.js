#!/usr/bin/env node
// Benchmarks (../shared/bench machines on asl-sim): not written yet.
console.log('bench: not yet (the engine has not landed; see ../shared/bench/README.md for the plan)');
