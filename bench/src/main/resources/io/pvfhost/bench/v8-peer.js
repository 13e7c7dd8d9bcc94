// The V8 peer of `pvf-host bench`: run with node (flags chosen by the bench), prints one JSON line.
//   node v8-peer.js compile FILE ITERATIONS      time WebAssembly.compile of FILE, one sample each
//   node v8-peer.js compute FILE N WARMUP ITER   instantiate compute.wasm, time run(N)
'use strict';
const fs = require('fs');
const [mode, file, ...rest] = process.argv.slice(2);
const bytes = fs.readFileSync(file);
const now = () => process.hrtime.bigint();
const out = (o) => console.log(JSON.stringify(Object.assign({ node: process.version, v8: process.versions.v8 }, o)));

// V8 keeps compiled modules by their wire bytes and answers a second compile of the same bytes from
// that cache: each sample appends its own small custom section (ignored by compilation) so that
// every compile is a real one.
function unique(i) {
  const name = Buffer.from('pvf-bench-' + process.pid + '-' + i);
  return Buffer.concat([bytes, Buffer.from([0, name.length + 1, name.length]), name]);
}

async function compile(iterations) {
  const ns = [];
  for (let i = 0; i < iterations; i++) {
    const b = unique(i);
    const t0 = now();
    await WebAssembly.compile(b);
    ns.push(Number(now() - t0));
  }
  out({ ns });
}

async function compute(n, warmup, iterations) {
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ initial: 80 });
  const env = { memory, ext_allocator_malloc_version_1: () => 4259840 };
  const instance = await WebAssembly.instantiate(module, { env });
  const run = instance.exports.run;
  let h = 0n;
  for (let i = 0; i < warmup; i++) h = run(n);
  const ns = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    h = run(n);
    ns.push(Number(now() - t0));
  }
  out({ ns, hash: BigInt.asUintN(64, h).toString(16) });
}

(mode === 'compile' ? compile(+rest[0]) : compute(+rest[0], +rest[1], +rest[2])).catch((e) => {
  console.error(String(e && e.stack || e));
  process.exit(1);
});
