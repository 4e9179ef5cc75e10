// ort_check.js runs ONNX models in onnxruntime, as an independent check of
// the fixtures and of relucid's export. It is not part of go test.
//
// Set-up (once, outside the repository; --ignore-scripts skips the GPU
// download, the CPU runtime ships inside the package):
//
//	mkdir -p /tmp/ort && cd /tmp/ort && npm install --ignore-scripts onnxruntime-node
//
// Usage:
//
//	NODE_PATH=/tmp/ort/node_modules node ort_check.js cases.json
//	    runs every loadable fixture and compares with its reference outputs
//	NODE_PATH=/tmp/ort/node_modules node ort_check.js MODEL.onnx < points.csv
//	    prints the model's outputs on CSV points, one row each, full precision
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

async function run(model, rows) {
  const s = await ort.InferenceSession.create(model);
  const meta = s.inputMetadata ? s.inputMetadata[0] : null;
  const inName = s.inputNames[0];
  let type = 'float32';
  let shape = null;
  if (meta && meta.type) type = meta.type;
  if (meta && meta.shape) shape = meta.shape;
  const n = rows.length, d = rows[0].length;
  const flat = rows.flat();
  const data = type === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
  let dims = [n, d];
  if (shape && shape.length > 2) {
    dims = [n, ...shape.slice(1)];
  }
  const out = await s.run({[inName]: new ort.Tensor(type, data, dims)});
  const y = out[s.outputNames[0]];
  const m = y.data.length / n;
  const res = [];
  for (let i = 0; i < n; i++) res.push(Array.from(y.data.slice(i * m, (i + 1) * m)));
  return res;
}

async function main() {
  const arg = process.argv[2];
  if (arg.endsWith('.json')) {
    const cases = JSON.parse(fs.readFileSync(arg)).cases;
    let bad = 0, ok = 0;
    for (const c of cases) {
      if (c.error) continue;
      const y = await run(path.join(path.dirname(arg), c.model), c.inputs);
      const want = c.outputs64 || c.outputs;
      const tol = c.dtype === 'float32' ? 1e-6 : 1e-12;
      let worst = 0;
      y.forEach((row, i) => row.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - want[i][j]) / Math.max(1, Math.abs(want[i][j])));
      }));
      const pass = worst <= tol;
      pass ? ok++ : bad++;
      console.log(`${pass ? 'ok  ' : 'FAIL'} ${c.model} worst relative difference ${worst.toExponential(2)} (tol ${tol})`);
    }
    console.log(`${ok} passed, ${bad} failed`);
    process.exit(bad ? 1 : 0);
  }
  const rows = fs.readFileSync(0, 'utf8').trim().split('\n').map(l => l.split(',').map(Number));
  for (const r of await run(arg, rows)) console.log(r.join(','));
}

main().catch(e => { console.error(e.message || e); process.exit(1); });
