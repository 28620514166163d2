import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/benchmarks.md');

const HEADER = `# Benchmarks

Every figure here is written by \`npm run bench\` (one section per benchmark file in \`bench/\`).
Targets are ratios against the engine called directly in the same run, so they hold on any machine;
absolute times are for this machine only.

`;

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in docs/benchmarks.md. */
export async function recordBenchmark(name: string, markdown: string): Promise<void> {
  await mkdir(dirname(FILE), { recursive: true });
  let text = HEADER;
  try {
    text = await readFile(FILE, 'utf8');
  } catch {
    // first benchmark written
  }
  const machine = `_Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}._`;
  const block = `<!-- bench:${name} -->\n${markdown.trim()}\n\n${machine}\n<!-- /bench:${name} -->`;
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  text = pattern.test(text) ? text.replace(pattern, block) : `${text.trimEnd()}\n\n${block}\n`;
  const tmp = `${FILE}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, FILE);
}

/** Runs `fn` repeatedly and returns nanoseconds per call (median of `rounds` rounds). */
export async function nsPerCall(fn: () => unknown, { iterations = 10_000, rounds = 7 } = {}): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const value = fn();
      if (value instanceof Promise) await value;
    }
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
