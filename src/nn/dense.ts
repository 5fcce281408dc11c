import type { ActivationKernels, Backend } from '../backends/backend.js';
import type { MT19937 } from '../tensor/random.js';
import { RowViews } from '../tensor/row-views.js';
import type { ParamGrad } from '../optim/optimizer.js';
import { getActivation, type Activation, type ActivationName } from './activations.js';
import { getInitializer, type Initializer, type InitializerName } from './initializers.js';
import type { Alloc, Layer, LayerConfig } from './layer.js';
import { checkOptions } from './options.js';
import { getRegularizer, type L1L2, type RegularizerSpec } from './regularizers.js';

export interface DenseOptions {
  activation?: ActivationName | null;
  /** leaky_relu's negative slope (default 0.2, keras.activations.leaky_relu's) or elu's alpha (default 1). */
  alpha?: number;
  /** How the kernel starts (default 'glorot_uniform', as in Keras). */
  kernelInitializer?: InitializerName;
  /** How the bias starts (default 'zeros'). */
  biasInitializer?: InitializerName;
  /** Keras's input_shape: [features]. Only the first layer needs it. */
  inputShape?: [number] | number[];
  /** Keras's input_dim, the same thing as a number. */
  inputDim?: number;
  useBias?: boolean;
  name?: string;
  /** A penalty on the kernel, added to the loss: 'l1', 'l2', 'l1_l2', { l1, l2 } or regularizers.l2(0.01) (see regularizers.ts). */
  kernelRegularizer?: RegularizerSpec | null;
  /** The same on the bias. */
  biasRegularizer?: RegularizerSpec | null;
  /** false freezes the layer (Keras's trainable=False): fit leaves its weights as they are. Default true. */
  trainable?: boolean;
}

/** The keys DenseOptions has: any other is refused (see options.ts). */
export const DENSE_OPTIONS: readonly (keyof DenseOptions)[] = ['activation', 'alpha', 'kernelInitializer', 'biasInitializer', 'inputShape', 'inputDim', 'useBias', 'name', 'kernelRegularizer', 'biasRegularizer', 'trainable'];

/**
 * Dense: a fully connected layer, Y = f(X·W + b).
 *
 *   X: [batch, nIn]   W (kernel): [nIn, nOut] row-major   b: [nOut]   Y: [batch, nOut]
 *
 * Forward:   Z = X·W, then Y = f(Z + b) in the same pass (bias add and activation fused).
 * Backward:  dZ = dY ⊙ f'(Y)      (fused with db += Σrows dZ)
 *            dW += Xᵀ·dZ          (gemm with Aᵀ, no transpose materialised)
 *            dX  = dZ·Wᵀ          (gemm with Bᵀ)
 * Forward caches its input X and output Y; backward reads them and nothing else.
 * X, Y, dY and dX are exactly [rows, ·]: views of the first rows of full-batch buffers.
 *
 * Kernels start from glorot_uniform, U(±sqrt(6/(nIn+nOut))), and biases at zero, unless
 * kernelInitializer / biasInitializer say otherwise (initializers.ts).
 * The loops (gemm, the fused bias + activation and its backward) are the model's backend's,
 * handed over in build.
 *
 * Frozen (`trainable = false`, Keras's trainable=False): backward still passes dX = dZ·Wᵀ down,
 * but computes no dW and no db (they stay 0), and fit's optimizer skips the weights. With a
 * kernel or bias regularizer, penalty() adds l1·Σ|w| + l2·Σw² to the loss and its gradient to dW
 * and db (see regularizers.ts).
 */
export class Dense implements Layer {
  readonly className = 'Dense';
  name: string;
  readonly units: number;
  readonly useBias: boolean;
  /** The activation the user asked for (what toJSON and summary report). */
  readonly activation: Activation;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  /**
   * Keras's layer.trainable. false freezes the layer: its weights get no gradient and fit's
   * optimizer leaves them (and their optimizer state) as they are. Takes effect at the next
   * training step, with no new compile (see docs/modelling.md).
   */
  trainable = true;
  /** The penalties on the kernel and the bias, or null (the default: no work at all). */
  readonly kernelRegularizer: L1L2 | null;
  readonly biasRegularizer: L1L2 | null;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  /** The alpha the user gave (saved only then). */
  private readonly alphaOption: number | undefined;
  /**
   * The activation forward actually applies. A loss that fuses the output activation
   * (sigmoid + binary cross-entropy on logits) sets this to linear, so Y holds logits.
   */
  private applied: Activation;
  private nIn: number | undefined;
  private backend: Backend | null = null;
  /** The backend's bias + activation kernels for `applied`, looked up once. */
  private kernels: ActivationKernels | null = null;

  private W: Float32Array = new Float32Array(0); //  [nIn, nOut]
  private b: Float32Array = new Float32Array(0); //  [nOut]
  private dW: Float32Array = new Float32Array(0); // [nIn, nOut]
  private db: Float32Array = new Float32Array(0); // [nOut]
  private Y = new RowViews(new Float32Array(0), 0); //  [batch, nOut] forward output, cached for backward
  private dX = new RowViews(new Float32Array(0), 0); // [batch, nIn]
  private X: Float32Array = new Float32Array(0); // [rows, nIn] the last forward input (not owned)
  private scratch: Float32Array = new Float32Array(0);

  constructor(units: number, options: DenseOptions = {}) {
    if (!Number.isInteger(units) || units < 1) {
      throw new RangeError(`Dense: units must be a positive integer, got ${units}`);
    }
    checkOptions(`Dense(${units})`, options, DENSE_OPTIONS);
    this.units = units;
    this.alphaOption = options.alpha;
    this.activation = getActivation(options.activation, `Dense(${units})`, options.alpha);
    this.kernelInitializer = options.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = options.biasInitializer ?? 'zeros';
    this.kernelInit = getInitializer(this.kernelInitializer, `Dense(${units}): kernelInitializer`);
    this.biasInit = getInitializer(this.biasInitializer, `Dense(${units}): biasInitializer`);
    this.applied = this.activation;
    this.useBias = options.useBias ?? true;
    this.kernelRegularizer = getRegularizer(options.kernelRegularizer, `Dense(${units}): kernelRegularizer`);
    this.biasRegularizer = getRegularizer(options.biasRegularizer, `Dense(${units}): biasRegularizer`);
    if (options.trainable !== undefined && typeof options.trainable !== 'boolean') throw new TypeError(`Dense(${units}): trainable must be true or false, got ${JSON.stringify(options.trainable)}`);
    this.trainable = options.trainable ?? true;
    this.name = options.name ?? '';
    const dim = options.inputShape !== undefined ? shapeToDim(options.inputShape) : options.inputDim;
    if (dim !== undefined) {
      if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`Dense: inputShape must be [a positive integer], got [${dim}]`);
      this.nIn = dim;
    }
  }

  get inputDim(): number | undefined {
    return this.nIn;
  }

  get outputDim(): number {
    return this.units;
  }

  get paramCount(): number {
    return this.requireIn() * this.units + (this.useBias ? this.units : 0);
  }

  /** Called by the model when the loss fuses this layer's activation (see losses.ts). */
  setEmitLogits(on: boolean): void {
    this.applied = on ? getActivation('linear') : this.activation;
    if (this.backend) this.kernels = this.backend.activation(this.applied.name, this.applied.alpha);
  }

  build(inputDim: number, backend: Backend): void {
    if (this.nIn !== undefined && this.nIn !== inputDim) {
      throw new RangeError(`${this.name || 'Dense'}: declared input shape [${this.nIn}] but receives [${inputDim}]`);
    }
    this.nIn = inputDim;
    this.backend = backend;
    this.kernels = backend.activation(this.applied.name, this.applied.alpha);
  }

  bindParams(params: Alloc, grads: Alloc): void {
    const n = this.requireIn() * this.units;
    this.W = params(n);
    this.dW = grads(n);
    if (this.useBias) {
      this.b = params(this.units);
      this.db = grads(this.units);
    }
  }

  initialize(rng: MT19937): void {
    this.kernelInit(this.W, this.requireIn(), this.units, rng);
    // a bias is 1-D: Keras takes fanIn = fanOut = its length (the default, zeros, draws nothing)
    if (this.useBias) this.biasInit(this.b, this.units, this.units, rng);
  }

  workspaceFloats(batch: number): number {
    // without a bias: a constant zero b and a db sink nobody reads, so that forward and
    // backward need no special case (in the arena, like every other kernel operand)
    return batch * (this.units + this.requireIn()) + (this.useBias ? 0 : 2 * this.units);
  }

  scratchFloats(batch: number): number {
    const nIn = this.requireIn();
    const n = this.units;
    const b = this.requireBackend();
    return Math.max(b.gemmScratchFloats(batch, n, nIn), b.gemmScratchFloats(nIn, n, batch), b.gemmScratchFloats(batch, nIn, n));
  }

  bindWorkspace(alloc: Alloc, batch: number, gemmScratch: Float32Array): void {
    this.Y = new RowViews(alloc(batch * this.units), this.units);
    this.dX = new RowViews(alloc(batch * this.requireIn()), this.requireIn());
    if (!this.useBias) {
      this.b = alloc(this.units).fill(0);
      this.db = alloc(this.units);
    }
    this.scratch = gemmScratch;
  }

  forward(X: Float32Array, rows: number): Float32Array {
    const nIn = this.requireIn();
    const Y = this.Y.get(rows);
    const backend = this.requireBackend();
    this.X = X;
    backend.gemm(false, false, rows, this.units, nIn, X, this.W, 0, Y, this.scratch); // Z = X·W
    (this.kernels as ActivationKernels).biasForward(Y, this.b, rows, this.units); // Y = f(Z + b)
    return Y;
  }

  backward(dY: Float32Array, rows: number, needDX: boolean): Float32Array | null {
    const nIn = this.requireIn();
    const n = this.units;
    const backend = this.requireBackend();
    const frozen = !this.trainable;
    if (frozen && !needDX) return null; // a frozen first layer: nothing to compute
    // dZ = dY ⊙ f'(Y), in place; db += Σrows dZ
    (this.kernels as ActivationKernels).backward(this.Y.get(rows), dY, this.db, rows, n);
    if (frozen) this.db.fill(0); // the kernel fuses db in; a frozen layer's gradients stay 0
    else backend.gemm(true, false, nIn, n, rows, this.X, dY, 1, this.dW, this.scratch); // dW += Xᵀ·dZ
    if (!needDX) return null;
    const dX = this.dX.get(rows);
    backend.gemm(false, true, rows, nIn, n, dY, this.W, 0, dX, this.scratch); // dX = dZ·Wᵀ
    return dX;
  }

  /**
   * The regularization penalty of this layer's weights, l1·Σ|w| + l2·Σw² per regularized tensor;
   * with `addGradient`, its gradient is added into dW and db too. 0 without regularizers, and for
   * a frozen layer (Keras penalises trainable weights only).
   */
  penalty(addGradient: boolean): number {
    if (!this.trainable) return 0;
    let p = 0;
    const k = this.kernelRegularizer;
    if (k !== null) {
      p += k.penalty(this.W);
      if (addGradient) k.addGradient(this.W, this.dW);
    }
    const b = this.biasRegularizer;
    if (b !== null && this.useBias) {
      p += b.penalty(this.b);
      if (addGradient) b.addGradient(this.b, this.db);
    }
    return p;
  }

  /** Whether penalty() can be non-zero (a regularizer is set). */
  get regularized(): boolean {
    return this.kernelRegularizer !== null || (this.biasRegularizer !== null && this.useBias);
  }

  params(): ParamGrad[] {
    const list: ParamGrad[] = [{ name: `${this.name}/kernel`, param: this.W, grad: this.dW }];
    if (this.useBias) list.push({ name: `${this.name}/bias`, param: this.b, grad: this.db });
    return list;
  }

  paramShapes(): number[][] {
    const shapes = [[this.requireIn(), this.units]];
    if (this.useBias) shapes.push([this.units]);
    return shapes;
  }

  toJSON(): LayerConfig {
    return {
      className: this.className,
      name: this.name,
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      inputDim: this.nIn,
      // written only when not the default, so documents of default models stay as they were
      ...(this.alphaOption !== undefined ? { alpha: this.alphaOption } : {}),
      ...(this.kernelInitializer !== 'glorot_uniform' ? { kernelInitializer: this.kernelInitializer } : {}),
      ...(this.biasInitializer !== 'zeros' ? { biasInitializer: this.biasInitializer } : {}),
      ...(this.kernelRegularizer ? { kernelRegularizer: this.kernelRegularizer.getConfig() } : {}),
      ...(this.biasRegularizer ? { biasRegularizer: this.biasRegularizer.getConfig() } : {}),
      ...(this.trainable ? {} : { trainable: false }),
    };
  }

  static fromJSON(config: LayerConfig): Dense {
    return new Dense(config.units as number, {
      activation: config.activation as ActivationName,
      useBias: config.useBias as boolean | undefined,
      inputDim: config.inputDim as number | undefined,
      name: config.name,
      ...(config.alpha !== undefined ? { alpha: config.alpha as number } : {}),
      ...(config.kernelInitializer !== undefined ? { kernelInitializer: config.kernelInitializer as InitializerName } : {}),
      ...(config.biasInitializer !== undefined ? { biasInitializer: config.biasInitializer as InitializerName } : {}),
      ...(config.kernelRegularizer != null ? { kernelRegularizer: config.kernelRegularizer as RegularizerSpec } : {}),
      ...(config.biasRegularizer != null ? { biasRegularizer: config.biasRegularizer as RegularizerSpec } : {}),
      ...(config.trainable !== undefined ? { trainable: config.trainable as boolean } : {}),
    });
  }

  private requireBackend(): Backend {
    if (this.backend === null) throw new Error(`${this.name || 'Dense'}: not built yet (build(inputDim, backend) comes first)`);
    return this.backend;
  }

  private requireIn(): number {
    if (this.nIn === undefined) {
      throw new Error(`${this.name || 'Dense'}: input size unknown; give the first layer inputShape: [features], or call fit/predict first`);
    }
    return this.nIn;
  }
}

function shapeToDim(shape: number[]): number {
  if (!Array.isArray(shape) || shape.length !== 1) {
    throw new RangeError(`Dense: inputShape must be [features], got ${JSON.stringify(shape)}`);
  }
  return shape[0];
}
