package jdiffusion.sd.pipeline;

import java.util.Map;
import jdiffusion.loaders.pickle.TorchCheckpoint;
import jdiffusion.nn.lora.PickleOpener;
import jdiffusion.nn.lora.TensorFiles;

/** The loaders' restricted pickle reader as the {@link PickleOpener} LoRA and embedding files need. */
final class Pickles {
    private Pickles() {
    }

    static PickleOpener opener() {
        return file -> {
            TorchCheckpoint ckpt = TorchCheckpoint.open(file);
            return TensorFiles.of(ckpt, Map.of(), ckpt);
        };
    }
}
