// The DIN/DIEN demo's features from data/sample.csv: exactly python/train_demo.py's rule, so the
// weights trained there score the same batches here (in Node and in the browser).
//
// - ids: user = user_id + 1, item = item_id + 1 (0 is the padding id);
// - sparse columns ['user', 'item']; history field 'item';
// - the history of row i: the items of the same user's clicked rows (label 1) before row i, the
//   last T of them oldest first, right-padded with 0; its length may be 0.

/** History steps per row. */
export const T = 20;

/**
 * The batch of rows [from, to) of a log in time order (parallel arrays of user ids, item ids and
 * 0/1 labels): `{ sparse [B, 2], history [B, T], lengths [B] }` for DIN.forward / DIEN.forward.
 */
export function ctrBatch(users, items, labels, from, to) {
  const b = to - from;
  const sparse = new Int32Array(b * 2), history = new Int32Array(b * T), lengths = new Int32Array(b);
  const clicked = new Map(); // user → its clicked items so far, oldest first (the last T kept)
  for (let i = 0; i < to; i++) {
    const past = clicked.get(users[i]) ?? [];
    if (i >= from) {
      const r = i - from;
      sparse[2 * r] = users[i] + 1;
      sparse[2 * r + 1] = items[i] + 1;
      history.set(past, r * T);
      lengths[r] = past.length;
    }
    if (labels[i] === 1) {
      past.push(items[i] + 1);
      if (past.length > T) past.shift();
      clicked.set(users[i], past);
    }
  }
  return { sparse, history, lengths };
}

/** Rows [floor(0.8·n), n): the held-out part (train_demo.py trains on the rows before). */
export const heldOut = (n) => [Math.floor(0.8 * n), n];
