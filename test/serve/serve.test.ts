/**
 * densely serve, in-process (startServer): TF Serving's REST shapes, predictions equal to
 * `densely predict` on the same rows, refusals with the instance and column named, body limits,
 * slow bodies, :score, /metrics, and the hot swap of a replaced model file.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/node/files.js';
import { loadModelFile, saveModel } from '../../src/node/model-files.js';
import { startServer, type RunningServer } from '../../src/serve/start.js';
import { writeNpy } from '../../src/data/npy.js';
import { cli, http, instancesOf, trainedModel } from './helpers.js';

const quiet = { info: () => {}, error: () => {} };

describe('densely serve: TF Serving REST API', () => {
  let t: ReturnType<typeof trainedModel>;
  let s: RunningServer;
  let predicted: string[]; // densely predict's scores for new.csv, as text
  const errors: string[] = [];

  beforeAll(async () => {
    t = trainedModel();
    const out = join(t.dir, 'scores.csv');
    cli('predict', '--model', t.model, '--data', t.rows, '--out', out);
    predicted = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    s = await startServer({ model: t.model, name: 'marketing', port: 0, watch: false, timeoutMs: 400, maxBody: 64 * 1024, log: { info: () => {}, error: (l) => errors.push(l) } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reports the model status and metadata in TF Serving shapes', async () => {
    const st = await http(s.port, 'GET', '/v1/models/marketing');
    expect(st.status).toBe(200);
    const status = JSON.parse(st.body);
    expect(status.model_version_status).toHaveLength(1);
    expect(status.model_version_status[0]).toMatchObject({ state: 'AVAILABLE', status: { error_code: 'OK' } });
    expect(status.model_version_status[0].version).toMatch(/^\d+$/);
    expect(st.headers['x-model-version']).toBe(status.model_version_status[0].version);

    const meta = JSON.parse((await http(s.port, 'GET', '/v1/models/marketing/metadata')).body);
    expect(meta.model_spec.name).toBe('marketing');
    const sig = meta.metadata.signature_def.signature_def.serving_default;
    expect(sig.inputs.age.dtype).toBe('DT_FLOAT');
    expect(sig.inputs.job.dtype).toBe('DT_STRING');
    expect(sig.outputs.outputs.tensor_shape.dim[1].size).toBe('1');
    const job = meta.densely.input.columns.find((c: { name: string }) => c.name === 'job');
    expect(job.type).toBe('category');
    expect(job.categories).toContain('technician');
    expect(meta.densely.input.columns.map((c: { name: string }) => c.name)).not.toContain('customer'); // dropped in training
    expect(meta.densely.preparation.kind).toBe('csv');
    expect(meta.densely.training.epochs).toBe(1);
  });

  it('row format: each prediction is exactly the score densely predict writes for the row', async () => {
    const instances = instancesOf(readFileSync(t.rows, 'utf8'));
    const r = await http(s.port, 'POST', '/v1/models/marketing:predict', { body: JSON.stringify({ instances }) });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body.predictions).toHaveLength(200);
    // the same text, so the same float32: compare the JSON's numbers as written
    const texts = r.body.slice('{"predictions":['.length, -2).split('],[').map((x) => x.replace(/[[\]]/g, ''));
    expect(texts).toEqual(predicted);
  });

  it('columnar format answers "outputs", equal to the row format', async () => {
    const instances = instancesOf(readFileSync(t.rows, 'utf8')).slice(0, 5);
    const inputs: Record<string, unknown[]> = {};
    for (const k of Object.keys(instances[0])) inputs[k] = instances.map((i) => i[k]);
    const r = await http(s.port, 'POST', '/v1/models/marketing:predict', { body: JSON.stringify({ inputs }) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).outputs.map((p: number[]) => String(p[0]))).toEqual(predicted.slice(0, 5));
  });

  it('scores an unseen category as densely predict does, and counts it', async () => {
    const [inst] = instancesOf(readFileSync(t.rows, 'utf8'));
    const rowsCsv = join(t.dir, 'unseen.csv');
    const lines = readFileSync(t.rows, 'utf8').split('\n');
    const cells = lines[1].split(';');
    cells[2] = '"astronaut"'; // job
    writeFileSync(rowsCsv, `${lines[0]}\n${cells.join(';')}\n`);
    const out = join(t.dir, 'unseen-scores.csv');
    cli('predict', '--model', t.model, '--data', rowsCsv, '--out', out);
    const expected = readFileSync(out, 'utf8').trim().split('\n')[1];
    const r = await http(s.port, 'POST', '/v1/models/marketing:predict', { body: JSON.stringify({ instances: [{ ...inst, job: 'astronaut' }] }) });
    expect(r.status).toBe(200);
    expect(String(JSON.parse(r.body).predictions[0][0])).toBe(expected);
    const metrics = (await http(s.port, 'GET', '/metrics')).body;
    expect(Number(/densely_unseen_categories_total\{model="marketing"\} (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(1);
  });

  it('refuses bad requests with 400 and a message naming the instance and the column', async () => {
    const [good] = instancesOf(readFileSync(t.rows, 'utf8'));
    const ask = async (body: string) => {
      const r = await http(s.port, 'POST', '/v1/models/marketing:predict', { body });
      return { status: r.status, error: JSON.parse(r.body).error as string };
    };
    expect(await ask('{"instances": [')).toMatchObject({ status: 400, error: expect.stringMatching(/^malformed JSON/) });
    expect(await ask('{"instances": []}')).toMatchObject({ status: 400, error: expect.stringMatching(/empty/) });
    expect(await ask('[1, 2]')).toMatchObject({ status: 400, error: expect.stringMatching(/JSON object/) });
    const { age: _age, ...noAge } = good;
    expect(await ask(JSON.stringify({ instances: [good, noAge] }))).toEqual({ status: 400, error: "instance 1: missing column 'age'" });
    expect(await ask(JSON.stringify({ instances: [good, good, { ...good, balance: 'lots' }] }))).toEqual({ status: 400, error: 'instance 2, column \'balance\': expected a number, got "lots"' });
    expect(await ask(JSON.stringify({ instances: [{ ...good, agee: 3 }] }))).toMatchObject({ status: 400, error: expect.stringMatching(/^instance 0: unknown column "agee"; the model reads: age, job/) });
    expect(await ask(JSON.stringify({ instances: [{ ...good, age: null }] }))).toMatchObject({ status: 400, error: expect.stringMatching(/^instance 0, column 'age': no value \(null\)/) });
    expect(await ask(JSON.stringify({ instances: [{ ...good, age: [1] }] }))).toMatchObject({ status: 400, error: expect.stringMatching(/column 'age': expected a number, a string or null, got a list/) });
    expect(await ask(JSON.stringify({ instances: [[1, 2, 3]] }))).toMatchObject({ status: 400, error: expect.stringMatching(/^instance 0: expected an object keyed by column name/) });
    expect(await ask(JSON.stringify({ inputs: { age: [1, 2], job: ['x'] } }))).toMatchObject({ status: 400 });
    expect(await ask(JSON.stringify({ instances: [good], inputs: {} }))).toMatchObject({ status: 400, error: expect.stringMatching(/not both/) });
    // a good request after all of these is still answered
    expect((await http(s.port, 'POST', '/v1/models/marketing:predict', { body: JSON.stringify({ instances: [good] }) })).status).toBe(200);
  });

  it('404 for an unknown model, version or endpoint; 405 for a wrong method', async () => {
    expect((await http(s.port, 'GET', '/v1/models/other')).status).toBe(404);
    expect(JSON.parse((await http(s.port, 'POST', '/v1/models/other:predict', { body: '{}' })).body).error).toMatch(/no model named "other"/);
    expect((await http(s.port, 'GET', '/v1/models/marketing/versions/1')).status).toBe(404);
    expect((await http(s.port, 'GET', '/nope')).status).toBe(404);
    expect((await http(s.port, 'GET', '/v1/models/marketing:predict')).status).toBe(405);
    const version = (await http(s.port, 'GET', '/healthz')).headers['x-model-version'];
    expect((await http(s.port, 'GET', `/v1/models/marketing/versions/${version}`)).status).toBe(200);
  });

  it('413 for a body over --max-body, by its length header or as it streams, without reading it whole', async () => {
    const big = 'x'.repeat(70 * 1024);
    const byLength = await http(s.port, 'POST', '/v1/models/marketing:predict', { body: big });
    expect(byLength.status).toBe(413);
    expect(byLength.headers.connection).toBe('close');
    // chunked, no length: refused once it passes the limit, long before the 1 MB it would send
    const chunks = Array.from({ length: 256 }, () => 'y'.repeat(4096));
    const streamed = await http(s.port, 'POST', '/v1/models/marketing:predict', { chunks, headers: { 'transfer-encoding': 'chunked' } }).catch((e: Error) => ({ status: -1, body: e.message, headers: {} }));
    // the server answers 413 then closes; the client may see the answer or, if still writing, a reset
    expect([413, -1]).toContain(streamed.status);
    expect((await http(s.port, 'GET', '/healthz')).status).toBe(200);
  });

  it('408 for a body that arrives slower than --timeout, and other requests go on meanwhile', async () => {
    const slow = http(s.port, 'POST', '/v1/models/marketing:predict', { chunks: ['{"instances"', ': [', ']', '}'], pauseMs: 250, headers: { 'content-length': '17' } }).catch((e: Error) => ({ status: -1, body: e.message, headers: {} }));
    const meanwhile = await http(s.port, 'GET', '/healthz');
    expect(meanwhile.status).toBe(200);
    const slowReply = await slow;
    expect([408, -1]).toContain(slowReply.status);
  });

  it(':score answers the scored list densely predict writes, with ?id, &top and &threshold', async () => {
    const out = join(t.dir, 'top.csv');
    cli('predict', '--model', t.model, '--data', t.rows, '--out', out, '--id', 'customer', '--top', '10%', '--threshold', '0.2');
    const r = await http(s.port, 'POST', '/v1/models/marketing:score?id=customer&top=10%25&threshold=0.2', { body: readFileSync(t.rows, 'utf8'), headers: { 'content-type': 'text/csv' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['x-rows-scored']).toBe('200');
    expect(r.body).toBe(readFileSync(out, 'utf8'));
    const bad = await http(s.port, 'POST', '/v1/models/marketing:score?id=nope', { body: readFileSync(t.rows, 'utf8') });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/no column 'nope'/);
    expect((await http(s.port, 'POST', '/v1/models/marketing:score?top=200%25', { body: 'a\n1\n' })).status).toBe(400);
  });

  it('/metrics counts requests by route and status, rows scored, and latency', async () => {
    const text = (await http(s.port, 'GET', '/metrics')).body;
    expect(text).toMatch(/^# TYPE densely_requests_total counter$/m);
    expect(Number(/densely_requests_total\{model="marketing",route="predict",status="200"\} (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(3);
    expect(Number(/densely_requests_total\{model="marketing",route="predict",status="400"\} (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(10);
    expect(Number(/densely_rows_scored_total\{model="marketing"\} (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(405);
    const count = Number(/densely_request_duration_seconds_count\{model="marketing"\} (\d+)/.exec(text)![1]);
    expect(Number(/densely_request_duration_seconds_bucket\{model="marketing",le="\+Inf"\} (\d+)/.exec(text)![1])).toBe(count);
    expect(errors).toEqual([]); // no 500s, nothing unexpected logged
  });
});

describe('densely serve: hot swap', () => {
  it('takes over a replaced model file once it validates; keeps serving through a broken one', async () => {
    const a = trainedModel(1, 1);
    const b = join(a.dir, 'b.json');
    cli('train', '--data', a.train, '--drop', 'customer', '--epochs', '1', '--seed', '7', '--save', b);
    const served = join(a.dir, 'served.json');
    copyFileSync(a.model, served);
    const s = await startServer({ model: served, name: 'm', port: 0, log: quiet });
    try {
      const body = JSON.stringify({ instances: instancesOf(readFileSync(a.rows, 'utf8')).slice(0, 3) });
      const before = await http(s.port, 'POST', '/v1/models/m:predict', { body });
      const v1 = before.headers['x-model-version'];
      // replaced atomically, as densely writes it
      writeFileAtomic(served, readFileSync(b));
      let after = before;
      for (let i = 0; i < 100 && after.headers['x-model-version'] === v1; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = await http(s.port, 'POST', '/v1/models/m:predict', { body });
      }
      expect(after.headers['x-model-version']).not.toBe(v1);
      expect(after.body).not.toBe(before.body);
      // a broken replacement is refused by reload; the new version keeps serving
      writeFileAtomic(served, '{"format": "densely-model", "version": 2, "layers": [null]}');
      expect(s.holder.reload('test')).toBe('refused');
      const still = await http(s.port, 'POST', '/v1/models/m:predict', { body });
      expect(still.status).toBe(200);
      expect(still.body).toBe(after.body);
      expect(s.metrics.reloadFailures).toBeGreaterThanOrEqual(1);
    } finally {
      await s.close();
    }
  });
});

describe('densely serve: models without a CSV preparation', () => {
  it('takes arrays of numbers, standardized as in training, and refuses a wrong width', async () => {
    const dir = trainedModel(1).dir;
    // a .npy model: 3 features + label
    const n = 300;
    const table = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const a = Math.sin(i) * 10;
      const b = Math.cos(i * 0.7) + 5;
      table.set([a, b, i % 3, a + b > 5 ? 1 : 0], i * 4);
    }
    const data = join(dir, 'xy.npy');
    writeFileSync(data, writeNpy({ shape: [n, 4], data: table }));
    const model = join(dir, 'npy-model.json');
    cli('train', '--data', data, '--epochs', '1', '--save', model, '--standardize');
    const X = join(dir, 'x.npy');
    const rows = [
      [1, 5, 0],
      [-8, 4.5, 2],
    ];
    writeFileSync(X, writeNpy({ shape: [2, 3], data: Float32Array.from(rows.flat()) }));
    const out = join(dir, 'p.csv');
    cli('predict', '--model', model, '--data', X, '--out', out);
    const expected = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    const s = await startServer({ model, name: 'xy', port: 0, watch: false, log: quiet });
    try {
      const r = await http(s.port, 'POST', '/v1/models/xy:predict', { body: JSON.stringify({ instances: rows }) });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).predictions.map((p: number[]) => String(p[0]))).toEqual(expected);
      const wide = await http(s.port, 'POST', '/v1/models/xy:predict', { body: JSON.stringify({ instances: [[1, 2, 3, 4]] }) });
      expect(JSON.parse(wide.body).error).toBe('instance 0: has 4 values, the model takes 3');
      const text = await http(s.port, 'POST', '/v1/models/xy:predict', { body: JSON.stringify({ instances: [[1, 'a', 3]] }) });
      expect(JSON.parse(text.body).error).toMatch(/^instance 0, feature 1.*: expected a number, got "a"$/);
      expect((await http(s.port, 'POST', '/v1/models/xy:score', { body: 'a,b,c\n1,2,3\n' })).status).toBe(400);
    } finally {
      await s.close();
    }
  });
});

describe('densely serve: bad requests mixed with good ones', () => {
  it('answers every good request correctly through a seeded stream of malformed, oversized, slow and abandoned ones', async () => {
    const t = trainedModel();
    const logged: string[] = [];
    const s = await startServer({ model: t.model, name: 'm', port: 0, watch: false, timeoutMs: 300, maxBody: 32 * 1024, log: { info: () => {}, error: (l) => logged.push(l) } });
    try {
      const instances = instancesOf(readFileSync(t.rows, 'utf8'));
      const expected: number[][] = [];
      for (let i = 0; i < instances.length; i += 50) {
        const r = await http(s.port, 'POST', '/v1/models/m:predict', { body: JSON.stringify({ instances: instances.slice(i, i + 50) }) });
        expected.push(...(JSON.parse(r.body).predictions as number[][]));
      }
      expect(expected).toHaveLength(instances.length);
      let seed = 12345;
      const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      const bad = [
        () => http(s.port, 'POST', '/v1/models/m:predict', { body: '{"instances": [{"age": ' }),
        () => http(s.port, 'POST', '/v1/models/m:predict', { body: JSON.stringify({ instances: [{ ...instances[0], job: { x: 1 } }] }) }),
        () => http(s.port, 'POST', '/v1/models/m:predict', { body: 'z'.repeat(40 * 1024) }),
        () => http(s.port, 'POST', '/v1/models/m:predict', { chunks: ['{"inst', 'ances": []}'], pauseMs: 450, headers: { 'content-length': '17' } }),
        () => http(s.port, 'POST', '/v1/models/m:score', { body: '\u0000\u0001binary\n\u0002' }),
        () => http(s.port, 'DELETE', '/v1/models/m'),
        () =>
          new Promise<Reply0>((resolve) => {
            // raw garbage that is not HTTP at all, then a hang-up
            const sock = connect(s.port, '127.0.0.1', () => sock.end('GARBAGE / NOT-HTTP\r\n\r\n'));
            sock.on('data', () => {});
            sock.on('close', () => resolve({ status: 400 }));
            sock.on('error', () => resolve({ status: 400 }));
          }),
        () =>
          new Promise<Reply0>((resolve) => {
            // a client that goes away in the middle of its body
            const sock = connect(s.port, '127.0.0.1', () => {
              sock.write('POST /v1/models/m:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"instances": [');
              setTimeout(() => sock.destroy(), 20);
            });
            sock.on('error', () => {});
            sock.on('close', () => resolve({ status: 0 }));
          }),
      ];
      let good = 0;
      const wrong: string[] = [];
      const one = async () => {
        if (rand() < 0.5) {
          const i = Math.floor(rand() * instances.length);
          const r = await http(s.port, 'POST', '/v1/models/m:predict', { body: JSON.stringify({ instances: [instances[i]] }) });
          if (r.status !== 200 || JSON.parse(r.body).predictions[0][0] !== expected[i][0]) wrong.push(`${i}: ${r.status} ${r.body}`);
          good++;
        } else {
          const r = await bad[Math.floor(rand() * bad.length)]().catch(() => ({ status: -1 }));
          if (r.status === 200) wrong.push('a bad request was answered 200');
        }
      };
      // 8 clients, 40 requests each: bounded in count, and each request by the server's timeout
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let k = 0; k < 40; k++) await one();
      }));
      expect(good).toBeGreaterThan(100);
      expect(wrong).toEqual([]);
      expect((await http(s.port, 'GET', '/healthz')).status).toBe(200);
      expect(logged).toEqual([]); // no 500s
    } finally {
      await s.close();
    }
  });
});

type Reply0 = { status: number };

describe('densely serve: other model files', () => {
  it('serves a model whose weights are in a binary sidecar, and the same model as a TF.js folder, with the same predictions', async () => {
    const t = trainedModel();
    const { model, preparation, featureNames } = loadModelFile(t.model);
    const sidecar = join(t.dir, 'sidecar.json');
    saveModel(sidecar, model, { preparation, featureNames }, { sidecarWeights: 1 });
    expect(JSON.parse(readFileSync(sidecar, 'utf8')).weightsFile).toBeDefined();
    const tfjsDir = join(t.dir, 'tfjs');
    saveModel(tfjsDir, model, { preparation, featureNames }, { format: 'tfjs' });
    const body = JSON.stringify({ instances: instancesOf(readFileSync(t.rows, 'utf8')).slice(0, 20) });
    const answers: string[] = [];
    const versions: string[] = [];
    for (const file of [t.model, sidecar, tfjsDir]) {
      const s = await startServer({ model: file, name: 'm', port: 0, watch: false, log: quiet });
      try {
        const r = await http(s.port, 'POST', '/v1/models/m:predict', { body });
        expect(r.status, r.body).toBe(200);
        answers.push(r.body);
        versions.push(String(r.headers['x-model-version']));
      } finally {
        await s.close();
      }
    }
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toBe(answers[0]);
    expect(new Set(versions).size).toBe(3); // different files, different versions
  });
});
