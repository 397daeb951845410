/**
 * Multinomial logistic regression (softmax) over sparse binary features, trained by AdaGrad.
 *
 * natural ships the same model family (LogisticRegressionClassifier), but it trains one-vs-all on dense matrices
 * and turns every message into a vector as long as the vocabulary: minutes of training and ~0.1 ms per message on
 * our data. Here a message costs a few dozen multiply-adds per intent and training takes well under a second.
 * Unlike naive Bayes scores, the softmax output is a probability the out-of-scope check can put a threshold on.
 */
export interface TrainingExample {
  features: readonly string[];
  label: string;
}

export interface LinearOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied to the weights a step touches. */
  l2: number;
  /** Seed of the example shuffle, so the same data always gives the same model. */
  seed: number;
}

/** Gradients smaller than this are skipped (their update would be negligible). */
const SKIP_GRADIENT = 1e-2;

/** Chosen by 5-fold cross-validation on intents/ (more epochs gain nothing and cost start-up time). */
export interface LinearSnapshot {
  labels: string[];
  features: string[];
  /** Float32 little-endian, base64. */
  weightsFloat32: string;
  /** Float64 little-endian, base64. */
  bias: string;
}

export const DEFAULT_LINEAR_OPTIONS: LinearOptions = { epochs: 8, learningRate: 1, l2: 1e-5, seed: 1 };

export class LinearClassifier {
  readonly labels: readonly string[];
  readonly #features: Map<string, number>;
  /**
   * Row f holds the weight of feature f for each label. Trained in double precision, kept in single: the rows a
   * message touches are fetched from memory on every parse, and half the bytes is half the cache misses, while the
   * predictions do not change (the weights need far fewer than 7 significant digits).
   */
  readonly #weights: Float32Array;
  readonly #bias: Float64Array;

  private constructor(labels: readonly string[], features: Map<string, number>, weights: Float32Array, bias: Float64Array) {
    this.labels = labels;
    this.#features = features;
    this.#weights = weights;
    this.#bias = bias;
  }

  static train(examples: readonly TrainingExample[], labels: readonly string[], options: Partial<LinearOptions> = {}): LinearClassifier {
    const { epochs, learningRate, l2, seed } = { ...DEFAULT_LINEAR_OPTIONS, ...options };
    const classes = labels.length;
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const features = new Map<string, number>();
    const encoded = examples.map((example) => {
      const ids = example.features.map((f) => {
        const known = features.get(f);
        if (known !== undefined) return known;
        features.set(f, features.size);
        return features.size - 1;
      });
      const label = labelIndex.get(example.label);
      if (label === undefined) throw new Error(`unknown label "${example.label}"`);
      return { ids, label };
    });

    const weights = new Float64Array(features.size * classes);
    const bias = new Float64Array(classes);
    // AdaGrad with one accumulator per feature (not per weight): one square root per feature per step.
    const featureSquares = new Float64Array(features.size).fill(1e-8);
    const biasSquares = new Float64Array(classes).fill(1e-8);
    const gradients = new Float64Array(classes);
    const order = encoded.map((_, i) => i);
    const random = seededRandom(seed);

    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      for (const index of order) {
        const { ids, label } = encoded[index]!;
        if (ids.length === 0) continue;
        const value = 1 / Math.sqrt(ids.length);
        scoreInto(gradients, ids, value, weights, bias, classes);
        softmaxInPlace(gradients);
        gradients[label]! -= 1;
        let squared = 0;
        for (let c = 0; c < classes; c++) {
          const g = gradients[c]!;
          squared += g * g;
          biasSquares[c]! += g * g;
          bias[c]! -= (learningRate * g) / Math.sqrt(biasSquares[c]!);
        }
        squared *= value * value;
        for (const id of ids) {
          featureSquares[id]! += squared;
          const rate = (learningRate * value) / Math.sqrt(featureSquares[id]!);
          const row = id * classes;
          for (let c = 0; c < classes; c++) {
            const g = gradients[c]!;
            // Labels the model already rules out for this example get no update: most of them, after an epoch or two.
            if (g > -SKIP_GRADIENT && g < SKIP_GRADIENT) continue;
            weights[row + c]! -= rate * (g + l2 * weights[row + c]!);
          }
        }
      }
    }
    return new LinearClassifier(labels, features, Float32Array.from(weights), bias);
  }

  /** The trained model as plain data (build-time snapshot, see matcher-snapshot.ts). */
  toSnapshot(): LinearSnapshot {
    return {
      labels: [...this.labels],
      features: [...this.#features.keys()],
      weightsFloat32: Buffer.from(this.#weights.buffer, this.#weights.byteOffset, this.#weights.byteLength).toString('base64'),
      bias: Buffer.from(this.#bias.buffer, this.#bias.byteOffset, this.#bias.byteLength).toString('base64'),
    };
  }

  static fromSnapshot(snapshot: LinearSnapshot): LinearClassifier {
    const bytes = (base64: string) => {
      const buffer = Buffer.from(base64, 'base64');
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    };
    const weights = new Float32Array(bytes(snapshot.weightsFloat32));
    const bias = new Float64Array(bytes(snapshot.bias));
    if (bias.length !== snapshot.labels.length || weights.length !== snapshot.features.length * snapshot.labels.length) {
      throw new Error('model snapshot does not fit its labels and features');
    }
    return new LinearClassifier(snapshot.labels, new Map(snapshot.features.map((f, i) => [f, i])), weights, bias);
  }

  /** Every feature the model knows, with its row (see FeatureIndex). */
  get featureRows(): ReadonlyMap<string, number> {
    return this.#features;
  }

  /**
   * Probability of each label (same order as `labels`) for a message whose known features have these rows, out of
   * `distinct` features in all: unknown features carry no weight but count in the length normalisation, so a message
   * made mostly of unknown words gets a flatter (less sure) distribution. `temperature` < 1 sharpens the
   * distribution; the matcher uses the value that calibrates it on held-out data.
   */
  probabilities(rows: readonly number[], distinct: number, temperature = 1): Float64Array {
    const classes = this.labels.length;
    const logits = this.#bias.slice();
    const value = 1 / Math.sqrt(distinct);
    for (const id of rows) {
      const row = id * classes;
      for (let c = 0; c < classes; c++) logits[c]! += value * this.#weights[row + c]!;
    }
    if (temperature !== 1) for (let c = 0; c < classes; c++) logits[c]! /= temperature;
    return softmaxInPlace(logits);
  }
}

function scoreInto(out: Float64Array, ids: readonly number[], value: number, weights: Float64Array, bias: Float64Array, classes: number): void {
  out.set(bias);
  for (const id of ids) {
    const row = id * classes;
    for (let c = 0; c < classes; c++) out[c]! += value * weights[row + c]!;
  }
}

function softmaxInPlace(logits: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    logits[c] = Math.exp(logits[c]! - max);
    sum += logits[c]!;
  }
  for (let c = 0; c < logits.length; c++) logits[c]! /= sum;
  return logits;
}

/** mulberry32: a tiny deterministic generator, enough for shuffling. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
