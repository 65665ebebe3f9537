import * as tf from "@tensorflow/tfjs-core";

/**
 * Grouped-query causal attention. q [B, T, H, hd], k and v [B, T, KV, hd] (RoPE already applied),
 * mask [T, T] (0 on and below the diagonal, a large negative number above). Returns [B*T, H*hd].
 * Query head h uses kv head floor(h / (H / KV)): the H/KV query heads of one group are adjacent, so
 * q is viewed as [B*KV, (H/KV)*T, hd] and each group does one matmul against its own k, without
 * copying k and v per query head. Transposes stay at rank 4.
 */
export function causalAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor2D, scale: number): tf.Tensor2D {
  const [b, t, h, hd] = q.shape;
  const kv = k.shape[2];
  const group = h / kv;
  const qg = tf.reshape(tf.transpose(tf.mul(q, scale), [0, 2, 1, 3]), [b * kv, group * t, hd]);
  const kg = tf.reshape(tf.transpose(k, [0, 2, 1, 3]), [b * kv, t, hd]);
  const vg = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [b * kv, t, hd]);
  const scores = tf.reshape(tf.matMul(qg, kg, false, true), [b * h, t, t]);
  // Softmax in float32 (every tensor here is float32) over keys, after the additive causal mask.
  const probs = tf.reshape(tf.softmax(tf.add(scores, mask)), [b * kv, group * t, t]);
  const out = tf.reshape(tf.matMul(probs, vg), [b, h, t, hd]);
  return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b * t, h * hd]);
}

/** The additive causal mask [T, T], built in JS so it is a constant with no gradient path. */
export function causalMask(seqLen: number): tf.Tensor2D {
  const data = new Float32Array(seqLen * seqLen);
  // Note: a large finite value rather than -Infinity: the result is the same (exp underflows to 0),
  // and a finite mask cannot produce inf - inf = NaN in any backend's softmax or its gradient.
  for (let i = 0; i < seqLen; i++) data.fill(-1e9, i * seqLen + i + 1, (i + 1) * seqLen);
  return tf.tensor2d(data, [seqLen, seqLen]);
}
