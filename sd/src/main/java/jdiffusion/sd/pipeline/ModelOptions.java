package jdiffusion.sd.pipeline;

import java.nio.file.Path;
import jdiffusion.loaders.LoadOptions;
import jdiffusion.sd.models.ModelsFolder;

/**
 * How {@link SdModel#load} opens a checkpoint.
 *
 * @param vae           a separate VAE file ("SD VAE" setting), or null for the checkpoint's own
 * @param modelsFolder  the webui-style {@code models} folder for LoRA, embeddings and ESRGAN look-ups, or null
 * @param load          loader choices (forced prediction type)
 * @param hashFiles     compute the SHA-256 model/VAE hashes for the infotext ({@code Model hash}); reading a
 *                      multi-GB file takes seconds, so callers that do not need them can switch this off
 */
public record ModelOptions(Path vae, ModelsFolder modelsFolder, LoadOptions load, boolean hashFiles) {

    public ModelOptions {
        load = load == null ? LoadOptions.defaults() : load;
    }

    /** Checkpoint only, no models folder, hashes on. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, null, LoadOptions.defaults(), true);
    }

    public ModelOptions withVae(Path v) {
        return new ModelOptions(v, modelsFolder, load, hashFiles);
    }

    public ModelOptions withModelsFolder(ModelsFolder v) {
        return new ModelOptions(vae, v, load, hashFiles);
    }

    public ModelOptions withLoad(LoadOptions v) {
        return new ModelOptions(vae, modelsFolder, v, hashFiles);
    }

    public ModelOptions withHashFiles(boolean v) {
        return new ModelOptions(vae, modelsFolder, load, v);
    }
}
