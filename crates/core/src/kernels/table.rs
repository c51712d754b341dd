/// The one table of kernels both bindings expose. `crates/node` and `crates/wasm` each call
/// `reckit_core::kernel_table!(their_macro)`, and their macro turns every line into an export
/// of their own kind (napi-rs or wasm-bindgen), converting arguments and errors only.
///
/// A line: `rust_name [/ rust_name_async] "jsName" (arg: Kind, …) -> Kind = path::to::function;`
/// Each `Kind` is a word of the binding vocabulary: its JavaScript type is in
/// `crates/node/kernels.d.ts`, its Rust view in [`crate::kernels::values`] (a slice, `Scores`,
/// a string or a number), and the function (a path in this crate) takes exactly those views
/// and returns the result kind. Lines in the `async` block also get a twin that runs off the
/// JavaScript thread. Functions that only pack a result for JavaScript live in `kernels/`;
/// a kernel whose algorithm takes the views itself is named directly (`ks`).
///
/// Adding a kernel: its function (in its domain's file), one line here, its signature and
/// table entry in `ts/src/backends/kernels.ts`, and its facade function.
#[macro_export]
macro_rules! kernel_table {
    ($binding:ident) => {
        $binding! {
            async {
                auc / auc_async "auc" (labels: Bytes, scores: Scores, weights: OptF64s) -> Num = kernels::auc;
                gauc / gauc_async "gauc" (labels: Bytes, scores: Scores, groups: U32s, weighting: Str, weight_groups: OptU32s, weight_values: OptF64s) -> F64s = kernels::gauc;
                roc_curve / roc_curve_async "rocCurve" (labels: Bytes, scores: Scores, weights: OptF64s, drop_intermediate: Bool) -> F64s = kernels::roc_curve;
                pr_curve / pr_curve_async "prCurve" (labels: Bytes, scores: Scores, weights: OptF64s) -> F64s = kernels::pr_curve;
                average_precision / average_precision_async "averagePrecision" (labels: Bytes, scores: Scores, weights: OptF64s) -> F64s = kernels::average_precision;
                ks / ks_async "ks" (labels: Bytes, scores: Scores, weights: OptF64s) -> Num = metrics::curves::ks;
                log_loss / log_loss_async "logLoss" (labels: Bytes, probs: Scores, weights: OptF64s, eps: Num) -> F64s = kernels::log_loss;
                binary_stats / binary_stats_async "binaryStats" (labels: Bytes, scores: Scores, weights: OptF64s, threshold: Num) -> F64s = kernels::binary_stats;
                delong_auc / delong_auc_async "delongAuc" (labels: Bytes, scores: Scores, level: Num) -> F64s = kernels::delong_auc;
                delong_test / delong_test_async "delongTest" (labels: Bytes, scores_a: Scores, scores_b: Scores, level: Num) -> F64s = kernels::delong_test;
                ctr_metrics / ctr_metrics_async "ctrMetrics" (labels: Bytes, probs: Scores, weights: OptF64s, eps: Num) -> F64s = kernels::ctr_metrics;
                reliability / reliability_async "reliability" (labels: Bytes, probs: Scores, weights: OptF64s, bins: Int, strategy: Str) -> F64s = kernels::reliability;
                multiclass_auc / multiclass_auc_async "multiclassAuc" (labels: U32s, scores: Scores, classes: Int, multi_class: Str, average: Str, weights: OptF64s) -> F64s = kernels::multiclass_auc;
                multilabel_auc / multilabel_auc_async "multilabelAuc" (labels: Bytes, scores: Scores, classes: Int, average: Str, weights: OptF64s) -> F64s = kernels::multilabel_auc;
                ranking_metrics / ranking_metrics_async "rankingMetrics" (relevance: F64s, scores: Scores, groups: OptU32s, ks: U32s, gain: Str, empty_queries: Str) -> F64s = kernels::ranking_metrics;
                auc_histogram / auc_histogram_async "aucHistogram" (labels: Bytes, scores: Scores, weights: OptF64s, lo: Num, hi: Num, bins: Int) -> F64s = kernels::auc_histogram;
                auc_from_histogram / auc_from_histogram_async "aucFromHistogram" (positives: F64s, negatives: F64s) -> F64s = kernels::auc_from_histogram;
                ranking_per_query / ranking_per_query_async "rankingPerQuery" (relevance: F64s, scores: Scores, groups: OptU32s, ks: U32s, gain: Str) -> F64s = kernels::ranking_per_query;
                gauc_per_group / gauc_per_group_async "gaucPerGroup" (labels: Bytes, scores: Scores, groups: U32s) -> F64s = kernels::gauc_per_group;
                paired_test / paired_test_async "pairedTest" (test: Str, a: F64s, b: F64s, params: F64s) -> F64s = kernels::paired_test;
                sliced / sliced_async "sliced" (metrics: Str, labels: F64s, scores: Scores, slices: U32s, groups: OptU32s, weights: OptF64s, config: Str, eps: Num) -> F64s = kernels::sliced;
                bootstrap / bootstrap_async "bootstrap" (metric: Str, labels: F64s, scores: Scores, groups: OptU32s, weights: OptF64s, config: Str, params: F64s) -> F64s = kernels::bootstrap;
                beyond_accuracy / beyond_accuracy_async "beyondAccuracy" (items: U32s, offsets: U32s, catalog: OptU32s, popular_items: OptU32s, counts: OptF64s, feature_items: OptU32s, category_offsets: OptU32s, categories: OptU32s, embeddings: Scores, distance: Str, params: F64s) -> F64s = kernels::beyond_accuracy;
                box_iou / box_iou_async "boxIou" (boxes_a: F64s, boxes_b: F64s, offset: Num) -> F64s = kernels::box_iou;
                trec_eval / trec_eval_async "trecEval" (qrels_query: U32s, qrels_doc: U32s, qrels_rel: F64s, run_query: U32s, run_doc: U32s, run_score: F64s, measures: Str, params: F64s) -> F64s = kernels::trec_eval;
                loss / loss_async "loss" (name: Str, inputs: ScoresList, ids: OptU32s, params: F64s, reduction: Str, grad: Bool) -> LossArrays = kernels::loss;
                op / op_async "op" (name: Str, x: F32s, size: Int, inner: Int, tensors: F32List, params: F32s) -> F32s = kernels::op;
                matmul / matmul_async "matmul" (a: F32s, b: F32s, dims: U32s, bias: OptF32s, activation: Str) -> F32s = kernels::matmul;
                attention / attention_async "attention" (data: F32List, shapes: ShapeList, causal: Bool, scale: Num) -> F32s = kernels::attention;
                layer_forward / layer_forward_async "layerForward" (id: Int, data: F32List, shapes: ShapeList, ints: IntsList) -> Tensors = kernels::layer_forward;
            }
            sync {
                optimizer_state_slots "optimizerStateSlots" (name: Str, hyper: F64s) -> Int = kernels::optimizer_state_slots;
                optimizer_step "optimizerStep" (name: Str, hyper: F64s, step: Int, params: F32s, grads: F32s, state: F32s) -> F32s = kernels::optimizer_step;
                layer_create "layerCreate" (kind: Str, config: Str, names: StrList, shapes: ShapeList, data: F32List) -> Int = kernels::layer_create;
                layer_dispose "layerDispose" (id: Int) -> Unit = kernels::layer_dispose;
                layer_count "layerCount" () -> Int = kernels::layer_count;
                read_safetensors "readSafetensors" (bytes: Bytes) -> TensorFile = kernels::read_safetensors;
                log_reader_create "logReaderCreate" (format: Str, columns: StrList, group_required: Bool) -> Int = kernels::log_reader_create;
                log_reader_feed "logReaderFeed" (id: Int, chunk: Bytes, end: Bool) -> Str = kernels::log_reader_feed;
                log_reader_rows "logReaderRows" (id: Int) -> Int = kernels::log_reader_rows;
                log_reader_take "logReaderTake" (id: Int) -> LogColumns = kernels::log_reader_take;
                log_reader_dispose "logReaderDispose" (id: Int) -> Unit = kernels::log_reader_dispose;
                adjust_p_values "adjustPValues" (p_values: F64s, method: Str) -> F64s = kernels::adjust_p_values;
                calibration_from_sums "calibrationFromSums" (sums: F64s, bins: F64s) -> F64s = kernels::calibration_from_sums;
                simd_level "simdLevel" () -> Str = kernels::simd_level;
                threads "threads" () -> Int = kernels::threads;
                release_memory "releaseMemory" () -> Unit = kernels::release_memory;
            }
        }
    };
}

/// The vocabulary words whose JavaScript type is a typed array, a number, a string or a
/// boolean, as aliases of the typed-array types in scope: napi-rs's in `crates/node`, js_sys's
/// in `crates/wasm` (the same names). Each binding declares the compound words itself.
#[macro_export]
macro_rules! plain_vocabulary {
    () => {
        pub type Bytes = Uint8Array;
        pub type U32s = Uint32Array;
        pub type F32s = Float32Array;
        pub type F64s = Float64Array;
        pub type OptU32s = Option<Uint32Array>;
        pub type OptF32s = Option<Float32Array>;
        pub type OptF64s = Option<Float64Array>;
        pub type Str = String;
        pub type Num = f64;
        pub type Int = u32;
        pub type Bool = bool;
        pub type Unit = ();
    };
}
