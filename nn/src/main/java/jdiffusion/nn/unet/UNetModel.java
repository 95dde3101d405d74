package jdiffusion.nn.unet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.nn.layers.GroupNorm;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * The LDM/sgm {@code UNetModel} (openaimodel.py) of SD1, SD2 and SDXL, with the checkpoint's module
 * names: {@code time_embed.{0,2}}, SDXL {@code label_emb.0.{0,2}}, {@code input_blocks.N},
 * {@code middle_block}, {@code output_blocks.N} (each a {@link TimestepEmbedSequential}) and
 * {@code out.{0,2}}. Output blocks concatenate the matching input block's output on channels.
 */
public final class UNetModel {
    private final Backend backend;
    private final UNetConfig config;
    private final Linear timeEmbed0;
    private final Linear timeEmbed2;
    private final Linear labelEmb0;
    private final Linear labelEmb2;
    private final List<TimestepEmbedSequential> inputBlocks;
    private final TimestepEmbedSequential middleBlock;
    private final List<TimestepEmbedSequential> outputBlocks;
    private final GroupNorm outNorm;
    private final Conv2d outConv;

    /** Builds the UNet from weights already scoped to {@code model.diffusion_model.}. */
    public UNetModel(Backend backend, TensorSource weights, UNetConfig config) {
        this.backend = backend;
        this.config = config;
        Weights w = new Weights(backend, weights);
        int mc = config.modelChannels();
        int embDim = config.timeEmbedDim();
        timeEmbed0 = Linear.load(w.at("time_embed.0"), mc, embDim, true);
        timeEmbed2 = Linear.load(w.at("time_embed.2"), embDim, embDim, true);
        if (config.admInChannels() > 0) {
            labelEmb0 = Linear.load(w.at("label_emb.0.0"), config.admInChannels(), embDim, true);
            labelEmb2 = Linear.load(w.at("label_emb.0.2"), embDim, embDim, true);
        } else {
            labelEmb0 = null;
            labelEmb2 = null;
        }

        List<Integer> mult = config.channelMult();
        List<Integer> depth = config.transformerDepth();
        List<TimestepEmbedSequential> in = new ArrayList<>();
        Deque<Integer> skipChannels = new ArrayDeque<>();
        in.add(new TimestepEmbedSequential(List.of(new InputConv(w.at("input_blocks.0.0"), config.inChannels(), mc))));
        skipChannels.push(mc);
        int ch = mc;
        for (int level = 0; level < mult.size(); level++) {
            int outCh = mc * mult.get(level);
            for (int r = 0; r < config.numResBlocks(); r++) {
                Weights b = w.at("input_blocks." + in.size());
                List<UNetLayer> layers = new ArrayList<>();
                layers.add(new ResBlock(b.at("0"), ch, outCh, embDim));
                ch = outCh;
                if (depth.get(level) > 0) {
                    layers.add(transformer(b.at("1"), ch, depth.get(level)));
                }
                in.add(new TimestepEmbedSequential(layers));
                skipChannels.push(ch);
            }
            if (level < mult.size() - 1) {
                in.add(new TimestepEmbedSequential(List.of(new Downsample(w.at("input_blocks." + in.size() + ".0"), ch))));
                skipChannels.push(ch);
            }
        }
        inputBlocks = List.copyOf(in);

        List<UNetLayer> mid = new ArrayList<>();
        mid.add(new ResBlock(w.at("middle_block.0"), ch, ch, embDim));
        if (config.transformerDepthMiddle() > 0) {
            mid.add(transformer(w.at("middle_block.1"), ch, config.transformerDepthMiddle()));
        }
        mid.add(new ResBlock(w.at("middle_block." + mid.size()), ch, ch, embDim));
        middleBlock = new TimestepEmbedSequential(mid);

        List<TimestepEmbedSequential> out = new ArrayList<>();
        for (int level = mult.size() - 1; level >= 0; level--) {
            int outCh = mc * mult.get(level);
            for (int r = 0; r <= config.numResBlocks(); r++) {
                Weights b = w.at("output_blocks." + out.size());
                List<UNetLayer> layers = new ArrayList<>();
                layers.add(new ResBlock(b.at("0"), ch + skipChannels.pop(), outCh, embDim));
                ch = outCh;
                if (depth.get(level) > 0) {
                    layers.add(transformer(b.at("1"), ch, depth.get(level)));
                }
                if (level > 0 && r == config.numResBlocks()) {
                    layers.add(new Upsample(b.at(Integer.toString(layers.size())), ch));
                }
                out.add(new TimestepEmbedSequential(layers));
            }
        }
        outputBlocks = List.copyOf(out);
        outNorm = GroupNorm.load(w.at("out.0"), ResBlock.GROUPS, ch, ResBlock.EPS);
        outConv = Conv2d.load(w.at("out.2"), ch, config.outChannels(), 3, 1, 1);
    }

    /** Builds the UNet from a whole checkpoint (keys under {@code model.diffusion_model.}). */
    public static UNetModel fromCheckpoint(Backend backend, TensorSource checkpoint, UNetConfig config) {
        return new UNetModel(backend, checkpoint.scoped(ModelConfig.UNET_PREFIX), config);
    }

    private SpatialTransformer transformer(Weights w, int channels, int depth) {
        return new SpatialTransformer(w, channels, config.headsFor(channels), depth, config.contextDim());
    }

    public UNetConfig config() {
        return config;
    }

    /** The prediction (eps or v) for x at timesteps t; y is SDXL's [B, adm] vector, null otherwise. */
    public Tensor forward(Tensor x, Tensor t, Tensor context, Tensor y) {
        return forward(x, t, context, y, BlockTrace.NONE);
    }

    /**
     * x: [B, in_channels, H, W] (any H, W; sides that are not multiples of 2^(levels−1) are handled as the
     * webui does, see {@link #matchSkip}); t: [B] real-valued timesteps;
     * context: [B, L, context_dim]; y: [B, adm_in_channels] or null -> [B, out_channels, H, W].
     */
    public Tensor forward(Tensor x, Tensor t, Tensor context, Tensor y, BlockTrace trace) {
        checkInputs(x, t, context, y);
        Tensor emb = backend.timestepEmbedding(t, config.modelChannels(), true, 0f, 10000f);   // [B, mc], [cos, sin]
        emb = timeEmbed2.forward(backend.activationInPlace(timeEmbed0.forward(emb), Activation.SILU));
        trace.record("time_embed", emb);
        if (labelEmb0 != null) {
            Tensor label = labelEmb2.forward(backend.activationInPlace(labelEmb0.forward(y), Activation.SILU));
            trace.record("label_emb", label);
            emb = backend.add(emb, label);
        }
        // Every ResBlock's emb_layers starts with SiLU: apply it once for all of them.
        Tensor embSilu = backend.activation(emb, Activation.SILU);

        Deque<Tensor> skips = new ArrayDeque<>();
        Tensor h = x;
        for (int i = 0; i < inputBlocks.size(); i++) {
            h = inputBlocks.get(i).forward(h, embSilu, context);
            skips.push(h);
            trace.record("input_blocks." + i, h);
        }
        h = middleBlock.forward(h, embSilu, context);
        trace.record("middle_block", h);
        for (int i = 0; i < outputBlocks.size(); i++) {
            Tensor skip = skips.pop();
            h = outputBlocks.get(i).forward(backend.concat(1, matchSkip(h, skip), skip), embSilu, context);
            trace.record("output_blocks." + i, h);
        }
        Tensor out = outConv.forward(outNorm.forwardSilu(h));
        trace.record("out", out);
        return out;
    }

    /**
     * The webui's patched {@code torch.cat} for the UNet ({@code modules/sd_hijack_unet.py}): when a
     * latent side is not a multiple of 2^(levels−1), a stride-2 convolution rounds it up and the 2×
     * upsampling brings back one row or column too many; h is then resized to the skip's size by
     * nearest interpolation. Nearest from n = m + 1 to m picks source floor(i·n/m) = i for every i &lt; m,
     * so the resize is exactly the first m rows/columns.
     */
    private Tensor matchSkip(Tensor h, Tensor skip) {
        int n0 = h.dim(2);
        int n1 = h.dim(3);
        int m0 = skip.dim(2);
        int m1 = skip.dim(3);
        if (n0 == m0 && n1 == m1) {
            return h;
        }
        if (!nearestIsPrefix(n0, m0) || !nearestIsPrefix(n1, m1)) {
            throw new IllegalStateException("UNet skip connection " + m0 + "×" + m1 + " cannot take " + n0 + "×" + n1);
        }
        return backend.narrow(backend.narrow(h, 2, 0, m0), 3, 0, m1);
    }

    /** Whether nearest interpolation from n to m samples (floor(i·n/m) for i &lt; m) the first m entries. */
    static boolean nearestIsPrefix(int n, int m) {
        return n >= m && (long) (m - 1) * (n - m) < m;
    }

    private void checkInputs(Tensor x, Tensor t, Tensor context, Tensor y) {
        if (x.rank() != 4 || x.dim(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet x: expected [batch, " + config.inChannels() + ", H, W], got " + x);
        }
        int b = x.dim(0);
        if (x.dim(2) == 0 || x.dim(3) == 0) {
            throw new IllegalArgumentException("UNet x: empty latent " + x.dim(2) + "×" + x.dim(3));
        }
        if (t.size() != b || t.rank() != 1) {
            throw new IllegalArgumentException("UNet timesteps: expected [" + b + "], got " + t);
        }
        if (context == null || context.rank() != 3 || context.dim(0) != b || context.dim(2) != config.contextDim()
                || context.dim(1) < 1) {
            throw new IllegalArgumentException("UNet context: expected [" + b + ", tokens, " + config.contextDim()
                    + "], got " + context);
        }
        if (config.admInChannels() > 0) {
            if (y == null || y.rank() != 2 || y.dim(0) != b || y.dim(1) != config.admInChannels()) {
                throw new IllegalArgumentException("UNet y: expected [" + b + ", " + config.admInChannels() + "], got "
                        + y);
            }
        } else if (y != null) {
            throw new IllegalArgumentException("UNet y: this UNet has no label_emb (adm_in_channels 0) but y " + y
                    + " was given");
        }
    }
}
