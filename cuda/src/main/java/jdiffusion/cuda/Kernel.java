package jdiffusion.cuda;

/**
 * Every kernel entry the Java side launches: its PTX module (a resource under
 * {@code /jdiffusion/cuda/}), its entry name and its parameter signature, one letter per
 * parameter: {@code p} device pointer, {@code l} 64-bit integer, {@code i} 32-bit integer,
 * {@code f} float. {@link KernelArgs} packs values by this signature, and a test checks it against
 * the {@code .entry} declarations of the shipped PTX.
 */
enum Kernel {
    GEMM_F16_LP("gemm", "gemm_f16_lp", Sig.GEMM), GEMM_BF16_LP("gemm", "gemm_bf16_lp", Sig.GEMM),
    CONV_F16_LP("gemm", "conv_f16_lp", Sig.CONV), CONV_BF16_LP("gemm", "conv_bf16_lp", Sig.CONV),
    GEMM_F16_W("gemm", "gemm_f16_w", Sig.GEMM), GEMM_BF16_W("gemm", "gemm_bf16_w", Sig.GEMM),
    CONV_F16_W("gemm", "conv_f16_w", Sig.CONV), CONV_BF16_W("gemm", "conv_bf16_w", Sig.CONV),
    GEMM_F16_L64("gemm", "gemm_f16_l64", Sig.GEMM), GEMM_BF16_L64("gemm", "gemm_bf16_l64", Sig.GEMM),
    GEMM_F16_S64("gemm", "gemm_f16_s64", Sig.GEMM), GEMM_BF16_S64("gemm", "gemm_bf16_s64", Sig.GEMM),
    CONV_F16_L64("gemm", "conv_f16_l64", Sig.CONV), CONV_BF16_L64("gemm", "conv_bf16_l64", Sig.CONV),
    CONV_F16_S64("gemm", "conv_f16_s64", Sig.CONV), CONV_BF16_S64("gemm", "conv_bf16_s64", Sig.CONV),
    GEMM_F16_L("gemm", "gemm_f16_l", Sig.GEMM), GEMM_F16_M("gemm", "gemm_f16_m", Sig.GEMM),
    GEMM_F16_S("gemm", "gemm_f16_s", Sig.GEMM), GEMM_BF16_L("gemm", "gemm_bf16_l", Sig.GEMM),
    GEMM_BF16_M("gemm", "gemm_bf16_m", Sig.GEMM), GEMM_BF16_S("gemm", "gemm_bf16_s", Sig.GEMM),
    CONV_F16_L("gemm", "conv_f16_l", Sig.CONV), CONV_F16_M("gemm", "conv_f16_m", Sig.CONV),
    CONV_F16_S("gemm", "conv_f16_s", Sig.CONV), CONV_BF16_L("gemm", "conv_bf16_l", Sig.CONV),
    CONV_BF16_M("gemm", "conv_bf16_m", Sig.CONV), CONV_BF16_S("gemm", "conv_bf16_s", Sig.CONV),

    FLASH_F16_D16_Q64("attention", "flash_f16_d16_q64", Sig.FLASH), FLASH_F16_D16_Q128("attention", "flash_f16_d16_q128", Sig.FLASH),
    FLASH_F16_D32_Q64("attention", "flash_f16_d32_q64", Sig.FLASH), FLASH_F16_D32_Q128("attention", "flash_f16_d32_q128", Sig.FLASH),
    FLASH_F16_D48_Q64("attention", "flash_f16_d48_q64", Sig.FLASH), FLASH_F16_D48_Q128("attention", "flash_f16_d48_q128", Sig.FLASH),
    FLASH_F16_D64_Q64("attention", "flash_f16_d64_q64", Sig.FLASH), FLASH_F16_D64_Q128("attention", "flash_f16_d64_q128", Sig.FLASH),
    FLASH_F16_D80_Q64("attention", "flash_f16_d80_q64", Sig.FLASH), FLASH_F16_D80_Q128("attention", "flash_f16_d80_q128", Sig.FLASH),
    FLASH_F16_D96_Q64("attention", "flash_f16_d96_q64", Sig.FLASH), FLASH_F16_D96_Q128("attention", "flash_f16_d96_q128", Sig.FLASH),
    FLASH_F16_D128_Q64("attention", "flash_f16_d128_q64", Sig.FLASH), FLASH_F16_D160_Q64("attention", "flash_f16_d160_q64", Sig.FLASH),
    FLASH_BF16_D16_Q64("attention", "flash_bf16_d16_q64", Sig.FLASH), FLASH_BF16_D16_Q128("attention", "flash_bf16_d16_q128", Sig.FLASH),
    FLASH_BF16_D32_Q64("attention", "flash_bf16_d32_q64", Sig.FLASH), FLASH_BF16_D32_Q128("attention", "flash_bf16_d32_q128", Sig.FLASH),
    FLASH_BF16_D48_Q64("attention", "flash_bf16_d48_q64", Sig.FLASH), FLASH_BF16_D48_Q128("attention", "flash_bf16_d48_q128", Sig.FLASH),
    FLASH_BF16_D64_Q64("attention", "flash_bf16_d64_q64", Sig.FLASH), FLASH_BF16_D64_Q128("attention", "flash_bf16_d64_q128", Sig.FLASH),
    FLASH_BF16_D80_Q64("attention", "flash_bf16_d80_q64", Sig.FLASH), FLASH_BF16_D80_Q128("attention", "flash_bf16_d80_q128", Sig.FLASH),
    FLASH_BF16_D96_Q64("attention", "flash_bf16_d96_q64", Sig.FLASH), FLASH_BF16_D96_Q128("attention", "flash_bf16_d96_q128", Sig.FLASH),
    FLASH_BF16_D128_Q64("attention", "flash_bf16_d128_q64", Sig.FLASH), FLASH_BF16_D160_Q64("attention", "flash_bf16_d160_q64", Sig.FLASH),
    ATTN_GENERIC_F32("attention", "attn_generic_f32", "ppppiiiiiifi"),

    GN_PARTIAL_F32("norm", "gn_partial_f32", "ppli"),
    GN_FINALIZE("norm", "gn_finalize", "ppiif"),
    GN_APPLY_F32("norm", "gn_apply_f32", "ppppp" + "iil" + "ii"),
    LAYER_NORM_F32("norm", "layer_norm_f32", "pppp" + "lif"),
    SOFTMAX_F32("norm", "softmax_f32", "ppli"),

    ACT_F32("elementwise", "act_f32", "ppli"),
    SCALE_F32("elementwise", "scale_f32", "pplf"),
    CLAMP_F32("elementwise", "clamp_f32", "pplff"),
    GEGLU_F32("elementwise", "geglu_f32", "ppli"),
    BINARY_F32("elementwise", "binary_f32", "ppplii" + "ii" + "iiii" + "iiii"),
    BINARY_SAME_F32("elementwise", "binary_same_f32", "pppli"),
    PERMUTE_F32("elementwise", "permute_f32", "ppl" + "iiiii" + "llllll"),
    COPY2D_F32("elementwise", "copy2d_f32", "plplll"),
    UPSAMPLE2X_F32("elementwise", "upsample2x_f32", "pplii"),
    PAD2D_F32("elementwise", "pad2d_f32", "ppliiiiii"),
    EMBEDDING_F32("elementwise", "embedding_f32", "pippli"),
    CVT_ROWS("elementwise", "cvt_rows", "pilpillii"),
    CVT_TRANSPOSE("elementwise", "cvt_transpose", "pipiiii"),
    CVT_CONV_WEIGHT("elementwise", "cvt_conv_weight", "pipiiiii"),
    ATTN_PACK("elementwise", "attn_pack", "ppiiiiii");

    /** Shared signatures. */
    private static final class Sig {
        static final String GEMM = "pppp" + "iiiiii" + "lll";   // A, B, C, bias, M N K lda ldb ldc, batch strides
        static final String CONV = "pppp" + "iiiiiiiiiii";      // X, W, Y, bias, B H W Cp O Ho Wo kh kw stride pad
        static final String FLASH = "pppp" + "iiii" + "fi";     // Q, K, V, O, Lq Lk heads D, scale·log2 e, causal
    }

    final String module;
    final String entry;
    final String signature;

    Kernel(String module, String entry, String signature) {
        this.module = module;
        this.entry = entry;
        this.signature = signature;
    }

    /** The PTX modules, in load order. */
    static final String[] MODULES = {"elementwise", "norm", "gemm", "attention"};
}
