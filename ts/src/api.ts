/** The public API, the same on every platform; the entry points (index.ts, browser.ts) add the loading. */
export { init, availableBackends, setBackend, backendInfo, asyncThreads } from './backends/registry.js';
export type { InitOptions, BackendInfo } from './backends/registry.js';
export type { BackendName } from './backends/types.js';
export { auc, aucAsync, gauc, gaucAsync, gaucReport, gaucReportAsync, releaseMemory } from './metrics/auc.js';
export type { AucOptions, GaucOptions, GaucReport, GroupWeighting, PerGroupAuc } from './metrics/auc.js';
export {
  rocCurve, rocCurveAsync, prCurve, prCurveAsync, averagePrecision, averagePrecisionAsync, ks, ksAsync, gini, giniAsync,
  logLoss, logLossAsync, binaryStats, binaryStatsAsync,
} from './metrics/binary.js';
export type { RocOptions, RocCurve, PrCurve, LogLossOptions, BinaryStatsOptions, BinaryStats } from './metrics/binary.js';
export { aucInterval, aucIntervalAsync, delongTest, delongTestAsync } from './metrics/uncertainty.js';
export type { DelongOptions, AucInterval, DelongTest } from './metrics/uncertainty.js';
export {
  ctrMetrics, ctrMetricsAsync, normalizedEntropy, normalizedEntropyAsync, calibrationRatio, calibrationRatioAsync, brierScore, brierScoreAsync,
  reliabilityDiagram, reliabilityDiagramAsync, expectedCalibrationError, expectedCalibrationErrorAsync,
} from './metrics/calibration.js';
export type { CtrOptions, CtrMetrics, BinStrategy, ReliabilityOptions, ReliabilityDiagram } from './metrics/calibration.js';
export { multiclassAuc, multiclassAucAsync, multilabelAuc, multilabelAucAsync } from './metrics/multiclass.js';
export type { Matrix, AucAverage, MulticlassAucOptions, MultilabelAucOptions } from './metrics/multiclass.js';
export {
  rankingMetrics, rankingMetricsAsync, precisionAtK, precisionAtKAsync, recallAtK, recallAtKAsync, ndcgAtK, ndcgAtKAsync,
  hitRateAtK, hitRateAtKAsync, f1AtK, f1AtKAsync, mapAtK, mapAtKAsync, mrrAtK, mrrAtKAsync,
} from './metrics/ranking.js';
export type { RankingOptions, RankingMetricsOptions, RankingReport, MetricsAtK, RankingGain, EmptyQueryPolicy, PerQueryScores } from './metrics/ranking.js';
export {
  pairedTest, pairedTestAsync, adjustPValues, compareRuns,
  type PairedTestName, type PairedTestOptions, type PairedTestResult, type CompareRunsOptions, type RunComparison,
} from './metrics/significance.js';
export { slicedMetrics, slicedMetricsAsync, type SlicedOptions, type SliceReport } from './metrics/sliced.js';
export { bootstrap, bootstrapAsync, type BootstrapMetric, type BootstrapOptions, type BootstrapInterval } from './metrics/bootstrap.js';
export {
  beyondAccuracy, beyondAccuracyAsync, catalogCoverage, catalogCoverageAsync, novelty, noveltyAsync, averagePopularity, averagePopularityAsync,
  intraListDiversity, intraListDiversityAsync, exposureGini, exposureGiniAsync,
  type BeyondAccuracyOptions, type BeyondAccuracyReport, type ItemId, type ItemLists, type ItemTable, type Category,
} from './metrics/beyond.js';
export { trecEval, trecEvalAsync, trecMeasures, TrecInputError, type TrecJudgement, type TrecRunEntry, type TrecOptions, type TrecReport, type TrecValue } from './metrics/trec.js';
export { AucAccumulator, GaucAccumulator, RankingAccumulator, CalibrationAccumulator } from './metrics/accumulators.js';
export type {
  AucAccumulatorOptions, AucAccumulatorJSON, RowsJSON, GaucAccumulatorJSON, RankingAccumulatorOptions, RankingAccumulatorJSON,
  CalibrationAccumulatorOptions, CalibrationAccumulatorJSON, CalibrationReport,
} from './metrics/accumulators.js';
export { iou, boxIou } from './metrics/boxes.js';
export {
  mae, maeAsync, mse, mseAsync, huber, huberAsync, bce, bceAsync, bceWithLogits, bceWithLogitsAsync,
  softmaxCrossEntropy, softmaxCrossEntropyAsync, focal, focalAsync, hinge, hingeAsync, bpr, bprAsync,
  contrastive, contrastiveAsync, triplet, tripletAsync, nce, nceAsync, infoNce, infoNceAsync, klDiv, klDivAsync,
} from './train/losses.js';
export type {
  Reduction, LossOptions, LossResult, GradArray, Value, Pair, Triplet, HuberOptions, BceOptions, SoftmaxCrossEntropyOptions, FocalOptions,
  MarginOptions, ContrastiveOptions, TripletOptions, InfoNceOptions, KlDivOptions,
} from './train/losses.js';
export {
  softmax, softmaxAsync, logSoftmax, logSoftmaxAsync, sigmoid, sigmoidAsync, relu, reluAsync, layerNorm, layerNormAsync,
  batchNorm, batchNormAsync, prelu, preluAsync, dice, diceAsync, l2Normalize, l2NormalizeAsync,
} from './nn/ops.js';
export type {
  RowOptions, LayerNormOptions, ChannelOptions, BatchNormOptions, PreluOptions, DiceOptions, L2NormalizeOptions,
} from './nn/ops.js';
export { SGD, Adagrad, RMSprop, Adam, AdamW } from './train/optim.js';
export type { SGDOptions, AdagradOptions, RMSpropOptions, AdamOptions } from './train/optim.js';
export type { IouOptions } from './metrics/boxes.js';
export { matmul, matmulAsync, scaledDotProductAttention, scaledDotProductAttentionAsync } from './nn/dense.js';
export type { MatmulOptions, AttentionOptions, Activation } from './nn/dense.js';
export { tensor, loadSafetensors, readSafetensors } from './io/safetensors.js';
export { LogReader, LogError } from './io/log.js';
export type { LogReaderOptions, LogColumns } from './io/log.js';
export type { Tensor } from './io/safetensors.js';
export type { TensorLike, MaskLike } from './nn/tensors.js';
export type { Labels, NumberArray, GroupIds } from './arguments.js';
export {
  MultiHeadAttention, GRU, AUGRU, AGRU, AIGRU, MLP, DinAttention, Embedding, SENet, layerCount, memoryBytes,
} from './nn/layers.js';
export type {
  Weights, MultiHeadAttentionConfig, MultiHeadAttentionOptions, RecurrentOptions, RecurrentOutput, GRUConfig,
  AttentionGRUConfig, AUGRUConfig, MLPConfig, MlpActivation, DinAttentionConfig, EmbeddingConfig, EmbeddingOptions, Pooling,
  SENetConfig,
} from './nn/layers.js';
export { FM, DIN, DIEN, MMoE, FiBiNET, YouTubeDNN } from './nn/models.js';
export type {
  Tables, HistoryField, MlpSpec, FeatureConfig, Batch, DINConfig, DIENConfig, DIENBatch, MMoEConfig, FiBiNETConfig,
  YouTubeDNNConfig, YouTubeDNNBatch, ScoreOutput, DIENOutput, MMoEOutput, YouTubeDNNOutput, ModelSource,
} from './nn/models.js';
export { fromDeepCTR } from './nn/deepctr.js';
export type { DeepCTRSpec, DeepCTRImport, DeepCTRColumns, DeepCTRFeature, DeepCTRSparseFeat, DeepCTRDenseFeat, DeepCTRVarLenSparseFeat } from './nn/deepctr.js';

import { current } from './backends/registry.js';

/** The name of the backend in use. */
export function backend() {
  return current().name;
}
