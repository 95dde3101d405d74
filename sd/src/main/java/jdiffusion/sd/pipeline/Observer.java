package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.StepCallback;
import jdiffusion.sampler.cfg.CfgHooks;
import jdiffusion.sd.image.Image;
import jdiffusion.tensor.Tensor;

/**
 * Bridges one sampling pass to the {@link ProgressListener}: per-step progress with a lazy VAE
 * preview, intermediate tensors (when wanted) and the per-call trace of the CFG denoiser.
 */
final class Observer {
    private final ProgressListener listener;
    private final int iteration;
    private final int iterations;
    private final boolean hires;
    private final VaeCodec vae;

    Observer(ProgressListener listener, int iteration, int iterations, boolean hires, VaeCodec vae) {
        this.listener = listener;
        this.iteration = iteration;
        this.iterations = iterations;
        this.hires = hires;
        this.vae = vae;
    }

    boolean tracing() {
        return listener.wantsTensors();
    }

    /** Emits a copy of {@code value} under {@code name} when tensors are wanted. */
    void tensor(String name, Tensor value) {
        if (listener.wantsTensors() && value != null) {
            listener.tensor(new TensorEvent(iteration, hires, name, value.copy()));
        }
    }

    void tensor(String name, float[] values) {
        if (listener.wantsTensors()) {
            listener.tensor(new TensorEvent(iteration, hires, name, Tensor.of(values.clone(), values.length)));
        }
    }

    /** The sampler's step callback for a pass of {@code steps} steps. */
    StepCallback steps(int steps) {
        return info -> listener.step(new StepProgress(iteration, iterations, hires, info.step(), steps, info.sigma(),
                info.x(), info.denoised(), () -> preview(info.denoised())));
    }

    private List<Image> preview(Tensor denoised) {
        Tensor decoded = vae.decode(denoised);
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < decoded.dim(0); i++) {
            out.add(LatentOps.picture(decoded, i));
        }
        return out;
    }

    /** Wraps the pass's CFG hooks so every denoiser call's input, σ and result are traced. */
    CfgHooks trace(CfgHooks inner) {
        if (!tracing()) {
            return inner;
        }
        return new CfgHooks() {
            @Override
            public Tensor beforeDenoise(Tensor x, float[] sigma, int step) {
                tensor("call." + step + ".x", x);
                tensor("call." + step + ".sigma", sigma);
                Tensor in = inner.beforeDenoise(x, sigma, step);
                if (in != x) {
                    tensor("call." + step + ".model_x", in); // DDIM/PLMS: the blended model input
                }
                return in;
            }

            @Override
            public Tensor afterCombine(Tensor x, float[] sigma, int step, Tensor denoised) {
                Tensor out = inner.afterCombine(x, sigma, step, denoised);
                tensor("call." + step + ".denoised", out);
                return out;
            }
        };
    }
}
