import CNNGraph

/// The field names of the messages cnncalc reads, from BVLC Caffe's `caffe.proto` (master), so
/// that a misspelt field is not silently ignored: Caffe itself refuses a file with an unknown field,
/// and `botto: "x"` or `strid: 2` would otherwise give a layer without its input or with stride 1.
///
/// Forks of Caffe add fields (SSD's `norm_param`, Greentea's `device`, `fused_relu`, …), so an
/// unknown field that is not close to a known one is a warning (ignored), not an error; one within
/// a small edit distance of a known field is an error with the suggestion.
enum CaffeSchema {
  /// `NetParameter`'s fields that a deploy file uses (training-only fields included, as they are
  /// valid in a file cnncalc reads).
  static let net: Set<String> = [
    "name", "input", "input_shape", "input_dim", "force_backward", "state", "debug_info", "layer", "layers",
  ]

  /// `LayerParameter` and `V1LayerParameter` together (a file uses one or the other).
  static let layer: Set<String> = [
    "name", "type", "bottom", "top", "phase", "loss_weight", "param", "blobs", "propagate_down", "include", "exclude",
    "transform_param", "loss_param", "accuracy_param", "argmax_param", "batch_norm_param", "bias_param", "clip_param",
    "concat_param", "contrastive_loss_param", "convolution_param", "crop_param", "data_param", "dropout_param",
    "dummy_data_param", "eltwise_param", "elu_param", "embed_param", "exp_param", "flatten_param", "hdf5_data_param",
    "hdf5_output_param", "hinge_loss_param", "image_data_param", "infogain_loss_param", "inner_product_param",
    "input_param", "log_param", "lrn_param", "memory_data_param", "mvn_param", "parameter_param", "pooling_param",
    "power_param", "prelu_param", "python_param", "recurrent_param", "reduction_param", "relu_param", "reshape_param",
    "scale_param", "sigmoid_param", "softmax_param", "spp_param", "slice_param", "swish_param", "tanh_param",
    "threshold_param", "tile_param", "window_data_param",
    // V1LayerParameter only (its `layer` is the V0 layer it upgrades, as NetParameter's `layer`).
    "blob_share_mode", "blobs_lr", "weight_decay",
  ]

  /// The fields of the parameter messages whose values cnncalc reads, by the layer field naming
  /// them.
  static let parameters: [String: Set<String>] = [
    "convolution_param": [
      "num_output", "bias_term", "pad", "kernel_size", "stride", "dilation", "pad_h", "pad_w", "kernel_h", "kernel_w",
      "stride_h", "stride_w", "group", "weight_filler", "bias_filler", "engine", "axis", "force_nd_im2col",
    ],
    "pooling_param": [
      "pool", "pad", "pad_h", "pad_w", "kernel_size", "kernel_h", "kernel_w", "stride", "stride_h", "stride_w",
      "engine",
      "global_pooling", "round_mode",
    ],
    "inner_product_param": ["num_output", "bias_term", "weight_filler", "bias_filler", "axis", "transpose"],
    "lrn_param": ["local_size", "alpha", "beta", "norm_region", "k", "engine"],
    "relu_param": ["negative_slope", "engine"],
    "prelu_param": ["filler", "channel_shared"],
    "elu_param": ["alpha"],
    "sigmoid_param": ["engine"],
    "tanh_param": ["engine"],
    "softmax_param": ["engine", "axis"],
    "dropout_param": ["dropout_ratio"],
    "batch_norm_param": ["use_global_stats", "moving_average_fraction", "eps"],
    "scale_param": ["axis", "num_axes", "filler", "bias_term", "bias_filler"],
    "concat_param": ["axis", "concat_dim"],
    "eltwise_param": ["operation", "coeff", "stable_prod_grad"],
    "flatten_param": ["axis", "end_axis"],
    "reshape_param": ["shape", "axis", "num_axes"],
    "input_param": ["shape"],
  ]

  /// Diagnostics for the fields of `message` that are not in `known` (named `messageName` in the
  /// text): an error when the field is a likely misspelling of a known one, a warning otherwise.
  static func unknownFields(of message: TextMessage, known: Set<String>, messageName: String) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var reported = Set<String>()
    for field in message.fields where !known.contains(field.name.value) {
      let name = field.name.value
      guard reported.insert(name).inserted else { continue }
      if let suggestion = Suggestions.closest(to: name, in: known.sorted()) {
        diagnostics.append(
          Diagnostic(
            .unknownArgument, "'\(name)' is not a field of \(messageName)", at: field.name.range,
            hint: "did you mean '\(suggestion)'? (Caffe refuses a file with an unknown field)"))
      } else {
        diagnostics.append(
          Diagnostic(
            .ignoredField, "'\(name)' is not a field of BVLC Caffe's \(messageName); it is ignored",
            at: field.name.range,
            hint: "a fork's extension? if it changes what the layer computes, the numbers here do not show it"))
      }
    }
    return diagnostics
  }
}
