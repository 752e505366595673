// Preloaded into the measured CLI run: reports its own peak memory and CPU time on exit, on fd 3,
// so the benchmark sees the child's numbers without parsing its output or wrapping it in `time`.
const fs = require('node:fs');
process.on('exit', () => {
  const usage = process.resourceUsage();
  fs.writeSync(3, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
