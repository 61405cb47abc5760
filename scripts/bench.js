#!/usr/bin/env node
// Benchmarks: the ../shared/bench machines on asl-sim. Not written yet.
console.log('bench: not yet (no asl-sim runner for the ../shared/bench machines yet; see its README.md)');
