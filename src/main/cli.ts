#!/usr/bin/env node
// `heartmind <command>`: the headless entry (serve mode, training jobs). Filled in per issue.
console.log('heartmind: no commands yet');
