package jdiffusion.sd.conditioning;

import java.util.List;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.nn.SdNetworks;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Backend;

/** The {@link Conditioner} of a loaded model, by family. */
public final class Conditioners {
    private Conditioners() {
    }

    /** The conditioning of {@code networks}' text encoders, as the webui does it for their family. */
    public static Conditioner of(Backend backend, SdNetworks networks, EmbeddingDatabase embeddings, ConditioningOptions options) {
        List<ClipTextModel> te = networks.textEncoders();
        Architecture a = networks.config().architecture();
        return switch (a) {
            case SD1 -> SdConditioner.sd1(backend, new ClipTextEncoder(backend, te.getFirst(), ClipTextEncoder.Role.SD1), embeddings, options);
            case SD2 -> SdConditioner.sd2(backend, new ClipTextEncoder(backend, te.getFirst(), ClipTextEncoder.Role.SD2), embeddings, options);
            case SDXL -> SdxlConditioner.base(backend, new ClipTextEncoder(backend, te.get(0), ClipTextEncoder.Role.SDXL_CLIP_L),
                    new ClipTextEncoder(backend, te.get(1), ClipTextEncoder.Role.SDXL_BIG_G), embeddings, options);
            case SDXL_REFINER -> SdxlConditioner.refiner(backend,
                    new ClipTextEncoder(backend, te.getFirst(), ClipTextEncoder.Role.SDXL_BIG_G), embeddings, options);
        };
    }

    /**
     * An empty embedding database for a family, with the width the webui expects of embeddings
     * (768 SD1, 1024 SD2, 2048 = 768 + 1280 SDXL, 1280 refiner) and the tokenizer of its first
     * encoder (names are found by its token ids).
     */
    public static EmbeddingDatabase embeddingDatabase(SdNetworks networks) {
        List<ClipTextModel> te = networks.textEncoders();
        Architecture a = networks.config().architecture();
        int width = 0;
        for (ClipTextModel m : te) {
            width += m.config().width();
        }
        ClipTokenizer.Frontend frontend = a == Architecture.SD2 || a == Architecture.SDXL_REFINER
                ? ClipTokenizer.Frontend.OPEN_CLIP : ClipTokenizer.Frontend.TRANSFORMERS;
        return new EmbeddingDatabase(ClipTokenizer.standard(), frontend, width);
    }
}
