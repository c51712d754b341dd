/**
 * Optimizers that update Float32Array parameters in place, named and defaulted as
 * `torch.optim` and following its update rules operation by operation in f32
 * (crates/core/src/train/optim.rs):
 *
 * ```js
 * const opt = new Adam([weights, bias], { lr: 0.01 });
 * for (…) { const { grad } = bceWithLogits(y, logits(weights, bias), { grad: true }); …; opt.step([gW, gB]); }
 * ```
 *
 * Hyper-parameters live in `opt.options` (and `opt.lr`): change them between steps to schedule
 * them; the next step checks them. Steps run
 * synchronously on the calling thread (they write the caller's arrays).
 */
import { run } from '../backends/call.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

/** What every optimizer shares: the parameters, one state buffer each, the step count. */
abstract class Optimizer<O extends { lr?: number }> {
  readonly params: Float32Array[];
  /** The hyper-parameters, defaults filled in; mutable between steps. */
  readonly options: Required<O>;
  /** Steps taken (PyTorch's `state['step']`). */
  steps = 0;
  private readonly state: Float32Array[];

  protected constructor(
    private readonly name: string,
    params: Float32Array[],
    options: Required<O>,
    private readonly hyper: (o: Required<O>) => number[],
    initialState = 0,
  ) {
    if (!Array.isArray(params) || params.length === 0) throw new TypeError('params must be a non-empty array of Float32Array');
    params.forEach((p, i) => {
      if (!(p instanceof Float32Array)) throw new TypeError(`params[${i}] must be a Float32Array (it is updated in place)`);
    });
    this.params = params;
    this.options = options;
    const slots = run('optimizerStateSlots', [name, this.hyperVector()]);
    this.state = params.map((p) => new Float32Array(slots * p.length).fill(initialState));
  }

  get lr(): number {
    return this.options.lr as number;
  }
  set lr(value: number) {
    this.options.lr = value;
  }

  private hyperVector(): Float64Array {
    const h = this.hyper(this.options);
    h.forEach((v) => {
      if (typeof v !== 'number') throw new TypeError(`${this.name}: hyper-parameters must be numbers (or booleans for flags)`);
    });
    return Float64Array.from(h);
  }

  /** One step: `grads[i]` is the gradient of `params[i]` (a Float32Array of the same length). */
  step(grads: ArrayLike<Float32Array>): void {
    if (grads?.length !== this.params.length) {
      throw new RangeError(`grads: has ${grads?.length} arrays, expected ${this.params.length} (one per parameter)`);
    }
    for (let i = 0; i < grads.length; i++) {
      if (!(grads[i] instanceof Float32Array)) throw new TypeError(`grads[${i}] must be a Float32Array`);
      if (grads[i].length !== this.params[i].length) {
        throw new RangeError(`grads: grads[${i}] has length ${grads[i].length}, expected ${this.params[i].length} (its parameter's)`);
      }
      // Checked before any update, so a bad gradient leaves every parameter as it was.
      const bad = grads[i].findIndex((g) => !Number.isFinite(g));
      if (bad >= 0) throw new RangeError(`grads: grads[${i}][${bad}] is ${grads[i][bad]}; gradients must be finite`);
    }
    const hyper = this.hyperVector();
    this.steps++;
    this.params.forEach((p, i) => {
      // The kernel returns [params…, state…] after the step; written back here, in place.
      const next = run('optimizerStep', [this.name, hyper, this.steps, p, grads[i], this.state[i]]);
      p.set(next.subarray(0, p.length));
      this.state[i].set(next.subarray(p.length));
    });
  }
}

const flag = (b: boolean) => (b ? 1 : 0);

function withDefaults<O>(options: O | undefined, defaults: Required<O>): Required<O> {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('options must be an object');
  return { ...defaults, ...Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) } as Required<O>;
}

/** SGD with optional momentum, dampening, weight decay and Nesterov momentum (torch.optim.SGD). */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Float32Array[], options: SGDOptions) {
    if (options?.lr === undefined) throw new TypeError('lr is required (torch.optim.SGD has no default)');
    const o = withDefaults(options, { lr: 0, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false });
    super('SGD', params, o, (o) => [o.lr, o.momentum, o.dampening, o.weightDecay, flag(o.nesterov)]);
  }
}

/** Adagrad (Duchi et al. 2011; torch.optim.Adagrad): lr 0.01, eps 1e-10. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Float32Array[], options?: AdagradOptions) {
    const o = withDefaults(options, { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
    super('Adagrad', params, o, (o) => [o.lr, o.lrDecay, o.weightDecay, o.eps], o.initialAccumulatorValue);
  }
}

/** RMSprop (Hinton; torch.optim.RMSprop): lr 0.01, alpha 0.99, eps 1e-8, optional centering and momentum. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Float32Array[], options?: RMSpropOptions) {
    const o = withDefaults(options, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
    super('RMSprop', params, o, (o) => [o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, flag(o.centered)]);
  }
}

const adamHyper = (o: Required<AdamOptions>) => {
  if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new TypeError('betas must be [beta1, beta2]');
  return [o.lr, o.betas[0], o.betas[1], o.eps, o.weightDecay, flag(o.amsgrad)];
};

/** Adam (Kingma & Ba 2015; torch.optim.Adam): lr 1e-3, betas (0.9, 0.999), eps 1e-8, L2 weight decay, AMSGrad. */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Float32Array[], options?: AdamOptions) {
    super('Adam', params, withDefaults(options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }), adamHyper);
  }
}

/** AdamW (Loshchilov & Hutter 2019; torch.optim.AdamW): Adam with decoupled weight decay 0.01. */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Float32Array[], options?: AdamOptions) {
    super('AdamW', params, withDefaults(options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false }), adamHyper);
  }
}
