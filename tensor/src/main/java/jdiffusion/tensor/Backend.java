package jdiffusion.tensor;

/**
 * The operations model code is written against. The CPU backend implements them with Vector API
 * kernels; a GPU backend implements the same methods over its own storage, so models never change.
 *
 * <p>Conventions: activations are float32; weight and bias arguments may be any floating dtype
 * (f32/f16/bf16, typically memory-mapped) and are converted inside the kernel. Images are NCHW,
 * sequences [batch, tokens, channels]. Unless a method says "in place", it returns a new tensor and
 * leaves its inputs untouched.
 */
public interface Backend {

    String name();

    /** Brings a tensor into this backend's compute storage (float32; identity when already there). */
    Tensor load(Tensor t);

    /** A float32 host (heap) copy of a tensor of this backend, for reading results. */
    Tensor toHost(Tensor t);

    // ---- matrix products ------------------------------------------------------------------------

    /**
     * x: [..., in], weight: [out, in] (PyTorch Linear layout), bias: [out] or null -> [..., out].
     */
    Tensor linear(Tensor x, Tensor weight, Tensor bias);

    /**
     * a: [..., M, K]; b: [K, N] (or [N, K] when {@code transB}), any dtype, shared by every batch
     * entry; or b: [..., K, N] float32 with the same leading dimensions as a -> [..., M, N].
     */
    Tensor matmul(Tensor a, Tensor b, boolean transB);

    /**
     * 2-D convolution, x: [B, C, H, W], weight: [O, C, kh, kw], bias: [O] or null, square stride and
     * zero padding -> [B, O, Ho, Wo] with Ho = (H + 2·pad − kh) / stride + 1.
     */
    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding);

    // ---- normalisation -----------------------------------------------------------------------------

    /**
     * GroupNorm over x: [B, C, *spatial] with {@code groups} groups of C/groups channels; gamma and
     * beta: [C] (either may be null for 1 / 0); optionally followed by SiLU (the ResBlock pattern).
     */
    Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, boolean silu);

    /** LayerNorm over the last dimension; gamma, beta: [C] (either may be null). */
    Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /** Softmax over the last dimension. */
    Tensor softmax(Tensor x);

    // ---- pointwise -------------------------------------------------------------------------------

    Tensor activation(Tensor x, Activation act);

    /** Applies {@code act} to a float32 tensor in place and returns it. */
    Tensor activationInPlace(Tensor x, Activation act);

    /** x: [..., 2n] -> [..., n] = x[..., :n] · gelu(x[..., n:]) (exact GELU, diffusers' GEGLU). */
    Tensor geglu(Tensor x);

    /** Element-wise a + b with NumPy broadcasting (shapes aligned on the right). */
    Tensor add(Tensor a, Tensor b);

    /** a += b in place (b broadcast to a's shape); returns a. */
    Tensor addInPlace(Tensor a, Tensor b);

    /** Element-wise a · b with NumPy broadcasting. */
    Tensor mul(Tensor a, Tensor b);

    /** x · s. */
    Tensor scale(Tensor x, float s);

    /** min(max(x, lo), hi) element-wise (the VAE clamps its log-variance to [-30, 20]). */
    Tensor clamp(Tensor x, float lo, float hi);

    // ---- attention -------------------------------------------------------------------------------

    /**
     * Multi-head scaled dot-product attention. q: [B, Lq, H·D], k: [B, Lk, H·D], v: [B, Lk, H·Dv],
     * heads H, scale 1/√D, optionally causal (query i sees keys ≤ i) -> [B, Lq, H·Dv]. Never
     * materialises the full [Lq, Lk] score matrix.
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, int heads, boolean causal);

    // ---- layout ----------------------------------------------------------------------------------

    /** Nearest-neighbour 2× upsampling, x: [B, C, H, W] -> [B, C, 2H, 2W]. */
    Tensor upsampleNearest2x(Tensor x);

    /**
     * Zero padding of the two spatial dimensions, x: [B, C, H, W] -> [B, C, top + H + bottom,
     * left + W + right] (the VAE encoder's downsampling pads only right and bottom, by 1).
     */
    Tensor pad2d(Tensor x, int top, int bottom, int left, int right);

    /** Concatenation along {@code dim} (negative counts from the end). */
    Tensor concat(int dim, Tensor... parts);

    /** Elements {@code [start, start + length)} along {@code dim}, as a new tensor. */
    Tensor narrow(Tensor x, int dim, int start, int length);

    /** Permutes dimensions (a copy): result.shape[i] = x.shape[dims[i]]. */
    Tensor permute(Tensor x, int... dims);

    // ---- embeddings ------------------------------------------------------------------------------

    /**
     * Rows of {@code table} ([V, D], any dtype) selected by integer ids (any integer or float dtype
     * holding integers) -> [ids.shape..., D]. An id outside [0, V) is an error naming it.
     */
    Tensor embedding(Tensor table, Tensor ids);

    /**
     * Sinusoidal timestep embedding of t: [N] (real-valued) -> [N, dim]: frequencies
     * f_k = exp(−ln(maxPeriod)·k/(half − shift)), k &lt; half = dim/2; [cos, sin] halves when
     * {@code cosFirst} (LDM, diffusers flip_sin_to_cos=True), else [sin, cos]; an odd dim gets a
     * trailing zero.
     */
    Tensor timestepEmbedding(Tensor t, int dim, boolean cosFirst, float shift, float maxPeriod);
}
