// AdamW, gradient clipping and the cosine schedule against PyTorch (torch.optim.AdamW,
// clip_grad_norm_, CosineAnnealingLR) on the same numbers, two parameter groups with their own
// learning rates, over several steps.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { init, numpy as np } from '@jax-js/jax';
import { AdamW, ADAMW_DEFAULTS, cosineLr, groupsToHost, hostToGroups, type HostGroups } from '../../../src/shared/train/optimizer';
import { runPython, PYTHON } from '../eval/python-reference';
import { mulberry32 } from '../../fixtures/seeded-random';
import { TrainError } from '../../../src/shared/train/train.types';

const hasTorch = existsSync(PYTHON) && (() => {
  try {
    runPython('import torch, json; print(json.dumps(1))', null);
    return true;
  } catch {
    return false;
  }
})();

before(async () => {
  await init('wasm');
});

function randomGroups(seed: number, scale: number): HostGroups {
  const r = mulberry32(seed);
  const t = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * scale) });
  return { enc: { w: t([3, 4]), b: t([3]) }, head: { w: t([2, 3]) } };
}

const flat = (g: HostGroups) => Object.keys(g).sort().flatMap((grp) => Object.keys(g[grp]).sort().map((k) => Array.from(g[grp][k].data)));

describe('cosine schedule', () => {
  test('matches CosineAnnealingLR stepped per step, and stays at eta_min afterwards', () => {
    assert.equal(cosineLr(0, 10, 1e-3, 1e-5), 1e-3);
    assert.ok(Math.abs(cosineLr(5, 10, 1e-3, 1e-5) - (1e-5 + (1e-3 - 1e-5) / 2)) < 1e-15, 'the cosine rate at half way is the midpoint');
    assert.equal(cosineLr(10, 10, 1e-3, 1e-5), 1e-5);
    assert.equal(cosineLr(25, 10, 1e-3, 1e-5), 1e-5);
    assert.equal(cosineLr(0, 10, 1e-3, 0, 4), 2.5e-4, 'warm-up is linear');
  });

  test('a bad configuration is refused with every problem named', () => {
    assert.throws(() => new AdamW({ ...ADAMW_DEFAULTS, lr: 2, eps: 0 }), (e: TrainError) => e.code === 'bad-config' && e.details.length === 2);
  });
});

describe('AdamW', { skip: !hasTorch && 'needs /usr/bin/python3 with python3-torch' }, () => {
  test('three steps with clipping and two learning rates equal torch.optim.AdamW within 1e-6', async () => {
    const p0 = randomGroups(1, 1);
    const grads = [randomGroups(2, 3), randomGroups(3, 0.01), randomGroups(4, 2)];
    const cfg = { ...ADAMW_DEFAULTS, lr: 0.05, weightDecay: 0.05, clipNorm: 1, etaMin: 0.001 };
    const total = 3;
    const opt = new AdamW(cfg);
    let params = hostToGroups(p0);
    const norms: number[] = [];
    for (let s = 0; s < 3; s++) {
      // Each group anneals from its own base rate to the shared eta_min, as CosineAnnealingLR does.
      const lrs = { enc: cosineLr(s, total, cfg.lr, cfg.etaMin), head: cosineLr(s, total, cfg.lr * 5, cfg.etaMin) };
      const out = await opt.update(params, hostToGroups(grads[s]), lrs);
      params = out.params;
      norms.push(out.gradNorm);
    }
    const ours = await groupsToHost(params);
    opt.dispose();
    const ref = runPython<{ params: number[][]; norms: number[] }>(
      `
import json, sys, torch
d = json.load(sys.stdin)
def leaves(g): return [(grp, k) for grp in sorted(g) for k in sorted(g[grp])]
ps = {(grp,k): torch.tensor(d['p0'][grp][k]['data'], dtype=torch.float32).reshape(d['p0'][grp][k]['shape']).requires_grad_() for grp,k in leaves(d['p0'])}
enc = [ps[x] for x in leaves(d['p0']) if x[0]=='enc']; head = [ps[x] for x in leaves(d['p0']) if x[0]=='head']
opt = torch.optim.AdamW([{'params': enc, 'lr': d['lr']}, {'params': head, 'lr': d['lr']*5}], lr=d['lr'], betas=(0.9,0.999), eps=1e-8, weight_decay=d['wd'])
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3, eta_min=d['etaMin'])
norms = []
for s in range(3):
  for x in leaves(d['p0']):
    ps[x].grad = torch.tensor(d['g'][s][x[0]][x[1]]['data'], dtype=torch.float32).reshape(d['p0'][x[0]][x[1]]['shape'])
  n = torch.nn.utils.clip_grad_norm_([ps[x] for x in leaves(d['p0'])], 1.0)
  norms.append(float(n))
  opt.step(); sched.step()
print(json.dumps({'params': [ps[x].detach().reshape(-1).tolist() for x in leaves(d['p0'])], 'norms': norms}))
`,
      { p0: toJson(p0), g: grads.map(toJson), lr: cfg.lr, wd: cfg.weightDecay, etaMin: cfg.etaMin },
    );
    norms.forEach((n, i) => assert.ok(Math.abs(n - ref.norms[i]) < 1e-5 * Math.max(1, ref.norms[i]), `norm ${i}: ${n} vs ${ref.norms[i]}`));
    const a = flat(ours);
    let worst = 0;
    a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ref.params[i][j])))));
    assert.ok(worst < 1e-6, `max |Δ| ${worst}`);
  });

  test('moments survive export and import: resumed steps equal uninterrupted ones', async () => {
    const p0 = randomGroups(5, 1);
    const g = [randomGroups(6, 1), randomGroups(7, 1), randomGroups(8, 1)];
    const run = async (breakAfter: number | null) => {
      let opt = new AdamW({ ...ADAMW_DEFAULTS, lr: 0.01 });
      let params = hostToGroups(p0);
      for (let s = 0; s < 3; s++) {
        if (s === breakAfter) {
          const state = await opt.exportState();
          const host = await groupsToHost(params);
          opt.dispose();
          opt = new AdamW({ ...ADAMW_DEFAULTS, lr: 0.01 });
          opt.importState(JSON.parse(JSON.stringify(state, (_k, v) => (v instanceof Float32Array ? { __f32: Array.from(v) } : v)), (_k, v) => (v && v.__f32 ? Float32Array.from(v.__f32) : v)));
          params = hostToGroups(host);
        }
        params = (await opt.update(params, hostToGroups(g[s]), { enc: 0.01, head: 0.02 })).params;
      }
      opt.dispose();
      return flat(await groupsToHost(params));
    };
    assert.deepEqual(await run(2), await run(null));
  });
});

function toJson(g: HostGroups) {
  return Object.fromEntries(Object.entries(g).map(([grp, r]) => [grp, Object.fromEntries(Object.entries(r).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }]))]));
}
void np;
