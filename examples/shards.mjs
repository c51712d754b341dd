// Accumulators across worker_threads: each worker evaluates its shard of a log and sends the
// accumulator as plain data (toJSON); the main thread merges the shards in a fixed order and
// computes once. Exact mode equals the one-shot functions on the whole log, bit for bit.
//
//   node examples/shards.mjs            (after `npm run build`; in your project: from 'reckit')
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AucAccumulator, GaucAccumulator, RankingAccumulator, auc, gaucReport, rankingMetrics } from '../dist/index.js';

/** A deterministic CTR-like log: 10% clicks, 2000 users. */
function log(n) {
  let s = 42;
  const random = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const users = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < 0.1 ? 1 : 0;
    scores[i] = 1 / (1 + Math.exp(-(labels[i] + 3 * (random() - 0.5))));
    users[i] = Math.floor(random() * 2000);
  }
  return { labels, scores, users };
}

const N = 300_000;
const SHARDS = 3;

if (isMainThread) {
  const shards = await Promise.all(
    Array.from({ length: SHARDS }, (_, shard) => new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { shard } });
      worker.once('message', resolve);
      worker.once('error', reject);
    })),
  );
  // Merge in shard order, so the rows are in the log's order: the exact result follows.
  const aucAll = new AucAccumulator();
  const binnedAll = new AucAccumulator({ mode: 'binned', bins: 4096 });
  const gaucAll = new GaucAccumulator();
  const rankingAll = new RankingAccumulator({ k: [10] });
  for (const s of shards) {
    aucAll.merge(AucAccumulator.fromJSON(s.auc));
    binnedAll.merge(AucAccumulator.fromJSON(s.binned));
    gaucAll.merge(GaucAccumulator.fromJSON(s.gauc));
    rankingAll.merge(RankingAccumulator.fromJSON(s.ranking));
  }
  const { labels, scores, users } = log(N);
  const oneShot = auc(labels, scores);
  console.log(`AUC   merged ${aucAll.compute()}  one-shot ${oneShot}  equal: ${aucAll.compute() === oneShot}`);
  console.log(`AUC   binned ${binnedAll.compute().toFixed(9)} ± ${binnedAll.errorBound().toExponential(2)}`);
  console.log(`GAUC  merged ${gaucAll.compute().value}  one-shot ${gaucReport(labels, scores, users).value}`);
  const ndcg = rankingAll.compute().at[10].ndcg;
  console.log(`NDCG@10 merged ${ndcg}  one-shot ${rankingMetrics(labels, scores, { groups: users, k: 10 }).at[10].ndcg}`);
} else {
  const { shard } = workerData;
  const { labels, scores, users } = log(N);
  const [from, to] = [(shard * N) / SHARDS, ((shard + 1) * N) / SHARDS];
  const [l, s, u] = [labels.subarray(from, to), scores.subarray(from, to), users.subarray(from, to)];
  parentPort.postMessage({
    auc: new AucAccumulator().update(l, s).toJSON(),
    binned: new AucAccumulator({ mode: 'binned', bins: 4096 }).update(l, s).toJSON(),
    gauc: new GaucAccumulator().update(l, s, u).toJSON(),
    ranking: new RankingAccumulator({ k: [10] }).update(l, s, u).toJSON(),
  });
}
