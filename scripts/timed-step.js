#!/usr/bin/env node
// Runs one step of the test task and prints its name and time (CI's log then tells where its 90 minutes go):
//   node scripts/timed-step.js <name> <command...>
// Plain JavaScript, so that timing a step costs no TypeScript start-up of its own.
const { spawnSync } = require('child_process');

const [name, ...command] = process.argv.slice(2);
if (!name || command.length === 0) {
  console.error('usage: node scripts/timed-step.js <name> <command...>');
  process.exit(2);
}
const started = process.hrtime.bigint();
const result = spawnSync(command.join(' '), { stdio: 'inherit', shell: true });
const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
const code = result.status ?? 1;
console.log(code === 0 ? `⏱ ${name}: ${seconds} s` : `⏱ ${name}: failed (exit ${code}) after ${seconds} s`);
process.exit(code);
